"""The rules of concerns: raising, replying, official answers, me too, status, audiences.

Every status change and every moderator action is appended to the moderation log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from forum.errors import FormErrors, NotAllowed, Refused
from forum.i18n import N_, Message
from forum.models import (
    MAX_ID,
    Audience,
    CloseReason,
    Concern,
    ConcernAudience,
    Flag,
    ModerationEvent,
    Region,
    Reply,
    Source,
    Status,
    Support,
    Topic,
    User,
    utcnow,
)
from forum.notifications import events
from forum.permissions import Action, Viewer, can

TECHNOLOGY_PROVIDERS = "technology_providers"
MAX_TITLE = 140
MAX_BODY = 5000
MAX_PERSON = 120
MAX_MEETING = 200
ASSISTED_SOURCES = {Source.meeting.value, Source.phone.value}
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# A second identical post within this time is taken as the same form sent twice.
RESEND_WINDOW = timedelta(minutes=30)
# The key a form carries so that sending it again is harmless (a page generates one; a
# phone keeps it with the draft, and resends it with the text when the signal is back).
CLIENT_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")
# Ids are 32-bit INTEGER columns on PostgreSQL: a larger number is an error, not a miss.


def _require(
    viewer: Viewer, action: Action, region_id: int, concern: Concern | None = None
) -> None:
    if not can(viewer, action, region_id, concern):
        raise NotAllowed(action)


def _text_error(text: str, *, maximum: int, empty: Message, too_long: Message) -> Message | None:
    if not text:
        return empty
    if len(text) > maximum:
        return too_long
    return None


def clean_text(raw: str) -> str:
    """Trim the ends, keep the person's line breaks, drop control characters."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").strip()
    return "".join(char for char in text if char in "\n\t" or char.isprintable())


def client_key(raw: str) -> str | None:
    """The form's key, or None for a missing or malformed one (then only the text and the
    time tell a resend apart)."""
    raw = raw.strip()
    return raw if CLIENT_KEY.fullmatch(raw) else None


def raise_concern(
    session: Session,
    viewer: Viewer,
    region: Region,
    *,
    title: str,
    body: str,
    topic: str,
    language: str,
    key: str | None = None,
) -> tuple[Concern, bool]:
    """The new concern, or the same one sent before (the form posted twice, or a draft
    resent from a phone), and whether it is new."""
    assert region.id is not None
    _require(viewer, Action.raise_concern, region.id)
    if (sent := _sent_with_key(session, Concern, viewer, key)) is not None:
        return sent, False
    text = _concern_text(session, title=title, body=body, topic=topic)
    if text.errors:
        raise FormErrors(text.errors)
    return _create_concern(session, viewer, region, text, language=language, key=key)


Sent = TypeVar("Sent", Concern, Reply)


def _add_once(session: Session, row: Sent, viewer: Viewer, key: str | None) -> tuple[Sent, bool]:
    """Insert `row`, or, when a request with the same key won the race (the unique index
    refuses ours), the row that request made; and whether ours went in."""
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        sent = _sent_with_key(session, type(row), viewer, key)
        if sent is None:
            raise
        return sent, False
    return row, True


def _sent_with_key(
    session: Session, table: type[Sent], viewer: Viewer, key: str | None
) -> Sent | None:
    if key is None or viewer.id is None:
        return None
    return session.exec(
        select(table).where(table.author_id == viewer.id, table.client_key == key)
    ).first()


@dataclass(frozen=True)
class Assisted:
    """Where a moderator met the person a concern is recorded for."""

    source: Source
    person: str
    meeting: str | None
    day: date


def record_assisted(
    session: Session,
    viewer: Viewer,
    region: Region,
    *,
    title: str,
    body: str,
    topic: str,
    language: str,
    source: str,
    person: str,
    meeting: str,
    day: str,
    consent: bool,
    key: str | None = None,
) -> tuple[Concern, bool]:
    """A concern a moderator records for someone met at a meeting or on the phone, published
    with that person's name or initials, once they agreed. Logged for accountability."""
    assert region.id is not None
    _require(viewer, Action.record_assisted, region.id)
    if (sent := _sent_with_key(session, Concern, viewer, key)) is not None:
        return sent, False
    assisted, errors = _assisted(source=source, person=person, meeting=meeting, day=day)
    text = _concern_text(session, title=title, body=body, topic=topic)
    errors |= text.errors
    if not consent:
        errors["consent"] = N_("Confirm that the person agreed that their concern is published.")
    if errors:
        raise FormErrors(errors)
    assert assisted is not None
    concern, created = _create_concern(session, viewer, region, text, language, key, assisted)
    if created:
        after = {
            "source": str(assisted.source),
            "person": assisted.person,
            "meeting": assisted.meeting,
            "date": assisted.day.isoformat(),
        }
        log(session, viewer, concern, "record_assisted", None, after)
    return concern, created


