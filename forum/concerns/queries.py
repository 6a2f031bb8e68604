"""Every query about concerns, replies, audiences and supports. A fixed number per page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import and_, exists, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from forum.models import (
    MAX_ID,
    Audience,
    Concern,
    ConcernAudience,
    Region,
    Reply,
    Support,
    Topic,
    User,
)


@dataclass
class ConcernView:
    """A concern with what its page or list row shows beside it."""

    concern: Concern
    author_name: str
    topic: Topic | None
    audiences: list[Audience] = field(default_factory=list)

    @property
    def raised_by(self) -> str:
        """Who raised it: for a concern recorded at a meeting or by phone, the person met."""
        return self.concern.source_person or self.author_name


@dataclass
class ReplyView:
    reply: Reply
    author_name: str


@dataclass(frozen=True)
class Cursor:
    """Where a page of a region's concerns ends: the next page starts after it."""

    last_activity_at: datetime
    id: int

    def encode(self) -> str:
        return f"{self.last_activity_at.isoformat()}~{self.id}"

    @classmethod
    def decode(cls, raw: str | None) -> Cursor | None:
        if not raw:
            return None
        moment, _, concern_id = raw.partition("~")
        try:
            when, number = datetime.fromisoformat(moment), int(concern_id)
            # In UTC now: a time near the ends of the calendar cannot be moved there later.
            when = (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)
        except (ValueError, OverflowError):
            return None
        # A cursor holds an id that a database integer can; any other is made up.
        return cls(when, number) if 0 < number <= MAX_ID else None


def audiences(session: Session) -> Sequence[Audience]:
    return session.exec(select(Audience).order_by(col(Audience.id))).all()


def topics(session: Session) -> Sequence[Topic]:
    return session.exec(select(Topic).order_by(col(Topic.id))).all()


def region_by_slug(session: Session, slug: str) -> Region | None:
    return session.exec(select(Region).where(Region.slug == slug, col(Region.active))).first()


def region_page(
    session: Session,
    region_id: int,
    *,
    status: str | None = None,
    audience_id: int | None = None,
    topic_id: int | None = None,
    words: str = "",
    after: Cursor | None = None,
    limit: int = 20,
) -> tuple[list[ConcernView], Cursor | None]:
    """A page of a region's concerns, latest activity first, and the cursor of the next page."""
    query = (
        select(Concern, User.name, Topic)
        .join(User, col(User.id) == Concern.author_id)
        .outerjoin(Topic, col(Topic.id) == Concern.topic_id)
        .where(Concern.region_id == region_id, col(Concern.hidden).is_(False))
    )
    if status:
        query = query.where(Concern.status == status)
    if audience_id is not None:
        query = query.where(
            exists().where(
                col(ConcernAudience.concern_id) == Concern.id,
                col(ConcernAudience.audience_id) == audience_id,
            )
        )
    if topic_id is not None:
        query = query.where(Concern.topic_id == topic_id)
    for word in words.split()[:8]:
        query = query.where(
            or_(
                col(Concern.title).icontains(word, autoescape=True),
                col(Concern.body).icontains(word, autoescape=True),
            )
        )
    if after is not None:
        query = query.where(
            or_(
                col(Concern.last_activity_at) < after.last_activity_at,
                and_(
                    col(Concern.last_activity_at) == after.last_activity_at,
                    col(Concern.id) < after.id,
                ),
            )
        )
    query = query.order_by(col(Concern.last_activity_at).desc(), col(Concern.id).desc())
    rows = session.exec(query.limit(limit + 1)).all()
    views = [ConcernView(concern, name, topic) for concern, name, topic in rows[:limit]]
    _attach_audiences(session, views)
    next_cursor = None
    if len(rows) > limit:
        last = views[-1].concern
        assert last.id is not None
        next_cursor = Cursor(last.last_activity_at, last.id)
    return views, next_cursor


def audiences_by_concern(
    session: Session, concern_ids: Sequence[int | None]
) -> defaultdict[int, list[Audience]]:
    """The audiences of each of these concerns, in one query (none for an empty list)."""
    by_concern: defaultdict[int, list[Audience]] = defaultdict(list)
    if not concern_ids:
        return by_concern
    rows = session.exec(
        select(ConcernAudience.concern_id, Audience)
        .join(Audience, col(Audience.id) == ConcernAudience.audience_id)
        .where(col(ConcernAudience.concern_id).in_(concern_ids))
        .order_by(col(Audience.id))
    ).all()
    for concern_id, audience in rows:
        by_concern[concern_id].append(audience)
    return by_concern


def _attach_audiences(session: Session, views: list[ConcernView]) -> None:
    """One query for the audiences of every concern shown."""
    by_concern = audiences_by_concern(session, [view.concern.id for view in views])
    for view in views:
        assert view.concern.id is not None
        view.audiences = by_concern[view.concern.id]


def concern_view(session: Session, concern_id: int) -> tuple[ConcernView, Region] | None:
    row = session.exec(
        select(Concern, User.name, Topic, Region)
        .join(User, col(User.id) == Concern.author_id)
        .join(Region, col(Region.id) == Concern.region_id)
        .outerjoin(Topic, col(Topic.id) == Concern.topic_id)
        .where(Concern.id == concern_id, col(Region.active))
    ).first()
    if row is None:
        return None
    concern, author_name, topic, region = row
    view = ConcernView(concern, author_name, topic)
    _attach_audiences(session, [view])
    return view, region


def replies(session: Session, concern_id: int) -> tuple[list[ReplyView], list[ReplyView]]:
    """Official answers and the other replies, each in the order they were written."""
    rows = session.exec(
        select(Reply, User.name)
        .join(User, col(User.id) == Reply.author_id)
        .where(Reply.concern_id == concern_id)
        .order_by(col(Reply.created_at), col(Reply.id))
    ).all()
    views = [ReplyView(reply, name) for reply, name in rows]
    return [v for v in views if v.reply.official], [v for v in views if not v.reply.official]


def has_supported(session: Session, concern_id: int, user_id: int | None) -> bool:
    if user_id is None:
        return False
    return (
        session.exec(
            select(Support.user_id).where(
                Support.concern_id == concern_id, Support.user_id == user_id
            )
        ).first()
        is not None
    )


def concern_title(session: Session, concern_id: int | None) -> str | None:
    if concern_id is None:
        return None
    return session.exec(select(Concern.title).where(Concern.id == concern_id)).first()


def duplicates_of(session: Session, concern_id: int) -> Sequence[tuple[int | None, str]]:
    """The concerns closed as the same as this one (number and title), so that it links back."""
    return session.exec(
        select(Concern.id, Concern.title)
        .where(Concern.duplicate_of_id == concern_id, col(Concern.hidden).is_(False))
        .order_by(col(Concern.id))
    ).all()


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
