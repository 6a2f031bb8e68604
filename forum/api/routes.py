"""GET /api/regions, /api/regions/{slug}/concerns and /api/concerns/{id}. Thin: parse, query,
shape. The same filters, keyset cursor and page size as the region's page."""

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, HTTPException, Path, Request

from forum.api.shapes import Concern, ConcernPage, ConcernWithReplies, Problem, Region
from forum.concerns import queries
from forum.concerns.filters import RegionFilters, read_filters
from forum.concerns.replies import ShownReply, replies_of
from forum.ids import parse_id
from forum.models import Status
from forum.piloted import queries as piloted
from forum.regions import queries as region_queries
from forum.web.deps import DB, AskedFilters
from forum.web.guards import NO_NUL

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
    return [Region.of(row) for row in region_queries.regions_with_counts(db)]


@router.get("/regions/{slug}/concerns", responses={400: BAD_FILTER, 404: NO_REGION})
def region_concerns(
    request: Request, slug: Annotated[str, Path(pattern=NO_NUL)], asked: AskedFilters, db: DB
) -> ConcernPage:
    """A page of a region's concerns, latest activity first (with `q`, the best matches
    first). Follow `next` for the next page."""
    region = region_queries.active_region(db, slug)
    if region is None or region.id is None:
        raise HTTPException(404, f"No active region has the slug {slug!r}.")
    audiences, topics = queries.audiences(db), queries.topics(db)
    services = piloted.services_of(db, region.id)
    filters = read_filters(asked, audiences=audiences, topics=topics, services=services)
    known = {"status": list(Status), "audience": audiences, "topic": topics, "service": services}
    _refuse_unknown(filters, asked, known=known)
    limit = request.app.state.settings.page_size
    views, next_cursor = queries.region_page(
        db, region.id, filters, limit=limit, languages=(region.default_locale,)
    )
    base_url = _base_url(request)
    next_url = None
    if next_cursor is not None:
        query = {name: value for name, value in filters.typed().items() if value}
        query["after"] = next_cursor.encode()
        next_url = f"{base_url}/api/regions/{quote(region.slug)}/concerns?{urlencode(query)}"
    return ConcernPage(concerns=[Concern.of(view, base_url) for view in views], next=next_url)


def _refuse_unknown(filters: RegionFilters, asked: dict[str, str], known: dict[str, Any]) -> None:
    """400 for a cursor or a filter value we do not know, saying which values we know."""
    if asked["after"] and filters.after is None:
        raise HTTPException(400, "after: not a cursor from a next URL.")
    for name, value in filters.unknown.items():
        names = [getattr(thing, "slug", thing) for thing in known[name]]
        raise HTTPException(400, f"{name}: unknown value {value!r}; known: {', '.join(names)}.")


@router.get("/concerns/{concern_id}", responses={404: NO_CONCERN})
def concern(request: Request, concern_id: int, db: DB) -> ConcernWithReplies:
    """A concern with its official answers and replies, as its page shows them."""
    number = parse_id(concern_id)
    found = queries.concern_view(db, number) if number else None
    if found is None or found.view.concern.hidden:
        raise HTTPException(404, f"No concern number {concern_id} is shown.")
    view = found.view
    assert view.concern.id is not None
    official_answers, replies = replies_of(db, view.concern.id)
    return ConcernWithReplies.with_replies(
        view, _base_url(request), _shown(official_answers), _shown(replies)
    )


def _shown(replies: list[ShownReply]) -> list[ShownReply]:
    """Hidden replies are left out: their words are not public."""
    return [reply for reply in replies if not reply.hidden]
