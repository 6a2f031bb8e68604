"""Every query about regions: one by its slug, and the list with its counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from forum.models import Concern, Region
from forum.permissions import Action, Viewer, can

# Built once: building a statement costs more than running it (forum.concerns.queries).
ACTIVE_REGION = select(Region).where(Region.slug == bindparam("slug"), col(Region.active))


def active_region(session: Session, slug: str) -> Region | None:
    return session.exec(ACTIVE_REGION, params={"slug": slug}).first()


def region_by_slug(session: Session, slug: str) -> Region | None:
    """Active or not: what the command line and the administration work on."""
    return session.exec(select(Region).where(Region.slug == slug)).first()


def active_regions(session: Session) -> Sequence[Region]:
    return session.exec(select(Region).where(col(Region.active)).order_by(col(Region.name))).all()


def regions_where(session: Session, viewer: Viewer, action: Action) -> list[Region]:
    """The active regions where this person may take the action (all of them, for an admin)."""
    return [
        region
        for region in active_regions(session)
        if region.id is not None and can(viewer, action, region.id)
    ]


@dataclass
class RegionSummaryRow:
    region: Region
    waiting: int
    answered: int


_visible = aliased(Concern)
WITH_COUNTS = (
    select(
        Region,
        func.count(col(_visible.id)).filter(col(_visible.status) == "open"),
        func.count(col(_visible.id)).filter(col(_visible.status).in_(["answered", "resolved"])),
    )
    .outerjoin(
        _visible, and_(col(_visible.region_id) == Region.id, col(_visible.hidden).is_(False))
    )
    .where(col(Region.active))
    .group_by(col(Region.id))
    .order_by(col(Region.name))
)


def regions_with_counts(session: Session) -> list[RegionSummaryRow]:
    """Every active region with its counts of concerns waiting and answered, in one query."""
    rows = session.exec(WITH_COUNTS).all()
    return [RegionSummaryRow(region, waiting, answered) for region, waiting, answered in rows]
