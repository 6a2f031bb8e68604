"""The rules of moderation: reports (flags), hiding and restoring posts, locking, topics,
duplicates, handling reports, and stopping people from writing.

Every moderator action is appended to the moderation log, in the same transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, SQLModel, col

from forum.concerns import answers, status
from forum.concerns import queries as concern_queries
from forum.concerns.service import require as _require
from forum.concerns.texts import clean_text
from forum.errors import FormErrors, NotAllowed, Refused
from forum.i18n import N_, Message
from forum.models import (
    CloseReason,
    Concern,
    Flag,
    FlagReason,
    Region,
    Reply,
    Service,
    User,
    utcnow,
)
from forum.moderation import queries
from forum.moderation.log import log
from forum.notifications import events
from forum.permissions import Action, Viewer
from forum.photos import Store
from forum.piloted.queries import service_by_slug

MAX_REASON = 500


def _target(concern: Concern, reply: Reply | None) -> queries.Target:
    post = reply or concern
    assert post.id is not None
    return ("reply" if reply else "concern", post.id)


def _reason(raw: str, *, required: bool) -> str | None:
    """The moderator's reason, which the person concerned will read."""
    reason = clean_text(raw)
    if required and not reason:
        raise FormErrors({"reason": N_("Write the reason. The person who wrote it will read it.")})
    if len(reason) > MAX_REASON:
        raise FormErrors(
            {"reason": N_("Use at most %(max)d characters for the reason.", max=MAX_REASON)}
        )
    return reason or None


