"""Every query about concerns, replies, audiences and supports. A fixed number per page.
The replies a concern's page and the API show are read in forum.concerns.replies."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import NamedTuple, TypeVar

from sqlalchemy import and_, bindparam, delete, exists, or_, update
from sqlalchemy import select as core_select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import BindParameter
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from forum.concerns import search
from forum.concerns.filters import Cursor, Offset, RegionFilters
from forum.models import (
    Audience,
    Concern,
    ConcernAudience,
    Region,
    Reply,
    Support,
    Topic,
    User,
)


class Tag(NamedTuple):
    """An audience a concern is tagged with, as pages show it: read as plain values."""

    slug: str
    name: str


@dataclass
class ConcernView:
    """A concern with what its page or list row shows beside it."""

    concern: Concern
    author_name: str
    topic: Topic | None
    audiences: list[Tag] = field(default_factory=list)

    @property
    def raised_by(self) -> str:
        """Who raised it: for a concern recorded at a meeting or by phone, the person met."""
        return self.concern.source_person or self.author_name


class Shown(NamedTuple):
    """A concern as its page shows it, and its region."""

    view: ConcernView
    region: Region


# A page of a region's concerns, and where the next page starts (None: it was the last).
RegionPage = tuple[list[ConcernView], Cursor | Offset | None]


# The statements of the pages read most are built once, here, with their values as bound
# parameters: building one costs more than running it (about 0.2 ms each, measured).
AUDIENCES = select(Audience).order_by(col(Audience.id))
TOPICS = select(Topic).order_by(col(Topic.id))


def audiences(session: Session) -> Sequence[Audience]:
    return session.exec(AUDIENCES).all()


def topics(session: Session) -> Sequence[Topic]:
    return session.exec(TOPICS).all()


def topic_by_slug(session: Session, slug: str) -> Topic | None:
    return session.exec(select(Topic).where(Topic.slug == slug)).first()


def topic_slug(session: Session, topic_id: int | None) -> str | None:
    if topic_id is None:
        return None
    return session.exec(select(Topic.slug).where(Topic.id == topic_id)).first()


Listing = Select[Concern, str, Topic]
# A region's shown concerns, the start of every list of them.
LISTED: Listing = (
    select(Concern, User.name, Topic)
    .join(User, col(User.id) == Concern.author_id)
    .outerjoin(Topic, col(Topic.id) == Concern.topic_id)
    .where(col(Concern.hidden).is_(False))
)
# Typed by the column it is compared with: two comparisons, one value.
_AFTER_AT: BindParameter[datetime] = bindparam("after_at")


@cache
def _filtered(status: bool, audience: bool, topic: bool, service: bool) -> Listing:
    """The shown concerns with the filters asked (each a bound parameter of the same name),
    built once for each set of filters."""
    query = LISTED
    if status:
        query = query.where(Concern.status == bindparam("status"))
    if audience:
        query = query.where(
            exists().where(
                col(ConcernAudience.concern_id) == Concern.id,
                col(ConcernAudience.audience_id) == bindparam("audience"),
            )
        )
    if topic:
        query = query.where(Concern.topic_id == bindparam("topic"))
    if service:
        query = query.where(Concern.service_id == bindparam("service"))
    return query


@cache
def _listing(filtered: tuple[bool, bool, bool, bool], after: bool) -> Listing:
    """A page of a region's concerns (`region`, `limit`), latest activity first, after a
    cursor (`after_at`, `after_id`) or from the start; built once for each set of filters."""
    query = _filtered(*filtered).where(Concern.region_id == bindparam("region"))
    if after:
        query = query.where(
            or_(
                col(Concern.last_activity_at) < _AFTER_AT,
                and_(
                    col(Concern.last_activity_at) == _AFTER_AT,
                    col(Concern.id) < bindparam("after_id"),
                ),
            )
        )
    order = (col(Concern.last_activity_at).desc(), col(Concern.id).desc())
    return query.order_by(*order).limit(bindparam("limit"))


def _asked(filters: RegionFilters) -> dict[str, object]:
    """The values of the filters asked, by the names of their bound parameters."""
    values = {
        "status": filters.status,
        "audience": filters.audience.id if filters.audience else None,
        "topic": filters.topic.id if filters.topic else None,
        "service": filters.service.id if filters.service else None,
    }
    return {name: value for name, value in values.items() if value}


def region_page(
    session: Session,
    region_id: int,
    filters: RegionFilters,
    *,
    limit: int = 20,
    languages: Sequence[str] = (),
) -> RegionPage:
    """A page of a region's concerns, latest activity first (best matches first for words),
    and where the next page starts. `languages`: those words may be in."""
    asked = _asked(filters)
    shape = ("status" in asked, "audience" in asked, "topic" in asked, "service" in asked)
    if filters.words:
        query = _filtered(*shape)
        return _matches(session, query, asked, region_id, filters, limit, languages)
    after = filters.after if isinstance(filters.after, Cursor) else None
    values = asked | {"region": region_id, "limit": limit + 1}
    if after is not None:
        values |= {"after_at": after.last_activity_at, "after_id": after.id}
    rows = session.exec(_listing(shape, after is not None), params=values).all()
    views = [ConcernView(concern, name, topic) for concern, name, topic in rows[:limit]]
    _attach_audiences(session, views)
    next_cursor = None
    if len(rows) > limit:
        last = views[-1].concern
        assert last.id is not None
        next_cursor = Cursor(last.last_activity_at, last.id)
    return views, next_cursor


def _matches(
    session: Session,
    query: Listing,
    asked: dict[str, object],
    region_id: int,
    filters: RegionFilters,
    limit: int,
    languages: Sequence[str],
) -> tuple[list[ConcernView], Offset | None]:
    """The concerns of `query` (with the values `asked`) with the words of `filters`, best
    match first. The matches are the region's (the index keeps to it): the region is not
    asked again, so that the database reads the matches first, not the region's concerns."""
    found = search.ranked(session, region_id, filters.words, languages)
    if found is None:
        return [], None
    start = filters.after.count if isinstance(filters.after, Offset) else 0
    query = query.join(found, found.c.concern_id == Concern.id).order_by(
        found.c.score.desc(), col(Concern.last_activity_at).desc(), col(Concern.id).desc()
    )
    rows = session.exec(query.offset(start).limit(limit + 1), params=asked).all()
    views = [ConcernView(concern, name, topic) for concern, name, topic in rows[:limit]]
    _attach_audiences(session, views)
    return views, Offset(start + limit) if len(rows) > limit else None


