"""The rules of concerns: raising one, replying and answering officially, me too, and the
audiences. Status changes are in status.py, concerns recorded for someone in assisted.py.

Every moderator action is appended to the moderation log, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from forum.concerns import queries, status
from forum.concerns.texts import BODY, REPLY, TITLE, Draft, ReplyDraft, clean_text, one_line
from forum.errors import FormErrors, NotAllowed, Refused
from forum.i18n import N_, OFFERED_LOCALES, Message
from forum.models import (
    Concern,
    Organisation,
    OrganisationKind,
    Region,
    Reply,
    Service,
    Status,
    Topic,
    utcnow,
)
from forum.moderation.log import log
from forum.notifications import events
from forum.permissions import Action, Viewer, can
from forum.photos import MAX_ALT, Photo, Store
from forum.piloted.queries import service_by_slug

TECHNOLOGY_PROVIDERS = "technology_providers"
LOCAL_ADMINISTRATION = "local_administration"
# The audience whose concerns a partner answers first, by the kind of their organisation.
AUDIENCE_OF_KIND = {
    OrganisationKind.technology_provider.value: TECHNOLOGY_PROVIDERS,
    OrganisationKind.local_administration.value: LOCAL_ADMINISTRATION,
}


def audience_of(organisation: Organisation | None) -> str:
    """The audience a partner answers for: their organisation's (technology providers when
    they have none, as an administrator answering from the queue)."""
    return AUDIENCE_OF_KIND.get(organisation.kind if organisation else "", TECHNOLOGY_PROVIDERS)


# A second identical post within this time is taken as the same form sent twice.
RESEND_WINDOW = timedelta(minutes=30)


def require(viewer: Viewer, action: Action, region_id: int, concern: Concern | None = None) -> None:
    """The rule table's answer, as an exception: NotAllowed is a 403 for the person."""
    if not can(viewer, action, region_id, concern):
        raise NotAllowed(action)


@dataclass(frozen=True)
class ConcernText:
    """The title, body and topic of a new concern, cleaned, with a message for each wrong one."""

    title: str
    body: str
    topic: Topic | None
    errors: dict[str, Message]
    language: str | None = None  # the one the person chose; None: the page's
    photo: Photo | None = None
    photo_alt: str | None = None
    service: Service | None = None


def concern_text(session: Session, draft: Draft, region_id: int) -> ConcernText:
    title, body, topic = one_line(draft.title), clean_text(draft.body), draft.topic
    topic_row = queries.topic_by_slug(session, topic) if topic else None
    errors: dict[str, Message] = {}
    service = draft.service.strip()
    service_row = service_by_slug(session, region_id, service) if service else None
    if service and service_row is None:
        errors["service"] = N_("Choose a service from the list, or leave it empty.")
    if message := TITLE.error(title):
        errors["title"] = message
    if message := BODY.error(body):
        errors["body"] = message
    if topic and topic_row is None:
        errors["topic"] = N_("Choose a topic from the list, or leave it empty.")
    language = draft.language.strip() or None
    if language is not None and language not in OFFERED_LOCALES:
        errors["language"] = N_("Choose a language from the list.")
    photo, alt = _photo(draft, errors)
    return ConcernText(title, body, topic_row, errors, language, photo, alt, service_row)


def _photo(draft: Draft, errors: dict[str, Message]) -> tuple[Photo | None, str | None]:
    """The photo and what it shows, or a message beside the field that is wrong. A photo
    that was fine must be chosen again when something else is wrong: a form sent back
    cannot hold a file."""
    if draft.photo is None:
        return None, None
    if isinstance(draft.photo, Message):
        errors["photo"] = draft.photo
        return None, None
    alt = one_line(draft.photo_alt)
    if not alt:
        errors["photo_alt"] = N_(
            "Say in a few words what the photo shows, for people who cannot see it."
        )
    elif len(alt) > MAX_ALT:
        errors["photo_alt"] = N_("Use at most %(max)d characters.", max=MAX_ALT)
    if errors:
        errors["photo"] = N_("Choose the photo again: a form sent back cannot keep it.")
        return None, None
    return draft.photo, alt


def raise_concern(
    session: Session,
    viewer: Viewer,
    region: Region,
    draft: Draft,
    *,
    language: str,
    store: Store | None = None,
) -> tuple[Concern, bool]:
    """The new concern, or the same one sent before (the form posted twice, or a draft
    resent from a phone), and whether it is new. It is in the language the person chose,
    else in `language` (the page's)."""
    assert region.id is not None
    require(viewer, Action.raise_concern, region.id)
    if (sent := queries.sent_with_key(session, Concern, viewer.id, draft.key)) is not None:
        return sent, False
    text = concern_text(session, draft, region.id)
    if text.errors:
        raise FormErrors(text.errors)
    return create_concern(
        session, viewer, region.id, text, language=language, key=draft.key, store=store
    )


