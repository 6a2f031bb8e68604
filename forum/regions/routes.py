"""The list of regions, and a region's concerns."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from forum.concerns import queries
from forum.concerns.queries import Cursor
from forum.i18n import N_
from forum.models import Status
from forum.permissions import Action, can
from forum.web.deps import DB, CurrentViewer
from forum.web.htmx import is_htmx
from forum.web.lookups import region_or_404

router = APIRouter()
MAX_SEARCH = 200


@router.get("/", response_class=HTMLResponse)
def regions(request: Request, db: DB, viewer: CurrentViewer) -> HTMLResponse:
    rows = queries.regions_with_counts(db)
    return request.app.state.templates.render(request, "regions/index.html", {"rows": rows})


@router.get("/r/{slug}", response_class=HTMLResponse)
def region(
    request: Request,
    slug: str,
    db: DB,
    viewer: CurrentViewer,
    status: Annotated[str, Query()] = "",
    audience: Annotated[str, Query()] = "",
    topic: Annotated[str, Query()] = "",
    q: Annotated[str, Query(max_length=MAX_SEARCH)] = "",
    after: Annotated[str, Query()] = "",
) -> HTMLResponse:
    region = region_or_404(db, slug)
    assert region.id is not None
    audiences, topics = queries.audiences(db), queries.topics(db)
    audience_ids = {a.slug: a.id for a in audiences}
    topic_ids = {t.slug: t.id for t in topics}
    problems = []
    if status and status not in Status.__members__:
        problems.append(N_("We do not know that status, so all statuses are shown."))
        status = ""
    if audience and audience not in audience_ids:
        problems.append(N_("We do not know that audience, so all audiences are shown."))
        audience = ""
    if topic and topic not in topic_ids:
        problems.append(N_("We do not know that topic, so all topics are shown."))
        topic = ""
    filters = {"status": status, "audience": audience, "topic": topic, "q": q.strip()}
    concerns, next_cursor = queries.region_page(
        db,
        region.id,
        status=status or None,
        audience_id=audience_ids.get(audience),
        topic_id=topic_ids.get(topic),
        words=filters["q"],
        after=Cursor.decode(after),
        limit=request.app.state.settings.page_size,
    )
    context = {
        "concerns": concerns,
        "next_cursor": next_cursor.encode() if next_cursor else None,
        "audiences": audiences,
        "topics": topics,
        "filters": filters,
        # The filters again, for the link to older concerns.
        "filter_query": urlencode({name: value for name, value in filters.items() if value}),
        "problems": problems,
        "can_raise": can(viewer, Action.raise_concern, region.id) or not viewer.is_authenticated,
        "may_summarise": can(viewer, Action.view_summary, region.id),
        "may_record": can(viewer, Action.record_assisted, region.id),
    }
    block = "concern_rows" if is_htmx(request) and after else None
    return request.app.state.templates.render(
        request,
        "regions/show.html",
        context,
        block=block,
        region=region,
        status_code=400 if problems else 200,
    )