_TAGS = (
    core_select(col(ConcernAudience.concern_id), col(Audience.slug), col(Audience.name))
    .join(Audience, col(Audience.id) == ConcernAudience.audience_id)
    .order_by(col(Audience.id))
)
AUDIENCES_OF = _TAGS.where(
    col(ConcernAudience.concern_id).in_(bindparam("concern_ids", expanding=True))
)
# One concern's, for its page: a list of one would be expanded into the SQL at every page.
AUDIENCES_OF_ONE = _TAGS.where(col(ConcernAudience.concern_id) == bindparam("concern_id"))


def audiences_by_concern(
    session: Session, concern_ids: Sequence[int | None]
) -> defaultdict[int, list[Tag]]:
    """The audiences of each of these concerns, in one query (none for an empty list)."""
    by_concern: defaultdict[int, list[Tag]] = defaultdict(list)
    if not concern_ids:
        return by_concern
    rows = session.connection().execute(AUDIENCES_OF, {"concern_ids": list(concern_ids)})
    for concern_id, slug, name in rows:
        by_concern[concern_id].append(Tag(slug, name))
    return by_concern


def _attach_audiences(session: Session, views: list[ConcernView]) -> None:
    """One query for the audiences of every concern shown."""
    by_concern = audiences_by_concern(session, [view.concern.id for view in views])
    for view in views:
        assert view.concern.id is not None
        view.audiences = by_concern[view.concern.id]


def photo_is_shown(session: Session, token: str) -> bool:
    """Whether a shown concern (not hidden, in an active region) has this photo."""
    found = session.exec(
        select(Concern.id)
        .join(Region, col(Region.id) == Concern.region_id)
        .where(Concern.photo == token, col(Concern.hidden).is_(False), col(Region.active))
    ).first()
    return found is not None