@dataclass(frozen=True)
class _ConcernText:
    title: str
    body: str
    topic: Topic | None
    errors: dict[str, Message]


def _concern_text(session: Session, *, title: str, body: str, topic: str) -> _ConcernText:
    """The title, body and topic of a new concern, cleaned, with a message for each wrong one."""
    title, body = " ".join(clean_text(title).split()), clean_text(body)
    errors: dict[str, Message] = {}
    title_error = _text_error(
        title,
        maximum=MAX_TITLE,
        empty=N_("Enter a short title for your concern."),
        too_long=N_("Use a title of at most %(max)d characters.", max=MAX_TITLE),
    )
    body_error = _text_error(
        body,
        maximum=MAX_BODY,
        empty=N_("Describe your concern."),
        too_long=N_("Use at most %(max)d characters to describe your concern.", max=MAX_BODY),
    )
    topic_row = session.exec(select(Topic).where(Topic.slug == topic)).first() if topic else None
    errors |= {"title": title_error} if title_error else {}
    errors |= {"body": body_error} if body_error else {}
    if topic and topic_row is None:
        errors["topic"] = N_("Choose a topic from the list, or leave it empty.")
    return _ConcernText(title, body, topic_row, errors)


def _assisted(
    *, source: str, person: str, meeting: str, day: str
) -> tuple[Assisted | None, dict[str, Message]]:
    """Who was met, where and when, and a message for each field that is wrong."""
    errors: dict[str, Message] = {}
    if source not in ASSISTED_SOURCES:
        errors["source"] = N_("Choose whether you met the person at a meeting or on the phone.")
    person = " ".join(clean_text(person).split())
    person_error = _text_error(
        person,
        maximum=MAX_PERSON,
        empty=N_("Enter the person's name or initials."),
        too_long=N_("Use at most %(max)d characters for the person's name.", max=MAX_PERSON),
    )
    errors |= {"person": person_error} if person_error else {}
    meeting = " ".join(clean_text(meeting).split())
    meeting_error = _text_error(
        meeting,
        maximum=MAX_MEETING,
        empty=N_("Enter the name of the meeting."),
        too_long=N_("Use at most %(max)d characters for the meeting's name.", max=MAX_MEETING),
    )
    if source == Source.meeting and meeting_error:
        errors["meeting"] = meeting_error
    parsed_day, day_error = _past_day(day)
    errors |= {"date": day_error} if day_error else {}
    if errors or parsed_day is None:
        return None, errors
    is_meeting = source == Source.meeting
    return Assisted(Source(source), person, meeting if is_meeting else None, parsed_day), {}


def _past_day(raw: str) -> tuple[date | None, Message | None]:
    """A date written as year-month-day (what a date field sends), not later than today."""
    raw = raw.strip()
    if not raw:
        return None, N_("Enter the date of the meeting or the call.")
    try:
        day = date.fromisoformat(raw) if ISO_DAY.fullmatch(raw) else None
    except ValueError:
        day = None
    if day is None:
        return None, N_("Enter the date as year-month-day, for example 2025-03-14.")
    # "Today" somewhere on Earth: a moderator east of UTC may already be in tomorrow.
    if day > (utcnow() + timedelta(hours=14)).date():
        return None, N_("The date cannot be in the future.")
    return day, None


def _create_concern(
    session: Session,
    viewer: Viewer,
    region: Region,
    text: _ConcernText,
    language: str,
    key: str | None,
    assisted: Assisted | None = None,
) -> tuple[Concern, bool]:
    assert viewer.id is not None and region.id is not None
    earlier = session.exec(
        select(Concern).where(
            Concern.author_id == viewer.id,
            Concern.region_id == region.id,
            Concern.title == text.title,
            Concern.body == text.body,
            col(Concern.created_at) > utcnow() - RESEND_WINDOW,
        )
    ).first()
    if earlier is not None:
        return earlier, False
    concern = Concern(
        region_id=region.id,
        author_id=viewer.id,
        title=text.title,
        body=text.body,
        language=language,
        topic_id=text.topic.id if text.topic else None,
        client_key=key,
    )
    if assisted is not None:
        concern.source = assisted.source
        concern.source_person = assisted.person
        concern.source_meeting = assisted.meeting
        concern.source_date = assisted.day
        concern.publication_consent = True
    return _add_once(session, concern, viewer, key)


