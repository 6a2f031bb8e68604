"""GET /api/regions, /api/regions/{slug}/concerns and /api/concerns/{id}. Thin: parse, query,
shape. The same filters, keyset cursor and page size as the region's page."""

from collections.abc import Sequence
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, HTTPException, Query, Request

from forum.api.shapes import Concern, ConcernPage, ConcernWithReplies, Problem, Region
from forum.concerns import queries
from forum.concerns.queries import Cursor, ReplyView
from forum.models import MAX_ID, Audience, Status, Topic
from forum.regions.routes import MAX_SEARCH
from forum.web.deps import DB

ANY_ERROR: dict[int | str, dict[str, Any]] = {
    "default": {"model": Problem, "description": "Any error, with its status code."}
}
BAD_FILTER = {"model": Problem, "description": "A filter value or cursor we do not know."}
NO_REGION = {"model": Problem, "description": "No active region has this slug."}
NO_CONCERN = {"model": Problem, "description": "No concern with this number is shown."}

router = APIRouter(prefix="/api", tags=["read-only JSON"], responses=ANY_ERROR)


def _base_url(request: Request) -> str:
    base_url: str = request.app.state.settings.base_url
    return base_url.rstrip("/")


@router.get("/regions")
def regions(db: DB) -> list[Region]:
    """Every active region, by name, with its counts of concerns waiting and answered."""
    return [Region.of(row) for row in queries.regions_with_counts(db)]


@router.get("/regions/{slug}/concerns", responses={400: BAD_FILTER, 404: NO_REGION})
def region_concerns(
    request: Request,
    slug: str,
    db: DB,
    status: Annotated[str, Query(description="open, answered, resolved or closed")] = "",
    audience: Annotated[str, Query(description="An audience's slug")] = "",
    topic: Annotated[str, Query(description="A topic's slug")] = "",
    q: Annotated[str, Query(max_length=MAX_SEARCH, description="Words in the text")] = "",
    after: Annotated[str, Query(description="The cursor from a page's next URL")] = "",
) -> ConcernPage:
    """A page of a region's concerns, latest activity first. Follow `next` for older ones."""
    region = queries.region_by_slug(db, slug)
    if region is None or region.id is None:
        raise HTTPException(404, f"No active region has the slug {slug!r}.")
    cursor = Cursor.decode(after)
    if after and cursor is None:
        raise HTTPException(400, "after: not a cursor from a next URL.")
    _check_known("status", status, list(Status))
    audience_id = _id_of("audience", audience, queries.audiences(db) if audience else [])
    topic_id = _id_of("topic", topic, queries.topics(db) if topic else [])
    filters = {"status": status, "audience": audience, "topic": topic, "q": q.strip()}
    views, next_cursor = queries.region_page(
        db,
        region.id,
        status=status or None,
        audience_id=audience_id,
        topic_id=topic_id,
        words=filters["q"],
        after=cursor,
        limit=request.app.state.settings.page_size,
    )
    base_url = _base_url(request)
    next_url = None
    if next_cursor is not None:
        query = {name: value for name, value in filters.items() if value}
        query["after"] = next_cursor.encode()
        next_url = f"{base_url}/api/regions/{quote(region.slug)}/concerns?{urlencode(query)}"
    return ConcernPage(concerns=[Concern.of(view, base_url) for view in views], next=next_url)


def _check_known(name: str, value: str, known: Sequence[str]) -> None:
    if value and value not in known:
        raise HTTPException(400, f"{name}: unknown value {value!r}; known: {', '.join(known)}.")


def _id_of(name: str, slug: str, known: Sequence[Audience | Topic]) -> int | None:
    """The id of the audience or topic with this slug; None when no filter was asked for."""
    _check_known(name, slug, [thing.slug for thing in known])
    return next((thing.id for thing in known if thing.slug == slug), None)


@router.get("/concerns/{concern_id}", responses={404: NO_CONCERN})
def concern(request: Request, concern_id: int, db: DB) -> ConcernWithReplies:
    """A concern with its official answers and replies, as its page shows them."""
    found = queries.concern_view(db, concern_id) if 0 < concern_id <= MAX_ID else None
    if found is None or found[0].concern.hidden:
        raise HTTPException(404, f"No concern number {concern_id} is shown.")
    view = found[0]
    assert view.concern.id is not None
    official_answers, replies = queries.replies(db, view.concern.id)
    return ConcernWithReplies.with_replies(
        view, _base_url(request), _shown(official_answers), _shown(replies)
    )


def _shown(replies: list[ReplyView]) -> list[ReplyView]:
    """Hidden replies are left out: their words are not public."""
    return [view for view in replies if not view.reply.hidden]
