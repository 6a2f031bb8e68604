"""The partner's queue, and answering from it in one step. Thin: parse, call, render."""

from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from forum.concerns import service
from forum.concerns.forms import ReplyForm
from forum.concerns.service import audience_of
from forum.errors import NotAllowed
from forum.i18n import N_, Message
from forum.models import Role
from forum.partner import queries
from forum.permissions import Action, Viewer, can
from forum.web.actions import Done, Failure, act
from forum.web.deps import DB, Pages, VisibleConcern, signed_in
from forum.web.forms import Text
from forum.web.templating import Pages as PageRenderer
from forum.web.templating import viewer_of

router = APIRouter()
QUEUE = "/partner"
Partner = Annotated[Viewer, Depends(signed_in(QUEUE))]


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
def queue(viewer: Partner, db: DB, pages: Pages, after: Annotated[str, Query()] = "") -> Response:
    block = "queue_items" if pages.htmx and after else None
    return _queue_page(pages, db, _queue_regions(viewer), after=after, block=block)


def _queue_page(
    pages: PageRenderer,
    db: DB,
    region_ids: set[int] | None,
    *,
    after: str,
    block: str | None = None,
    answer: Answer | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    audience = audience_of(viewer_of(pages.request).organisation)
    items, next_cursor = queries.queue_page(
        db,
        region_ids,
        after=queries.Cursor.decode(after),
        limit=pages.request.app.state.settings.page_size,
        audience=audience,
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
        "audience": audience,
    }
    return pages.render("partner/queue.html", context, block=block, status_code=status_code)


def _item_page(pages: PageRenderer, context: dict[str, Any], status_code: int = 200) -> Response:
    """One item of the queue, alone, for htmx: the answer's outcome beside its concern."""
    audience = audience_of(viewer_of(pages.request).organisation)
    context = context | {"inline": True, "audience": audience}
    return pages.render("partner/queue.html", context, block="item", status_code=status_code)


def _answered(item: queries.QueueItem, form: ReplyForm, after: str) -> Done:
    if form.official:
        return Done(N_("Your official answer is published."), _queue_url(after))
    message = N_(
        "Your reply is published. It is not an official answer, so the concern stays here."
    )
    return Done(message, _queue_url(after))


def _answer_again(
    pages: PageRenderer, db: DB, viewer: Viewer, answer: Answer, after: str, status_code: int
) -> Response:
    """The answer comes back beside its concern, as typed: alone for htmx, else in the queue."""
    if pages.htmx:
        context = {"item": answer.item, "done": None, "answer": answer, "after": after}
        return _item_page(pages, context, status_code)
    regions = _queue_regions(viewer)
    return _queue_page(pages, db, regions, after=after, answer=answer, status_code=status_code)


async def queue_item(concern: VisibleConcern, viewer: Partner) -> queries.QueueItem:
    """The concern in the URL as the queue shows it. Answering from the queue is the queue's
    own action; anyone else replies on the concern's page."""
    view, region = concern
    assert region.id is not None
    if not can(viewer, Action.answer_queue, region.id):
        raise NotAllowed(Action.answer_queue)
    return queries.QueueItem.of(view, region, audience_of(viewer.organisation))


@router.post("/partner/answers/{concern_id}")
def answer_from_queue(
    request: Request,
    item: Annotated[queries.QueueItem, Depends(queue_item)],
    viewer: Partner,
    form: Annotated[ReplyForm, Depends()],
    db: DB,
    pages: Pages,
    after: Text = "",
) -> Response:
    language = pages.locale(item.region)

    def again(failure: Failure) -> Response:
        answer = Answer(item, form.body, bool(form.official), failure.errors, failure.problem)
        return _answer_again(pages, db, viewer, answer, after, failure.status_code)

    return act(
        request,
        db,
        lambda: service.post_reply(db, viewer, item.concern, form.draft(), language=language),
        done=lambda _reply: _answered(item, form, after),
        failed=again,
        inline=lambda _reply, done: _item_page(
            pages, {"item": item, "done": done.message, "answer": None, "after": after}
        ),
    )