def _change(
    session: Session,
    row: SQLModel,
    where: list[ColumnElement[bool]],
    to: dict[str, Any],
    refused: Message,
) -> None:
    """Change the row in one conditional UPDATE, only while `where` still holds: of the same
    action sent twice at once (two moderators, a form sent again), one changes it and the
    other is refused, on SQLite and PostgreSQL alike; nothing is logged or mailed twice."""
    model = type(row)
    key = model.id  # type: ignore[attr-defined]
    changed = session.execute(
        update(model).where(key == row.id, *where).values(**to)  # type: ignore[attr-defined]
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise Refused(refused)
    for name, value in to.items():  # the object says what the row now says, unflushed
        set_committed_value(row, name, value)


# Reports from readers.


def flag(
    session: Session,
    viewer: Viewer,
    concern: Concern,
    reply: Reply | None,
    *,
    reason: str,
    text: str,
) -> Flag:
    """Tell the moderators privately that a concern or a reply is wrong."""
    _require(viewer, Action.flag, concern.region_id, concern)
    assert viewer.id is not None and concern.id is not None
    target = _target(concern, reply)
    if (reply or concern).hidden:
        raise Refused(N_("A moderator has already hidden this."))
    already = Refused(N_("You already reported this. The moderators will look at it."))
    if queries.flag_by(session, viewer.id, target) is not None:
        raise already
    text = clean_text(text)
    if reason not in FlagReason.__members__:
        raise FormErrors({"reason": N_("Choose what is wrong.")})
    if reason == FlagReason.other and not text:
        raise FormErrors({"text": N_("Tell the moderators what is wrong.")})
    if len(text) > MAX_REASON:
        raise FormErrors({"text": N_("Use at most %(max)d characters.", max=MAX_REASON)})
    report = Flag(
        reporter_id=viewer.id,
        region_id=concern.region_id,
        concern_id=concern.id,
        target_type=target[0],
        target_id=target[1],
        reason=reason,
        text=text or None,
    )
    try:
        with session.begin_nested():
            session.add(report)
    except IntegrityError:  # the same report sent twice at once: one report
        raise already from None
    events.flagged(session, report)
    return report


def dismiss_flags(session: Session, viewer: Viewer, report: Flag) -> int:
    """Nothing wrong: close every open report on the same post. Returns how many."""
    _require(viewer, Action.moderate, report.region_id)
    open_reports = queries.open_flags_on(session, (report.target_type, report.target_id))
    if not open_reports:
        raise Refused(N_("These reports were already handled."))
    now = utcnow()
    handled = N_("These reports were already handled.")
    for each in open_reports:
        dismissed = {"resolved_at": now, "resolved_by_id": viewer.id, "resolution": "dismissed"}
        _change(session, each, [col(Flag.resolved_at).is_(None)], dismissed, handled)
        log(
            session, viewer, each, "dismiss_flag", {"resolution": None}, {"resolution": "dismissed"}
        )
    return len(open_reports)


# Posts and concerns.


def hide(
    session: Session, viewer: Viewer, concern: Concern, reply: Reply | None, *, reason: str
) -> None:
    """Hide a concern or a reply; its author is told why, and its open reports are handled."""
    _require(viewer, Action.moderate, concern.region_id, concern)
    post = reply or concern
    if post.hidden:
        raise Refused(N_("This is already hidden."))
    why = _reason(reason, required=True)
    assert why is not None
    model = type(post)
    hidden = {"hidden": True, "hidden_reason": why}
    _change(session, post, [col(model.hidden).is_(False)], hidden, N_("This is already hidden."))
    if reply is not None and reply.official:
        answers.refresh(session, [concern.id or 0])
    target_type, target_id = _target(concern, reply)
    reporter_ids = [
        each.reporter_id for each in queries.open_flags_on(session, (target_type, target_id))
    ]
    session.execute(
        update(Flag)
        .where(
            col(Flag.target_type) == target_type,
            col(Flag.target_id) == target_id,
            col(Flag.resolved_at).is_(None),
        )
        .values(resolved_at=utcnow(), resolved_by_id=viewer.id, resolution="hidden")
    )
    before, after = {"hidden": False}, {"hidden": True}
    log(session, viewer, post, "hide", before, after, why, region_id=concern.region_id)
    session.flush()
    events.post_hidden(session, concern, reply, why, actor_id=viewer.id)
    events.report_upheld(session, concern, reply, reporter_ids, actor_id=viewer.id)


def remove_photo(session: Session, viewer: Viewer, concern: Concern, store: Store) -> None:
    """Take a concern's photo away for good (a face, a number plate, an address): its files
    are deleted, the concern stays."""
    _require(viewer, Action.moderate, concern.region_id, concern)
    token = concern.photo
    gone = N_("This concern has no photo any more.")
    if token is None:
        raise Refused(gone)
    cleared = {"photo": None, "photo_alt": None, "photo_width": None, "photo_height": None}
    _change(session, concern, [col(Concern.photo) == token], cleared, gone)
    log(session, viewer, concern, "remove_photo", {"photo": True}, {"photo": False})
    store.delete(token)


def restore(
    session: Session, viewer: Viewer, concern: Concern, reply: Reply | None, *, reason: str = ""
) -> None:
    """Show a hidden concern or reply again."""
    _require(viewer, Action.moderate, concern.region_id, concern)
    post = reply or concern
    if not post.hidden:
        raise Refused(N_("This is not hidden."))
    why = _reason(reason, required=False)
    before = {"hidden": True, "hidden_reason": post.hidden_reason}
    shown = {"hidden": False, "hidden_reason": None}
    model = type(post)
    _change(session, post, [col(model.hidden).is_(True)], shown, N_("This is not hidden."))
    if reply is not None and reply.official:
        answers.refresh(session, [concern.id or 0])
    log(
        session,
        viewer,
        post,
        "restore",
        before,
        {"hidden": False},
        why,
        region_id=concern.region_id,
    )


def set_locked(session: Session, viewer: Viewer, concern: Concern, *, locked: bool) -> None:
    """Stop new replies, or allow them again."""
    _require(viewer, Action.moderate, concern.region_id, concern)
    same = N_("Nothing to change: it is already like this.")
    if concern.locked == locked:
        raise Refused(same)
    _change(session, concern, [col(Concern.locked).is_(not locked)], {"locked": locked}, same)
    log(
        session,
        viewer,
        concern,
        "lock" if locked else "unlock",
        {"locked": not locked},
        {"locked": locked},
    )


def set_topic(session: Session, viewer: Viewer, concern: Concern, slug: str) -> None:
    """Set the concern's topic, or clear it with an empty slug."""
    _require(viewer, Action.moderate, concern.region_id, concern)
    topic = concern_queries.topic_by_slug(session, slug) if slug else None
    if slug and topic is None:
        raise Refused(N_("We do not know that topic. Nothing was changed."))
    before = concern_queries.topic_slug(session, concern.topic_id)
    if before == (topic.slug if topic else None):
        return
    concern.topic_id = topic.id if topic else None
    session.add(concern)
    log(session, viewer, concern, "topic", {"topic": before}, {"topic": slug or None})


def set_service(session: Session, viewer: Viewer, concern: Concern, slug: str) -> None:
    """Say which of the region's piloted services the concern is about, or none (empty)."""
    _require(viewer, Action.moderate, concern.region_id, concern)
    service = service_by_slug(session, concern.region_id, slug) if slug else None
    if slug and service is None:
        raise Refused(N_("We do not know that service. Nothing was changed."))
    before = session.get(Service, concern.service_id) if concern.service_id else None
    if (before.id if before else None) == (service.id if service else None):
        return
    concern.service_id = service.id if service else None
    session.add(concern)
    was = before.slug if before else None
    log(session, viewer, concern, "service", {"service": was}, {"service": slug or None})


def close_as_duplicate(session: Session, viewer: Viewer, concern: Concern, number: str) -> None:
    """Close the concern as the same as another in its region (which then links back)."""
    status.change_status(
        session,
        viewer,
        concern,
        status="closed",
        reason=CloseReason.duplicate,
        duplicate_of=number,
    )


# People.


def block(session: Session, viewer: Viewer, person: User, region: Region, *, reason: str) -> None:
    """Stop a person from writing anywhere. They can still read; what they wrote stays."""
    _require_person_in(session, viewer, person, region)
    if person.id == viewer.id:
        raise Refused(N_("You cannot stop yourself from writing."))
    if person.is_admin:
        raise Refused(N_("An administrator cannot be stopped from writing."))
    if person.blocked_at is not None:
        raise Refused(N_("This person is already stopped from writing."))
    why = _reason(reason, required=True)
    blocked = {"blocked_at": utcnow(), "blocked_reason": why}
    already = N_("This person is already stopped from writing.")
    _change(session, person, [col(User.blocked_at).is_(None)], blocked, already)
    log(
        session,
        viewer,
        person,
        "block",
        {"blocked": False},
        {"blocked": True},
        why,
        region_id=region.id,
    )


def unblock(
    session: Session, viewer: Viewer, person: User, region: Region, *, reason: str = ""
) -> None:
    """Let a person write again."""
    _require_person_in(session, viewer, person, region)
    if person.blocked_at is None:
        raise Refused(N_("This person can already write."))
    why = _reason(reason, required=False)
    before = {"blocked": True, "blocked_reason": person.blocked_reason}
    free = {"blocked_at": None, "blocked_reason": None}
    already = N_("This person can already write.")
    _change(session, person, [col(User.blocked_at).is_not(None)], free, already)
    log(session, viewer, person, "unblock", before, {"blocked": False}, why, region_id=region.id)


def _require_person_in(session: Session, viewer: Viewer, person: User, region: Region) -> None:
    """A moderator acts on people who took part in a region they moderate, not on anyone."""
    assert region.id is not None and person.id is not None
    _require(viewer, Action.moderate, region.id)
    if not queries.took_part(session, person.id, region.id):
        raise NotAllowed(Action.moderate)
