"""Every query about regions: one by its slug, and the list with its counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from forum.models import Concern, Region
from forum.permissions import Action, Viewer, can


def active_region(session: Session, slug: str) -> Region | None:
    return session.exec(select(Region).where(Region.slug == slug, col(Region.active))).first()


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


def regions_with_counts(session: Session) -> list[RegionSummaryRow]:
    """Every active region with its counts of concerns waiting and answered, in one query."""
    visible = aliased(Concern)
    waiting = func.count(col(visible.id)).filter(col(visible.status) == "open")
    answered = func.count(col(visible.id)).filter(col(visible.status).in_(["answered", "resolved"]))
    rows = session.exec(
        select(Region, waiting, answered)
        .outerjoin(
            visible, and_(col(visible.region_id) == Region.id, col(visible.hidden).is_(False))
        )
        .where(col(Region.active))
        .group_by(col(Region.id))
        .order_by(col(Region.name))
    ).all()
    return [RegionSummaryRow(region, waiting, answered) for region, waiting, answered in rows]
