"""A region's summary page and its exports, for the region's leaders and admins. Thin."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from forum.concerns import queries
from forum.errors import FormErrors, NotAllowed
from forum.i18n import Message, Translator, translator
from forum.models import Audience, Region, Topic
from forum.permissions import Action, Viewer, can
from forum.summaries import charts, records, writers
from forum.summaries.filters import FIELDS, Filters, read_filters
from forum.summaries.numbers import summarise
from forum.web.deps import DB, ActiveRegion, Pages, SignedIn
from forum.web.templating import Pages as PageRenderer

router = APIRouter()
Typed = Annotated[str, Query()]
PRIVATE = {"Cache-Control": "private, no-store"}


async def leader_of(region: ActiveRegion, viewer: SignedIn) -> Viewer:
    """The viewer, who must lead the region (or be an admin): else 403."""
    assert region.id is not None
    if not can(viewer, Action.view_summary, region.id):
        raise NotAllowed(Action.view_summary)
    return viewer


@dataclass
class Asked:
    """A summary or an export asked for: its region and filters as typed (into the summary's
    form, or an export's link), read and checked; `filters` is None when one is wrong."""

    pages: PageRenderer
    region: Region
    typed: dict[str, str]
    audiences: Sequence[Audience]
    topics: Sequence[Topic]
    filters: Filters | None = None
    errors: dict[str, Message] = field(default_factory=dict)

    @property
    def i18n(self) -> Translator:
        return translator(self.pages.locale(self.region))

    def page(self, context: dict[str, Any] | None = None) -> HTMLResponse:
        """The summary page: its figures, or its form with what to put right."""
        return self.pages.render(
            "summaries/summary.html",
            {
                "typed": self.typed,
                "errors": self.errors,
                "audiences": self.audiences,
                "topics": self.topics,
                "made_on": datetime.now(UTC),
                "wording": charts.Wording(self.i18n),
                "summary": None,
                **(context or {}),
            },
            region=self.region,
            status_code=400 if self.errors else 200,
            headers=PRIVATE,
        )


def asked(
    region: ActiveRegion,
    viewer: Annotated[Viewer, Depends(leader_of)],
    db: DB,
    pages: Pages,
    since: Typed = "",
    until: Typed = "",
    audience: Typed = "",
    topic: Typed = "",
    small_counts: Typed = "",
) -> Asked:
    typed = dict(zip(FIELDS, (since, until, audience, topic, small_counts), strict=True))
    audiences, topics = queries.audiences(db), queries.topics(db)
    found = Asked(pages, region, typed, audiences, topics)
    try:
        found.filters = read_filters(typed, audiences, topics)
    except FormErrors as invalid:
        found.errors = invalid.errors
    return found


Summary = Annotated[Asked, Depends(asked)]


@router.get("/r/{slug}/summary", response_class=HTMLResponse)
def summary(summary: Summary, db: DB) -> Response:
    if summary.filters is None:
        return summary.page()
    assert summary.region.id is not None
    figures = summarise(
        db, summary.region.id, summary.filters, audiences=summary.audiences, topics=summary.topics
    )
    wording = charts.Wording(summary.i18n)
    context = {
        "filters": summary.filters,
        "summary": figures,
        "charts": {
            "waits": charts.answer_times(figures, wording),
            "audience": charts.by_audience(figures, wording),
            "status": charts.by_status(figures, wording),
            "trend": charts.trend(figures, wording),
        },
        "trend_weeks": charts.TREND_WEEKS,
        "exports": _export_links(summary.region, summary.filters),
    }
    return summary.page(context)


def _export_links(region: Region, filters: Filters) -> list[tuple[str, str]]:
    query = urlencode(filters.query())
    return [
        (format, f"/r/{region.slug}/export.{format}" + (f"?{query}" if query else ""))
        for format in ("xlsx", "csv", "json")
    ]


async def export_format(format: str) -> str:
    """csv, xlsx or json: any other ending names no file (404)."""
    if format not in writers.WRITERS:
        raise HTTPException(404)
    return format


@router.get("/r/{slug}/export.{format}")
def export(
    format: Annotated[str, Depends(export_format)], summary: Summary, db: DB, pages: Pages
) -> Response:
    if summary.filters is None:
        return summary.page()  # never a file about the wrong concerns: what to put right
    state = pages.request.app.state
    prepared = records.prepare(
        db,
        state.engine,
        summary.region,
        summary.filters,
        audiences=summary.audiences,
        topics=summary.topics,
        base_url=state.settings.base_url,
        i18n=summary.i18n,
    )
    name = writers.filename(prepared, format)
    return StreamingResponse(
        writers.WRITERS[format](prepared),
        media_type=writers.MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"', **PRIVATE},
    )
