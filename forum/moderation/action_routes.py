"""The actions a moderator takes from the queue, one route each: on a concern, a reply, the
reports on a post, or a person. Each names what it changes; queue_routes.py takes the action
and answers (the item again for htmx, a redirect back for a plain form)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from sqlmodel import Session

from forum.concerns import service as concerns
from forum.i18n import N_, Message
from forum.ids import parse_id
from forum.models import Concern, Flag, Region, Reply, User
from forum.moderation import service
from forum.moderation.queue_routes import Moderator, QueueForm, Sent, Taken, take
from forum.permissions import Viewer
from forum.regions import queries as region_queries
from forum.web.deps import DB, Pages, photo_store
from forum.web.forms import Text, Texts

router = APIRouter()
Row = TypeVar("Row", Concern, Reply, Flag, User)


def _row_or_404(db: Session, model: type[Row], raw: str) -> Row:
    number = parse_id(raw)
    found = db.get(model, number) if number else None
    if found is None:
        raise HTTPException(404)
    return found


def concern_or_404(concern_id: str, db: DB) -> Concern:
    return _row_or_404(db, Concern, concern_id)


def reply_or_404(reply_id: str, db: DB) -> Reply:
    return _row_or_404(db, Reply, reply_id)


def flag_or_404(flag_id: str, db: DB) -> Flag:
    return _row_or_404(db, Flag, flag_id)


def person_or_404(user_id: str, db: DB) -> User:
    return _row_or_404(db, User, user_id)


def region_in_form(db: DB, region: Text = "") -> Region:
    """The active region a person action names (where the moderator acts)."""
    found = region_queries.active_region(db, region) if region else None
    if found is None:
        raise HTTPException(404)
    return found


# Actions on a concern.

ConcernInUrl = Annotated[Concern, Depends(concern_or_404)]


def _on_concern(
    concern: Concern,
    sent: QueueForm,
    form: str,
    change: Callable[[], object],
    done: Message,
    **typed: str,
) -> Taken:
    return Taken(sent.key(f"concern-{concern.id}"), form, change, done, typed)


@router.post("/moderation/concerns/{concern_id}/audiences")
def tag(
    request: Request,
    concern: ConcernInUrl,
    viewer: Moderator,
    sent: Sent,
    db: DB,
    pages: Pages,
    audience: Texts = [],  # noqa: B006 (FastAPI copies defaults)
) -> Response:
    change = partial(concerns.set_audiences, db, viewer, concern, audience)
    taken = _on_concern(concern, sent, "audiences", change, N_("The audiences are saved."))
    return take(request, pages, db, viewer, sent, taken)


@router.post("/moderation/concerns/{concern_id}/topic")
def set_topic(
    request: Request,
    concern: ConcernInUrl,
    viewer: Moderator,
    sent: Sent,
    db: DB,
    pages: Pages,
    topic: Text = "",
) -> Response:
    change = partial(service.set_topic, db, viewer, concern, topic)
    taken = _on_concern(concern, sent, "topic", change, N_("The topic is saved."))
    return take(request, pages, db, viewer, sent, taken)


@router.post("/moderation/concerns/{concern_id}/lock")
def lock(
    request: Request, concern: ConcernInUrl, viewer: Moderator, sent: Sent, db: DB, pages: Pages
) -> Response:
    change = partial(service.set_locked, db, viewer, concern, locked=True)
    taken = _on_concern(concern, sent, "lock", change, N_("This concern takes no more replies."))
    return take(request, pages, db, viewer, sent, taken)


@router.post("/moderation/concerns/{concern_id}/unlock")
def unlock(
    request: Request, concern: ConcernInUrl, viewer: Moderator, sent: Sent, db: DB, pages: Pages
) -> Response:
    change = partial(service.set_locked, db, viewer, concern, locked=False)
    taken = _on_concern(concern, sent, "lock", change, N_("This concern takes replies again."))
    return take(request, pages, db, viewer, sent, taken)


@router.post("/moderation/concerns/{concern_id}/duplicate")
def close_as_duplicate(
    request: Request,
    concern: ConcernInUrl,
    viewer: Moderator,
    sent: Sent,
    db: DB,
    pages: Pages,
    duplicate_of: Text = "",
) -> Response:
    change = partial(service.close_as_duplicate, db, viewer, concern, duplicate_of)
    done = N_("The concern is closed as the same as another one.")
    taken = _on_concern(concern, sent, "duplicate", change, done, duplicate_of=duplicate_of)
    return take(request, pages, db, viewer, sent, taken)


HIDDEN = N_("It is hidden. The person who wrote it is told why.")
SHOWN = N_("It is shown again.")


@router.post("/moderation/concerns/{concern_id}/hide")
def hide_concern(
    request: Request,
    concern: ConcernInUrl,
    viewer: Moderator,
    sent: Sent,
    db: DB,
    pages: Pages,
    reason: Text = "",
) -> Response:
    change = partial(service.hide, db, viewer, concern, None, reason=reason)
    taken = _on_concern(concern, sent, "hide", change, HIDDEN, reason=reason)
    return take(request, pages, db, viewer, sent, taken)


@router.post("/moderation/concerns/{concern_id}/restore")
def restore_concern(
    request: Request,
    concern: ConcernInUrl,
    viewer: Moderator,
    sent: Sent,
    db: DB,
    pages: Pages,
    reason: Text = "",
) -> Response:
    change = partial(service.restore, db, viewer, concern, None, reason=reason)
    taken = _on_concern(concern, sent, "restore", change, SHOWN, reason=reason)
    return take(request, pages, db, viewer, sent, taken)


@router.post("/moderation/concerns/{concern_id}/photo/remove")
def remove_photo(
    request: Request, concern: ConcernInUrl, viewer: Moderator, sent: Sent, db: DB, pages: Pages
) -> Response:
    change = partial(service.remove_photo, db, viewer, concern, photo_store(request))
    taken = _on_concern(concern, sent, "photo", change, N_("The photo is removed."))
    return take(request, pages, db, viewer, sent, taken)


# Actions on a reply, and on reports.

ReplyInUrl = Annotated[Reply, Depends(reply_or_404)]


def _on_reply(
    db: Session, reply: Reply, sent: QueueForm, form: str, hide: bool, viewer: Viewer, reason: str
) -> Taken:
    concern = _row_or_404(db, Concern, str(reply.concern_id))
    act_on = service.hide if hide else service.restore
    change = partial(act_on, db, viewer, concern, reply, reason=reason)
    return Taken(
        sent.key(f"post-reply-{reply.id}"),
        form,
        change,
        HIDDEN if hide else SHOWN,
        {"reason": reason},
    )


@router.post("/moderation/replies/{reply_id}/hide")
def hide_reply(
    request: Request,
    reply: ReplyInUrl,
    viewer: Moderator,
    sent: Sent,
    db: DB,
    pages: Pages,
    reason: Text = "",
) -> Response:
    taken = _on_reply(db, reply, sent, "hide", True, viewer, reason)
    return take(request, pages, db, viewer, sent, taken)


@router.post("/moderation/replies/{reply_id}/restore")
def restore_reply(
    request: Request,
    reply: ReplyInUrl,
    viewer: Moderator,
    sent: Sent,
    db: DB,
    pages: Pages,
    reason: Text = "",
) -> Response:
    taken = _on_reply(db, reply, sent, "restore", False, viewer, reason)
    return take(request, pages, db, viewer, sent, taken)


@router.post("/moderation/flags/{flag_id}/dismiss")
def dismiss_flags(
    request: Request,
    report: Annotated[Flag, Depends(flag_or_404)],
    viewer: Moderator,
    sent: Sent,
    db: DB,
    pages: Pages,
) -> Response:
    key = sent.key(f"post-{report.target_type}-{report.target_id}")
    change = partial(service.dismiss_flags, db, viewer, report)
    taken = Taken(key, "dismiss", change, N_("The reports are dismissed."))
    return take(request, pages, db, viewer, sent, taken)


# Actions on a person.

PersonInUrl = Annotated[User, Depends(person_or_404)]
RegionInForm = Annotated[Region, Depends(region_in_form)]


@router.post("/moderation/users/{user_id}/block")
def block(
    request: Request,
    person: PersonInUrl,
    region: RegionInForm,
    viewer: Moderator,
    sent: Sent,
    db: DB,
    pages: Pages,
    reason: Text = "",
) -> Response:
    change = partial(service.block, db, viewer, person, region, reason=reason)
    done = N_("This person can no longer write. They can still read.")
    key = sent.key(f"person-{person.id}-{region.id}")
    return take(
        request, pages, db, viewer, sent, Taken(key, "block", change, done, {"reason": reason})
    )


@router.post("/moderation/users/{user_id}/unblock")
def unblock(
    request: Request,
    person: PersonInUrl,
    region: RegionInForm,
    viewer: Moderator,
    sent: Sent,
    db: DB,
    pages: Pages,
    reason: Text = "",
) -> Response:
    change = partial(service.unblock, db, viewer, person, region, reason=reason)
    done = N_("This person can write again.")
    key = sent.key(f"person-{person.id}-{region.id}")
    return take(
        request, pages, db, viewer, sent, Taken(key, "unblock", change, done, {"reason": reason})
    )
