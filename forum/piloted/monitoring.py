"""The monitoring page's figures: regions side by side. For each, how many concerns, the share
with an official answer, the median time to the first one, the concern waiting longest, and
the verdicts on each service by audience. Six queries, whatever the number of regions.

The definitions are the summary's (forum.summaries.numbers): concerns not hidden; the time to
the first official answer runs from the concern being raised to its earliest official reply
not hidden; the median is interpolated between the two middle values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlmodel import Session, col

from forum.models import Concern, Judgement, Region, Status
from forum.piloted.queries import ServiceCard, services_in
from forum.piloted.verdicts import AUDIENCES
from forum.summaries.figures import HOUR, MEDIAN, interpolate, share
from forum.summaries.numbers import epoch_seconds


@dataclass(frozen=True)
class Waiting:
    """The concern waiting longest for an answer."""

    id: int
    title: str
    created_at: datetime


@dataclass
class RegionWatch:
    region: Region
    concerns: int = 0
    answered: int = 0
    median_hours: float | None = None
    waiting_longest: Waiting | None = None
    services: list[ServiceCard] = field(default_factory=list)

    @property
    def share_answered(self) -> float | None:
        return share(self.answered, self.concerns)


def watch(session: Session, regions: Sequence[Region], locale: str) -> list[RegionWatch]:
    """The figures of each region, in the order given."""
    found = {region.id: RegionWatch(region) for region in regions if region.id is not None}
    ids = list(found)
    if not ids:
        return []
    visible = and_(col(Concern.region_id).in_(ids), col(Concern.hidden).is_(False))
    for region_id, concerns, answered in session.execute(
        select(
            col(Concern.region_id), func.count(), func.count(col(Concern.first_official_answer_at))
        )
        .where(visible)
        .group_by(col(Concern.region_id))
    ):
        found[region_id].concerns, found[region_id].answered = concerns, answered
    for region_id, median in _medians(session, visible).items():
        found[region_id].median_hours = median
    for region_id, waiting in _waiting_longest(session, visible).items():
        found[region_id].waiting_longest = waiting
    defaults = {region.id: region.default_locale for region in regions if region.id}
    for card in services_in(session, ids, locale, defaults, tallied=True):
        found[card.service.region_id].services.append(card)
    return list(found.values())


def _medians(session: Session, visible: ColumnElement[bool]) -> dict[int, float]:
    """Each region's median time to the first official answer, in hours: window functions
    rank the waits, and only the two rows around each middle come back."""
    dialect = session.get_bind().dialect.name
    wait = epoch_seconds(dialect, Concern.first_official_answer_at) - epoch_seconds(
        dialect, Concern.created_at
    )
    region = col(Concern.region_id)
    ranked = (
        select(
            col(Concern.region_id).label("region_id"),
            wait.label("wait"),
            (func.row_number().over(partition_by=region, order_by=wait) - 1).label("at"),
            func.count().over(partition_by=region).label("n"),
        )
        .where(visible, col(Concern.first_official_answer_at).is_not(None))
        .subquery("ranked")
    )
    r = ranked.c
    middle = (MEDIAN * (r.n - 1)) // 100
    rows = session.execute(
        select(r.region_id, r.wait, r.at, r.n).where(or_(r.at == middle, r.at == middle + 1))
    ).all()
    by_region: dict[int, tuple[int, dict[int, int]]] = {}
    for region_id, seconds, at, n in rows:
        by_region.setdefault(region_id, (n, {}))[1][at] = seconds
    return {
        region_id: interpolate(sorted_at, n, MEDIAN) / HOUR
        for region_id, (n, sorted_at) in by_region.items()
    }


def _waiting_longest(session: Session, visible: ColumnElement[bool]) -> dict[int, Waiting]:
    region = col(Concern.region_id)
    oldest = (
        select(
            col(Concern.region_id).label("region_id"),
            col(Concern.id).label("id"),
            col(Concern.title).label("title"),
            col(Concern.created_at).label("created_at"),
            func.row_number()
            .over(
                partition_by=region,
                order_by=(col(Concern.created_at), col(Concern.id)),
            )
            .label("rank"),
        )
        .where(visible, col(Concern.status) == Status.open.value)
        .subquery("waiting")
    )
    o = oldest.c
    rows = session.execute(select(o.region_id, o.id, o.title, o.created_at).where(o.rank == 1))
    return {region_id: Waiting(id, title, at) for region_id, id, title, at in rows}


VERDICT_COLUMNS = [f"{audience}_{verdict.value}" for audience in AUDIENCES for verdict in Judgement]
COLUMNS = [
    "region",
    "region_name",
    "concerns",
    "with_official_answer",
    "share_with_official_answer",
    "median_hours_to_first_official_answer",
    "waiting_longest_id",
    "waiting_longest_since",
    "service",
    "service_name",
    "stage",
    *VERDICT_COLUMNS,
]


def table(watches: Sequence[RegionWatch]) -> list[list[object]]:
    """The figures as a flat table: a row per region and service (a region without
    services has one row, its service columns empty), the region's figures on each."""
    rows: list[list[object]] = [list(COLUMNS)]
    for watched in watches:
        waiting = watched.waiting_longest
        region: list[object] = [
            watched.region.slug,
            watched.region.name,
            watched.concerns,
            watched.answered,
            "" if watched.share_answered is None else round(watched.share_answered, 4),
            "" if watched.median_hours is None else round(watched.median_hours, 2),
            waiting.id if waiting else "",
            waiting.created_at.isoformat() if waiting else "",
        ]
        if not watched.services:
            rows.append([*region, *[""] * (3 + len(VERDICT_COLUMNS))])
        for card in watched.services:
            counts = [
                card.tally.get(audience, {}).get(verdict.value, 0)
                for audience in AUDIENCES
                for verdict in Judgement
            ]
            rows.append([*region, card.slug, card.name, card.service.stage, *counts])
    return rows