CONCERN_VIEW = (
    select(Concern, User.name, Topic, Region)
    .join(User, col(User.id) == Concern.author_id)
    .join(Region, col(Region.id) == Concern.region_id)
    .outerjoin(Topic, col(Topic.id) == Concern.topic_id)
    .where(Concern.id == bindparam("concern_id"), col(Region.active))
)


def concern_view(session: Session, concern_id: int) -> Shown | None:
    row = session.exec(CONCERN_VIEW, params={"concern_id": concern_id}).first()
    if row is None:
        return None
    concern, author_name, topic, region = row
    tags = session.connection().execute(AUDIENCES_OF_ONE, {"concern_id": concern_id})
    view = ConcernView(concern, author_name, topic, [Tag(slug, name) for _, slug, name in tags])
    return Shown(view, region)


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


DUPLICATES_OF = (
    select(Concern.id, Concern.title)
    .where(Concern.duplicate_of_id == bindparam("concern_id"), col(Concern.hidden).is_(False))
    .order_by(col(Concern.id))
)


def duplicates_of(session: Session, concern_id: int) -> Sequence[tuple[int | None, str]]:
    """The concerns closed as the same as this one (number and title), so that it links back."""
    return session.connection().execute(DUPLICATES_OF, {"concern_id": concern_id}).all()


def concern_by_id(session: Session, concern_id: int) -> Concern | None:
    return session.get(Concern, concern_id)


# What the rules write, and what they look up before they write.

Sent = TypeVar("Sent", Concern, Reply)


def sent_with_key(
    session: Session, table: type[Sent], author_id: int | None, key: str | None
) -> Sent | None:
    """The concern or reply this person already sent with this form's key."""
    if key is None or author_id is None:
        return None
    return session.exec(
        select(table).where(table.author_id == author_id, table.client_key == key)
    ).first()


def recent_concern(
    session: Session, author_id: int, region_id: int, title: str, body: str, *, since: datetime
) -> Concern | None:
    """The same concern from the same person, sent since `since` (a form sent twice)."""
    return session.exec(
        select(Concern).where(
            Concern.author_id == author_id,
            Concern.region_id == region_id,
            Concern.title == title,
            Concern.body == body,
            col(Concern.created_at) > since,
        )
    ).first()


def recent_reply(
    session: Session, concern_id: int, author_id: int, body: str, *, since: datetime
) -> bool:
    return (
        session.exec(
            select(Reply.id).where(
                Reply.concern_id == concern_id,
                Reply.author_id == author_id,
                Reply.body == body,
                col(Reply.created_at) > since,
            )
        ).first()
        is not None
    )


def remove_support(session: Session, concern_id: int, user_id: int) -> bool:
    """Take back a me too; whether there was one."""
    removed = session.execute(
        delete(Support).where(
            col(Support.concern_id) == concern_id, col(Support.user_id) == user_id
        )
    )
    return bool(removed.rowcount)  # type: ignore[attr-defined]


def add_support(session: Session, concern_id: int, user_id: int) -> bool:
    """Add a me too; False when the same person's other request added it a moment ago."""
    try:
        with session.begin_nested():
            session.add(Support(concern_id=concern_id, user_id=user_id))
    except IntegrityError:
        return False
    return True


def count_support(session: Session, concern_id: int, change: int) -> None:
    session.execute(
        update(Concern)
        .where(col(Concern.id) == concern_id)
        .values(support_count=Concern.support_count + change)
    )


def audience_slugs_of(session: Session, concern_id: int) -> Sequence[str]:
    return session.exec(
        select(Audience.slug)
        .join(ConcernAudience, col(ConcernAudience.audience_id) == Audience.id)
        .where(ConcernAudience.concern_id == concern_id)
    ).all()


def replace_audiences(session: Session, concern_id: int, audience_ids: list[int]) -> None:
    session.execute(delete(ConcernAudience).where(col(ConcernAudience.concern_id) == concern_id))
    for audience_id in audience_ids:
        session.add(ConcernAudience(concern_id=concern_id, audience_id=audience_id))