def create_concern(
    session: Session,
    viewer: Viewer,
    region_id: int,
    text: ConcernText,
    *,
    language: str,
    key: str | None,
    store: Store | None = None,
    **more: Any,
) -> tuple[Concern, bool]:
    """A new concern with this text (and `more` of its fields), unless the same person sent
    the same text to the same region a moment ago (then that one), and whether it is new.
    Its photo's files are written to `store`, and removed again if it was not new."""
    assert viewer.id is not None
    since = utcnow() - RESEND_WINDOW
    earlier = queries.recent_concern(
        session, viewer.id, region_id, text.title, text.body, since=since
    )
    if earlier is not None:
        return earlier, False
    concern = Concern(
        region_id=region_id,
        author_id=viewer.id,
        title=text.title,
        body=text.body,
        language=text.language or language,
        topic_id=text.topic.id if text.topic else None,
        service_id=text.service.id if text.service else None,
        client_key=key,
        **more,
    )
    if text.photo is not None:
        assert store is not None, "a photo needs a store"
        concern.photo = store.save(text.photo)
        concern.photo_alt = text.photo_alt
        concern.photo_width, concern.photo_height = text.photo.width, text.photo.height
    added, new = _add_once(session, concern, viewer, key)
    if not new and concern.photo and store is not None:
        store.delete(concern.photo)
    return added, new


Sent = TypeVar("Sent", Concern, Reply)


def _add_once(session: Session, row: Sent, viewer: Viewer, key: str | None) -> tuple[Sent, bool]:
    """Insert `row`, or, when a request with the same key won the race (the unique index
    refuses ours), the row that request made; and whether ours went in."""
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        sent = queries.sent_with_key(session, type(row), viewer.id, key)
        if sent is None:
            raise
        return sent, False
    return row, True


def post_reply(
    session: Session, viewer: Viewer, concern: Concern, draft: ReplyDraft, *, language: str
) -> tuple[Reply, bool]:
    """The new reply, or the one this form already sent (a resend from a phone whose signal
    dropped before the answer came), and whether it is new."""
    require(viewer, Action.reply, concern.region_id, concern)
    if draft.official:
        require(viewer, Action.answer_officially, concern.region_id, concern)
    assert viewer.user is not None and viewer.id is not None and concern.id is not None
    if (sent := queries.sent_with_key(session, Reply, viewer.id, draft.key)) is not None:
        return sent, False
    if concern.status == Status.closed:
        raise Refused(N_("This concern is closed, so it takes no more replies."))
    if concern.locked:
        raise Refused(N_("New replies to this concern are stopped."))
    body = clean_text(draft.body)
    if error := REPLY.error(body):
        raise FormErrors({"body": error})
    if queries.recent_reply(session, concern.id, viewer.id, body, since=utcnow() - RESEND_WINDOW):
        raise Refused(N_("You already sent this reply. It is below."))
    now = utcnow()
    reply = Reply(
        concern_id=concern.id,
        author_id=viewer.id,
        body=body,
        language=language,
        official=draft.official,
        organisation=viewer.organisation.name if draft.official and viewer.organisation else None,
        created_at=now,
        client_key=draft.key,
    )
    reply, created = _add_once(session, reply, viewer, draft.key)
    if created:
        _replied(session, viewer, concern, reply)
    return reply, created


def _replied(session: Session, viewer: Viewer, concern: Concern, reply: Reply) -> None:
    """The concern's counts and times after a new reply; a first official answer answers it."""
    concern.reply_count += 1
    concern.last_activity_at = reply.created_at
    if reply.official:
        concern.first_official_answer_at = concern.first_official_answer_at or reply.created_at
        concern.first_answer_id = concern.first_answer_id or reply.id
        if concern.status == Status.open:
            status.transition(session, viewer, concern, Status.answered, notify=False)
    session.add(concern)
    session.flush()
    if reply.official:
        events.official_answer_posted(session, concern, reply)


def toggle_support(session: Session, viewer: Viewer, concern: Concern) -> bool:
    """Me too, or take it back. Returns whether the viewer now supports the concern."""
    require(viewer, Action.support, concern.region_id, concern)
    assert viewer.id is not None and concern.id is not None
    supported = not queries.remove_support(session, concern.id, viewer.id)
    if supported and not queries.add_support(session, concern.id, viewer.id):
        return True  # the same person pressed twice at once: one support
    queries.count_support(session, concern.id, 1 if supported else -1)
    session.refresh(concern)
    return supported


def set_audiences(session: Session, viewer: Viewer, concern: Concern, slugs: list[str]) -> None:
    """Tag the concern with exactly these audiences."""
    require(viewer, Action.tag, concern.region_id, concern)
    assert concern.id is not None
    known = {audience.slug: audience for audience in queries.audiences(session)}
    wanted = list(dict.fromkeys(slug for slug in slugs if slug))
    if any(slug not in known for slug in wanted):
        raise Refused(N_("We do not know that audience. Nothing was changed."))
    before = sorted(queries.audience_slugs_of(session, concern.id))
    after = sorted(wanted)
    if before == after:
        return
    audience_ids = [known[slug].id for slug in after]
    queries.replace_audiences(session, concern.id, [i for i in audience_ids if i is not None])
    log(session, viewer, concern, "tag", {"audiences": before}, {"audiences": after})
    for audience in (TECHNOLOGY_PROVIDERS, LOCAL_ADMINISTRATION):
        if audience in after and audience not in before:
            session.flush()
            events.tagged_for_partners(session, concern, audience, actor_id=viewer.id)