def post_reply(
    session: Session,
    viewer: Viewer,
    concern: Concern,
    *,
    body: str,
    official: bool,
    language: str,
    key: str | None = None,
) -> tuple[Reply, bool]:
    """The new reply, or the one this form already sent (a resend from a phone whose signal
    dropped before the answer came), and whether it is new."""
    _require(viewer, Action.reply, concern.region_id, concern)
    if official:
        _require(viewer, Action.answer_officially, concern.region_id, concern)
    assert viewer.user is not None and viewer.id is not None and concern.id is not None
    if (sent := _sent_with_key(session, Reply, viewer, key)) is not None:
        return sent, False
    if concern.status == Status.closed:
        raise Refused(N_("This concern is closed, so it takes no more replies."))
    if concern.locked:
        raise Refused(N_("New replies to this concern are stopped."))
    body = clean_text(body)
    error = _text_error(
        body,
        maximum=MAX_BODY,
        empty=N_("Write your reply."),
        too_long=N_("Use at most %(max)d characters in your reply.", max=MAX_BODY),
    )
    if error:
        raise FormErrors({"body": error})
    resent = session.exec(
        select(Reply.id).where(
            Reply.concern_id == concern.id,
            Reply.author_id == viewer.id,
            Reply.body == body,
            col(Reply.created_at) > utcnow() - RESEND_WINDOW,
        )
    ).first()
    if resent is not None:
        raise Refused(N_("You already sent this reply. It is below."))
    now = utcnow()
    reply = Reply(
        concern_id=concern.id,
        author_id=viewer.id,
        body=body,
        language=language,
        official=official,
        organisation=viewer.user.organisation if official else None,
        created_at=now,
        client_key=key,
    )
    reply, created = _add_once(session, reply, viewer, key)
    if not created:
        return reply, False
    concern.reply_count += 1
    concern.last_activity_at = now
    if official:
        concern.first_official_answer_at = concern.first_official_answer_at or now
        if concern.status == Status.open:
            _transition(session, viewer, concern, Status.answered, notify=False)
    session.add(concern)
    session.flush()
    if official:
        events.official_answer_posted(session, concern, reply)
    return reply, True


def toggle_support(session: Session, viewer: Viewer, concern: Concern) -> bool:
    """Me too, or take it back. Returns whether the viewer now supports the concern."""
    _require(viewer, Action.support, concern.region_id, concern)
    assert viewer.id is not None and concern.id is not None
    removed = session.execute(
        delete(Support).where(
            col(Support.concern_id) == concern.id, col(Support.user_id) == viewer.id
        )
    )
    supported = removed.rowcount == 0  # type: ignore[attr-defined]
    if supported:
        try:
            with session.begin_nested():
                session.add(Support(concern_id=concern.id, user_id=viewer.id))
        except IntegrityError:  # the same person pressed twice at once: one support
            return True
    session.execute(
        update(Concern)
        .where(col(Concern.id) == concern.id)
        .values(support_count=Concern.support_count + (1 if supported else -1))
    )
    session.refresh(concern)
    return supported


def change_status(
    session: Session,
    viewer: Viewer,
    concern: Concern,
    *,
    status: str,
    reason: str = "",
    duplicate_of: str = "",
) -> None:
    """Resolve, reopen or close a concern, if this person may take it there from here."""
    if status not in Status.__members__:
        raise Refused(N_("We do not know that status. Nothing was changed."))
    target = Status(status)
    if target == concern.status:
        raise Refused(N_("Nothing to change: the concern already has this status."))
    if target == Status.closed:
        _close(session, viewer, concern, reason=reason, duplicate_of=duplicate_of)
        return
    if concern.status == Status.closed:
        # Only moderators reopen what moderators closed.
        _require(viewer, Action.close, concern.region_id, concern)
        if target != Status.open:
            raise Refused(N_("A closed concern can only be reopened."))
    elif target == Status.resolved:
        _require(viewer, Action.resolve, concern.region_id, concern)
        if concern.status != Status.answered and not can(
            viewer, Action.close, concern.region_id, concern
        ):
            raise Refused(N_("A concern can be marked resolved once it has an official answer."))
    elif target == Status.open:
        _require(viewer, Action.resolve, concern.region_id, concern)
    else:  # answered comes only from an official answer
        raise Refused(N_("A concern is answered when a partner gives an official answer."))
    _transition(session, viewer, concern, target)


