"""The partner's queue, and answering from it in one step. Thin: parse, call, render."""

from dataclasses import dataclass, field
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from forum.concerns import queries as concern_queries
from forum.concerns import service
from forum.errors import FormErrors, NotAllowed, Refused
from forum.i18n import N_, Message
from forum.models import MAX_ID, Role
from forum.partner import queries
from forum.permissions import Action, Viewer, can
from forum.web.deps import DB, CurrentViewer
from forum.web.flash import flash
from forum.web.htmx import is_htmx
from forum.web.lookups import login_first
from forum.web.templating import locale_of

router = APIRouter()
Text = Annotated[str, Form()]
QUEUE = "/partner"


@dataclass
class Answer:
    """An answer sent from the queue that did not go through, to show again beside its concern."""

    item: queries.QueueItem
    typed: str
    official: bool
    errors: dict[str, Message] = field(default_factory=dict)
    problem: Message | None = None


def _queue_regions(viewer: Viewer) -> set[int] | None:
    """The regions whose concerns this person answers: every region (None) for an admin."""
    if viewer.is_admin:
        return None
    regions = {
        region_id
        for region_id in viewer.regions_with(Role.partner)
        if can(viewer, Action.answer_queue, region_id)
    }
    if not regions:
        raise NotAllowed(Action.answer_queue)
    return regions


def _queue_url(after: str) -> str:
    cursor = queries.Cursor.decode(after)
    return f"{QUEUE}?after={quote(cursor.encode())}" if cursor else QUEUE


@router.get("/partner", response_class=HTMLResponse)
def queue(
    request: Request, db: DB, viewer: CurrentViewer, after: Annotated[str, Query()] = ""
) -> Response:
    if not viewer.is_authenticated:
        return login_first(request, QUEUE)
    block = "queue_items" if is_htmx(request) and after else None
    return _queue_page(request, db, _queue_regions(viewer), after=after, block=block)


def _queue_page(
    request: Request,
    db: Session,
    region_ids: set[int] | None,
    *,
    after: str,
    block: str | None = None,
    answer: Answer | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    items, next_cursor = queries.queue_page(
        db,
        region_ids,
        after=queries.Cursor.decode(after),
        limit=request.app.state.settings.page_size,
    )
    if answer is not None and answer.item.concern.id not in {i.concern.id for i in items}:
        items.insert(0, answer.item)  # answered meanwhile, or on another page: show it here
    summary = {}
    if answer is not None:
        messages = [*answer.errors.values(), *([answer.problem] if answer.problem else [])]
        summary = {f"answer-{answer.item.concern.id}": message for message in messages}
    context = {
        "items": items,
        "next_cursor": next_cursor.encode() if next_cursor else None,
        "after": after,
        "waiting": queries.waiting_count(db, region_ids),
        "region_names": queries.region_names(db, region_ids),
        "answer": answer,
        "done": None,
        "inline": False,
        "summary": summary,
    }
    return request.app.state.templates.render(
        request, "partner/queue.html", context, block=block, status_code=status_code
    )


@router.post("/partner/answers/{concern_id}")
def answer_from_queue(
    request: Request,
    concern_id: int,
    db: DB,
    viewer: CurrentViewer,
    body: Text = "",
    official: Text = "",
    after: Text = "",
    client_key: Text = "",
) -> Response:
    found = concern_queries.concern_view(db, concern_id) if 0 < concern_id <= MAX_ID else None
    if found is None or found[0].concern.hidden:
        raise HTTPException(404)
    if not viewer.is_authenticated:
        return login_first(request, QUEUE)
    view, region = found
    assert region.id is not None
    # Answering from the queue is the queue's own action; anyone else replies on the concern page.
    if not can(viewer, Action.answer_queue, region.id):
        raise NotAllowed(Action.answer_queue)
    item = queries.QueueItem.of(view, region)
    try:
        service.post_reply(
            db,
            viewer,
            view.concern,
            body=body,
            official=bool(official),
            language=locale_of(request, region),
            key=service.client_key(client_key),
        )
    except FormErrors as invalid:
        sent_back = Answer(item, body, bool(official), errors=invalid.errors)
        return _answer_again(request, db, viewer, sent_back, after, status_code=400)
    except Refused as refused:
        sent_back = Answer(item, body, bool(official), problem=refused.message)
        return _answer_again(request, db, viewer, sent_back, after, status_code=409)
    db.commit()
    done = (
        N_("Your official answer is published.")
        if official
        else N_("Your reply is published. It is not an official answer, so the concern stays here.")
    )
    if is_htmx(request):
        context = {"item": item, "done": done, "answer": None, "after": after, "inline": True}
        return request.app.state.templates.render(
            request, "partner/queue.html", context, block="item"
        )
    flash(request, done)
    return RedirectResponse(_queue_url(after), status_code=303)


def _answer_again(
    request: Request, db: Session, viewer: Viewer, answer: Answer, after: str, *, status_code: int
) -> HTMLResponse:
    """The answer comes back beside its concern, as typed: alone for htmx, else in the queue."""
    if is_htmx(request):
        context = {
            "item": answer.item,
            "done": None,
            "answer": answer,
            "after": after,
            "inline": True,
        }
        return request.app.state.templates.render(
            request, "partner/queue.html", context, block="item", status_code=status_code
        )
    return _queue_page(
        request,
        db,
        _queue_regions(viewer),
        after=after,
        answer=answer,
        status_code=status_code,
    )
