"""A concern's status: open -> answered (first official answer) -> resolved, reopened by its
author ("still a problem"), and closed or reopened by a moderator. Every move is logged and
the people who follow the concern are told."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from forum.concerns import queries
from forum.errors import FormErrors, NotAllowed, Refused
from forum.i18n import N_, Message
from forum.ids import parse_id
from forum.models import CloseReason, Concern, Status, utcnow
from forum.moderation.log import log
from forum.notifications import events
from forum.permissions import Action, Viewer, can


def _require(viewer: Viewer, action: Action, concern: Concern) -> None:
    if not can(viewer, action, concern.region_id, concern):
        raise NotAllowed(action)


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
        _require(viewer, Action.close, concern)
        if target != Status.open:
            raise Refused(N_("A closed concern can only be reopened."))
    elif target == Status.resolved:
        _require(viewer, Action.resolve, concern)
        if concern.status != Status.answered and not can(
            viewer, Action.close, concern.region_id, concern
        ):
            raise Refused(N_("A concern can be marked resolved once it has an official answer."))
    elif target == Status.open:
        _require(viewer, Action.resolve, concern)
    else:  # answered comes only from an official answer
        raise Refused(N_("A concern is answered when a partner gives an official answer."))
    transition(session, viewer, concern, target)


def _close(
    session: Session, viewer: Viewer, concern: Concern, *, reason: str, duplicate_of: str
) -> None:
    _require(viewer, Action.close, concern)
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
    transition(
        session,
        viewer,
        concern,
        Status.closed,
        close_reason=reason,
        duplicate_of_id=original.id if original else None,
    )


def _duplicate_target(session: Session, concern: Concern, raw: str) -> Concern | None:
    number = parse_id(raw)
    original = queries.concern_by_id(session, number) if number else None
    if original is None or original.id == concern.id or original.region_id != concern.region_id:
        return None
    return original


def transition(
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
    before = _snapshot(concern)  # before anything changes, so the log shows the move
    now = utcnow()
    concern.status = target
    concern.close_reason = close_reason
    concern.duplicate_of_id = duplicate_of_id
    concern.resolved_at = now if target == Status.resolved else None
    concern.last_activity_at = now
    session.add(concern)
    log(session, viewer, concern, "status", before, _snapshot(concern), close_reason)
    if notify:
        session.flush()
        events.status_changed(session, concern, before["status"], str(target), actor_id=viewer.id)


def _snapshot(concern: Concern) -> dict[str, Any]:
    return {
        "status": str(concern.status),
        "close_reason": concern.close_reason,
        "duplicate_of": concern.duplicate_of_id,
    }