def _close(
    session: Session, viewer: Viewer, concern: Concern, *, reason: str, duplicate_of: str
) -> None:
    _require(viewer, Action.close, concern.region_id, concern)
    errors: dict[str, Message] = {}
    original: Concern | None = None
    if reason not in CloseReason.__members__:
        errors["reason"] = N_("Choose why this concern is closed.")
    elif reason == CloseReason.duplicate:
        original = _duplicate_target(session, concern, duplicate_of)
        if original is None:
            errors["duplicate_of"] = N_(
                "Enter the number of another concern in this region, for example 12."
            )
    if errors:
        raise FormErrors(errors)
    _transition(
        session,
        viewer,
        concern,
        Status.closed,
        close_reason=reason,
        duplicate_of_id=original.id if original else None,
    )


def _duplicate_target(session: Session, concern: Concern, raw: str) -> Concern | None:
    number = raw.strip().lstrip("#")
    # ASCII digits only ("²" passes isdigit() but not int()), and no more than an id column holds.
    if not (number.isascii() and number.isdigit()) or len(number) > 10 or int(number) > MAX_ID:
        return None
    original = session.get(Concern, int(number))
    if original is None or original.id == concern.id or original.region_id != concern.region_id:
        return None
    return original


def _transition(
    session: Session,
    viewer: Viewer,
    concern: Concern,
    target: Status,
    *,
    close_reason: str | None = None,
    duplicate_of_id: int | None = None,
    notify: bool = True,
) -> None:
    """Move the concern to `target` and log it; the reason to close is cleared on any other move.

    People are told, unless the caller tells them of the same change in its own words (an
    official answer)."""
    before = _status_snapshot(concern)  # before anything changes, so the log shows the move
    now = utcnow()
    concern.status = target
    concern.close_reason = close_reason
    concern.duplicate_of_id = duplicate_of_id
    concern.resolved_at = now if target == Status.resolved else None
    concern.last_activity_at = now
    session.add(concern)
    log(session, viewer, concern, "status", before, _status_snapshot(concern), close_reason)
    if notify:
        session.flush()
        events.status_changed(session, concern, before["status"], str(target), actor_id=viewer.id)


def _status_snapshot(concern: Concern) -> dict[str, Any]:
    return {
        "status": str(concern.status),
        "close_reason": concern.close_reason,
        "duplicate_of": concern.duplicate_of_id,
    }


def set_audiences(session: Session, viewer: Viewer, concern: Concern, slugs: list[str]) -> None:
    """Tag the concern with exactly these audiences."""
    _require(viewer, Action.tag, concern.region_id, concern)
    assert concern.id is not None
    known = {a.slug: a for a in session.exec(select(Audience)).all()}
    wanted = list(dict.fromkeys(slug for slug in slugs if slug))
    if any(slug not in known for slug in wanted):
        raise Refused(N_("We do not know that audience. Nothing was changed."))
    current = session.exec(
        select(Audience.slug)
        .join(ConcernAudience, col(ConcernAudience.audience_id) == Audience.id)
        .where(ConcernAudience.concern_id == concern.id)
    ).all()
    before, after = sorted(current), sorted(wanted)
    if before == after:
        return
    session.execute(delete(ConcernAudience).where(col(ConcernAudience.concern_id) == concern.id))
    for slug in after:
        audience_id = known[slug].id
        assert audience_id is not None
        session.add(ConcernAudience(concern_id=concern.id, audience_id=audience_id))
    log(session, viewer, concern, "tag", {"audiences": before}, {"audiences": after})
    if TECHNOLOGY_PROVIDERS in after and TECHNOLOGY_PROVIDERS not in before:
        session.flush()
        events.tagged_for_partners(session, concern, actor_id=viewer.id)


def log(
    session: Session,
    viewer: Viewer,
    target: Concern | Reply | User | Flag,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str | None = None,
    *,
    region_id: int | None = None,
) -> None:
    """Append one line to the moderation log. A concern or a flag knows its region; for a reply
    or a person, `region_id` says in which region the moderator acted."""
    assert viewer.id is not None and target.id is not None
    if region_id is None:
        assert isinstance(target, Concern | Flag)
        region_id = target.region_id
    session.add(
        ModerationEvent(
            actor_id=viewer.id,
            region_id=region_id,
            action=action,
            target_type=TARGET_TYPES[type(target)],
            target_id=target.id,
            before=before,
            after=after,
            reason=reason,
        )
    )


TARGET_TYPES: dict[type, str] = {Concern: "concern", Reply: "reply", User: "user", Flag: "flag"}
