"""Every query of the partner's queue. A fixed number per page, whatever its length."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, func, not_, or_
from sqlmodel import Session, col, select

from forum.concerns.queries import ConcernView
from forum.concerns.service import TECHNOLOGY_PROVIDERS
from forum.ids import moment_and_id
from forum.models import Audience, Concern, ConcernAudience, Region, Status, User


@dataclass
class QueueItem:
    """A concern waiting for an official answer, with what its place in the queue shows."""

    concern: Concern
    author_name: str
    region: Region
    for_partners: bool  # tagged for the audience the partner answers for: it comes first

    @property
    def raised_by(self) -> str:
        return self.concern.source_person or self.author_name

    @classmethod
    def of(cls, view: ConcernView, region: Region, audience: str) -> QueueItem:
        tagged = any(tag.slug == audience for tag in view.audiences)
        return cls(view.concern, view.author_name, region, tagged)


@dataclass(frozen=True)
class Cursor:
    """Where a page of the queue ends: the next page starts after it."""

    for_partners: bool
    created_at: datetime
    id: int

    def encode(self) -> str:
        return f"{int(self.for_partners)}~{self.created_at.isoformat()}~{self.id}"

    @classmethod
    def decode(cls, raw: str | None) -> Cursor | None:
        parts = (raw or "").split("~")
        if len(parts) != 3 or parts[0] not in ("0", "1"):
            return None
        found = moment_and_id(parts[1], parts[2])
        return cls(parts[0] == "1", *found) if found else None


def _for_partners(audience: str) -> ColumnElement[bool]:
    """Whether the concern is tagged for this audience (a correlated EXISTS)."""
    return (
        select(ConcernAudience.concern_id)
        .join(Audience, col(Audience.id) == ConcernAudience.audience_id)
        .where(
            col(ConcernAudience.concern_id) == Concern.id,
            col(Audience.slug) == audience,
        )
        .exists()
    )


def _waiting(region_ids: set[int] | None) -> list[SQLColumnExpression[bool]]:
    """Open, shown, in an active region, and in one of these regions (None: in any)."""
    conditions = [
        col(Concern.status) == Status.open.value,
        col(Concern.hidden).is_(False),
        col(Region.active),
    ]
    if region_ids is not None:
        conditions.append(col(Concern.region_id).in_(sorted(region_ids)))
    return conditions


def queue_page(
    session: Session,
    region_ids: set[int] | None,
    *,
    after: Cursor | None = None,
    limit: int = 20,
    audience: str = TECHNOLOGY_PROVIDERS,
) -> tuple[list[QueueItem], Cursor | None]:
    """Concerns for the partner's audience first, then the oldest first; and the next cursor."""
    for_partners = _for_partners(audience)
    query = (
        select(Concern, User.name, Region, for_partners.label("for_partners"))
        .join(User, col(User.id) == Concern.author_id)
        .join(Region, col(Region.id) == Concern.region_id)
        .where(*_waiting(region_ids))
    )
    if after is not None:
        later = or_(
            col(Concern.created_at) > after.created_at,
            and_(col(Concern.created_at) == after.created_at, col(Concern.id) > after.id),
        )
        if after.for_partners:
            # Tagged concerns come first: after a tagged one, every untagged one is still to come.
            query = query.where(or_(not_(for_partners), later))
        else:
            query = query.where(not_(for_partners), later)
    query = query.order_by(for_partners.desc(), col(Concern.created_at), col(Concern.id))
    rows = session.exec(query.limit(limit + 1)).all()
    items = [
        QueueItem(concern, name, region, bool(tagged)) for concern, name, region, tagged in rows
    ][:limit]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        assert last.concern.id is not None
        next_cursor = Cursor(last.for_partners, last.concern.created_at, last.concern.id)
    return items, next_cursor


def waiting_count(session: Session, region_ids: set[int] | None) -> int:
    return session.exec(
        select(func.count(col(Concern.id)))
        .join(Region, col(Region.id) == Concern.region_id)
        .where(*_waiting(region_ids))
    ).one()


def region_names(session: Session, region_ids: set[int] | None) -> list[str]:
    """The names of the active regions whose queue this is, in alphabetical order."""
    query = select(Region.name).where(col(Region.active))
    if region_ids is not None:
        query = query.where(col(Region.id).in_(sorted(region_ids)))
    return list(session.exec(query.order_by(col(Region.name))).all())
