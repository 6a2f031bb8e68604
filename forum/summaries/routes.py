"""A region's summary page and its exports, for the region's leaders and admins. Thin."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from forum.concerns import queries
from forum.errors import FormErrors, NotAllowed
from forum.i18n import Message, translator
from forum.models import Audience, Region, Topic
from forum.permissions import Action, Viewer, can
from forum.summaries import charts, exports
from forum.summaries.filters import FIELDS, Filters, read_filters
from forum.summaries.numbers import summarise
from forum.web.deps import DB, CurrentViewer
from forum.web.lookups import region_or_404
from forum.web.templating import here, locale_of

router = APIRouter()
Typed = Annotated[str, Query()]
PRIVATE = {"Cache-Control": "private, no-store"}


def _may_summarise(request: Request, viewer: Viewer, region: Region) -> Response | None:
    """None when the viewer may; a visitor is sent to log in and back; others get 403."""
    if not viewer.is_authenticated:
        return RedirectResponse(f"/login?next={quote(here(request), safe='')}", status_code=303)
    assert region.id is not None
    if not can(viewer, Action.view_summary, region.id):
        raise NotAllowed(Action.view_summary)
    return None


@router.get("/r/{slug}/summary", response_class=HTMLResponse)
def summary(
    request: Request,
    slug: str,
    db: DB,
    viewer: CurrentViewer,
    since: Typed = "",
    until: Typed = "",
    audience: Typed = "",
    topic: Typed = "",
    small_counts: Typed = "",
) -> Response:
    region = region_or_404(db, slug)
    if refused := _may_summarise(request, viewer, region):
        return refused
    typed = dict(zip(FIELDS, (since, until, audience, topic, small_counts), strict=True))
    audiences, topics = queries.audiences(db), queries.topics(db)
    try:
        filters = read_filters(typed, audiences, topics)
    except FormErrors as invalid:
        return _page(request, region, typed, audiences, topics, errors=invalid.errors)
    assert region.id is not None
    figures = summarise(db, region.id, filters, audiences=audiences, topics=topics)
    wording = _wording(request, region)
    context = {
        "filters": filters,
        "summary": figures,
        "charts": {
            "waits": charts.answer_times(figures, wording),
            "audience": charts.by_audience(figures, wording),
            "status": charts.by_status(figures, wording),
            "trend": charts.trend(figures, wording),
        },
        "trend_weeks": charts.TREND_WEEKS,
        "exports": _export_links(region, filters),
    }
    return _page(request, region, typed, audiences, topics, context=context)


def _page(
    request: Request,
    region: Region,
    typed: dict[str, str],
    audiences: Sequence[Audience],
    topics: Sequence[Topic],
    *,
    errors: dict[str, Message] | None = None,
    context: dict[str, Any] | None = None,
) -> HTMLResponse:
    return request.app.state.templates.render(
        request,
        "summaries/summary.html",
        {
            "typed": typed,
            "errors": errors or {},
            "audiences": audiences,
            "topics": topics,
            "made_on": datetime.now(UTC),
            "wording": _wording(request, region),
            "summary": None,
            **(context or {}),
        },
        region=region,
        status_code=400 if errors else 200,
        headers=PRIVATE,
    )


def _wording(request: Request, region: Region) -> charts.Wording:
    return charts.Wording(translator(locale_of(request, region)))


def _export_links(region: Region, filters: Filters) -> list[tuple[str, str]]:
    query = urlencode(filters.query())
    return [
        (format, f"/r/{region.slug}/export.{format}" + (f"?{query}" if query else ""))
        for format in ("xlsx", "csv", "json")
    ]


@router.get("/r/{slug}/export.{format}")
def export(
    request: Request,
    slug: str,
    format: str,
    db: DB,
    viewer: CurrentViewer,
    since: Typed = "",
    until: Typed = "",
    audience: Typed = "",
    topic: Typed = "",
    small_counts: Typed = "",
) -> Response:
    region = region_or_404(db, slug)
    if format not in exports.WRITERS:
        raise HTTPException(404)
    if refused := _may_summarise(request, viewer, region):
        return refused
    typed = dict(zip(FIELDS, (since, until, audience, topic, small_counts), strict=True))
    audiences, topics = queries.audiences(db), queries.topics(db)
    try:
        filters = read_filters(typed, audiences, topics)
    except FormErrors as invalid:
        # Never a file about the wrong concerns: the form, with what to put right.
        return _page(request, region, typed, audiences, topics, errors=invalid.errors)
    prepared = exports.prepare(
        db,
        request.app.state.engine,
        region,
        filters,
        audiences=audiences,
        topics=topics,
        base_url=request.app.state.settings.base_url,
        i18n=translator(locale_of(request, region)),
    )
    name = exports.filename(prepared, format)
    return StreamingResponse(
        exports.WRITERS[format](prepared),
        media_type=exports.MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"', **PRIVATE},
    )
