"""The list of regions, and a region's concerns. Thin: parse, query, render."""

from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from forum.concerns import queries
from forum.concerns.filters import RegionFilters, read_filters
from forum.models import Audience, Region, Topic
from forum.permissions import Action, Viewer, can
from forum.piloted import queries as piloted
from forum.piloted.queries import ServiceCard
from forum.regions import queries as region_queries
from forum.web.deps import DB, AskedFilters, Pages, Reader, active_region
from forum.web.reads import made_in_a_thread
from forum.web.templating import Pages as PageRenderer

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def regions(db: DB, pages: Pages) -> HTMLResponse:
    return pages.render("regions/index.html", {"rows": region_queries.regions_with_counts(db)})


@dataclass(frozen=True)
class Choices:
    """What a region's concerns can be filtered by, and the filters asked for."""

    audiences: Sequence[Audience]
    topics: Sequence[Topic]
    services: list[ServiceCard]
    filters: RegionFilters
    languages: tuple[str, ...]  # those the words looked for may be in: the reader's, the region's

    def concerns(self, db: Session, region_id: int, limit: int) -> queries.RegionPage:
        """The page of concerns these filters ask for, and where the next one starts."""
        return queries.region_page(
            db, region_id, self.filters, limit=limit, languages=self.languages
        )


def choices(db: Session, region: Region, asked: dict[str, str], locale: str) -> Choices:
    assert region.id is not None
    audiences, topics = queries.audiences(db), queries.topics(db)
    services = piloted.region_services(db, region.id, locale, region.default_locale)
    rows = [card.service for card in services]
    filters = read_filters(asked, audiences=audiences, topics=topics, services=rows)
    return Choices(audiences, topics, services, filters, (locale, region.default_locale))


@router.get("/r/{slug}", response_class=HTMLResponse)
async def region(slug: str, asked: AskedFilters, reader: Reader) -> HTMLResponse:
    db, viewer, pages = reader
    # In a thread, in one hop: a search, or filters that match few, may read for a while.
    return await made_in_a_thread(db, lambda: region_page(slug, asked, db, viewer, pages))


def region_page(
    slug: str, asked: dict[str, str], db: Session, viewer: Viewer, pages: PageRenderer
) -> HTMLResponse:
    region = active_region(slug, db)
    assert region.id is not None
    found = choices(db, region, asked, pages.locale(region))
    filters, limit = found.filters, pages.request.app.state.settings.page_size
    concerns, next_cursor = found.concerns(db, region.id, limit)
    context = {
        "concerns": concerns,
        "next_cursor": next_cursor.encode() if next_cursor else None,
        "audiences": found.audiences,
        "topics": found.topics,
        "services": found.services,
        "filters": filters.typed(),
        "filter_query": filters.query(),  # the filters again, for the link to older concerns
        "problems": filters.problems,
        "can_raise": can(viewer, Action.raise_concern, region.id) or not viewer.is_authenticated,
        "may_summarise": can(viewer, Action.view_summary, region.id),
        "may_record": can(viewer, Action.record_assisted, region.id),
    }
    block = "concern_rows" if pages.htmx and asked["after"] else None
    status_code = 400 if filters.problems else 200
    return pages.render(
        "regions/show.html", context, block=block, region=region, status_code=status_code
    )
