"""Every query of moderation: the queue's sections, one item of it, flags, and the log.

A fixed number of queries per page, whatever the number of items shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import Select, and_, distinct, exists, func, literal, or_, union_all
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from forum.concerns.queries import Tag, audiences_by_concern
from forum.models import (
    Concern,
    ConcernAudience,
    Flag,
    ModerationEvent,
    Region,
    Reply,
    Status,
    Topic,
    User,
)

Target = tuple[str, int]  # ("concern" | "reply", id)


@dataclass
class ConcernItem:
    """A concern as the queue shows it, with what a moderator decides about it."""

    kind: ClassVar[str] = "concern"
    concern: Concern
    region: Region
    author: User
    topic: Topic | None
    audiences: list[Tag] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"concern-{self.concern.id}"


@dataclass
class PostItem:
    """A concern or a reply, with the reports on it not yet handled."""

    kind: ClassVar[str] = "post"
    concern: Concern
    region: Region
    author: User
    reply: Reply | None = None
    flags: list[Flag] = field(default_factory=list)

    @property
    def post(self) -> Concern | Reply:
        return self.reply or self.concern

    @property
    def target(self) -> Target:
        assert self.post.id is not None
        return ("reply" if self.reply else "concern", self.post.id)

    @property
    def key(self) -> str:
        target_type, target_id = self.target
        return f"post-{target_type}-{target_id}"


@dataclass
class PersonItem:
    """A person stopped from writing, and the moderator's decision that did it."""

    kind: ClassVar[str] = "person"
    person: User
    region: Region
    block: ModerationEvent

    @property
    def key(self) -> str:
        return f"person-{self.person.id}-{self.region.id}"


Item = ConcernItem | PostItem | PersonItem


@dataclass
class Section:
    """One part of the queue: the first items, and how many there are in all."""

    name: str
    items: Sequence[Item]
    total: int


# The queue.

_has_audience = exists().where(col(ConcernAudience.concern_id) == Concern.id)


def queue(session: Session, region_ids: list[int], limit: int) -> list[Section]:
    """The queue, in the order a moderator works through it."""
    shown = [col(Concern.region_id).in_(region_ids), col(Concern.hidden).is_(False)]
    untagged = [*shown, col(Concern.status) != Status.closed, ~_has_audience]
    waiting = [*shown, col(Concern.status) == Status.open, _has_audience]
    return [
        _concern_section(session, "new", untagged, limit),
        _flagged(session, region_ids, limit),
        _concern_section(session, "waiting", waiting, limit),
        _hidden(session, region_ids, limit),
        _blocked(session, region_ids, limit),
    ]


def _concern_section(session: Session, name: str, where: list[Any], limit: int) -> Section:
    """Concerns oldest first: the one waiting longest comes first."""
    total = session.exec(select(func.count()).select_from(Concern).where(*where)).one()
    return Section(name, _concern_items(session, where, limit), total)


def _concern_items(session: Session, where: list[Any], limit: int | None) -> list[ConcernItem]:
    """Concerns with their region, author, topic and audiences, the oldest first."""
    rows = session.exec(
        select(Concern, Region, User, Topic)
        .join(Region, col(Region.id) == Concern.region_id)
        .join(User, col(User.id) == Concern.author_id)
        .outerjoin(Topic, col(Topic.id) == Concern.topic_id)
        .where(*where)
        .order_by(col(Concern.created_at), col(Concern.id))
        .limit(limit)
    ).all()
    items = [ConcernItem(*row) for row in rows]
    by_concern = audiences_by_concern(session, [item.concern.id for item in items])
    for item in items:
        assert item.concern.id is not None
        item.audiences = by_concern[item.concern.id]
    return items


def concern_item(session: Session, concern_id: int) -> ConcernItem | None:
    items = _concern_items(session, [col(Concern.id) == concern_id], 1)
    return items[0] if items else None


def _flagged(session: Session, region_ids: list[int], limit: int) -> Section:
    """Posts with reports not yet handled, the one reported first at the top."""
    open_here = [col(Flag.resolved_at).is_(None), col(Flag.region_id).in_(region_ids)]
    targets = select(Flag.target_type, Flag.target_id).where(*open_here)
    targets = targets.group_by(col(Flag.target_type), col(Flag.target_id))
    first = session.exec(
        targets.order_by(
            func.min(Flag.created_at), col(Flag.target_type), col(Flag.target_id)
        ).limit(limit)
    ).all()
    total = session.exec(select(func.count()).select_from(targets.subquery())).one()
    return Section("flags", post_items(session, [(kind, number) for kind, number in first]), total)


def _hidden(session: Session, region_ids: list[int], limit: int) -> Section:
    """Hidden concerns and replies, the newest first, so that a moderator can show them again."""
    concerns: Select[str, int, datetime] = core_select(
        literal("concern").label("kind"), col(Concern.id).label("id"), col(Concern.created_at)
    ).where(col(Concern.hidden), col(Concern.region_id).in_(region_ids))
    replies: Select[str, int, datetime] = (
        core_select(
            literal("reply").label("kind"), col(Reply.id).label("id"), col(Reply.created_at)
        )
        .join(Concern, col(Concern.id) == Reply.concern_id)
        .where(col(Reply.hidden), col(Concern.region_id).in_(region_ids))
    )
    both = union_all(concerns, replies).subquery()
    first = session.execute(
        select(both.c.kind, both.c.id)
        .order_by(both.c.created_at.desc(), both.c.kind, both.c.id.desc())
        .limit(limit)
    ).all()
    total = session.execute(select(func.count()).select_from(both)).scalar_one()
    return Section("hidden", post_items(session, [(kind, number) for kind, number in first]), total)


def post_items(session: Session, targets: Sequence[Target]) -> list[PostItem]:
    """The posts named, with their authors and open reports, in the order given."""
    concern_ids = [number for kind, number in targets if kind == "concern"]
    reply_ids = [number for kind, number in targets if kind == "reply"]
    found: dict[Target, PostItem] = {}
    if concern_ids:
        for concern, region, author in session.exec(
            select(Concern, Region, User)
            .join(Region, col(Region.id) == Concern.region_id)
            .join(User, col(User.id) == Concern.author_id)
            .where(col(Concern.id).in_(concern_ids))
        ).all():
            assert concern.id is not None
            found["concern", concern.id] = PostItem(concern, region, author)
    if reply_ids:
        for reply, concern, region, author in session.exec(
            select(Reply, Concern, Region, User)
            .join(Concern, col(Concern.id) == Reply.concern_id)
            .join(Region, col(Region.id) == Concern.region_id)
            .join(User, col(User.id) == Reply.author_id)
            .where(col(Reply.id).in_(reply_ids))
        ).all():
            assert reply.id is not None
            found["reply", reply.id] = PostItem(concern, region, author, reply)
    if found:
        for flag in session.exec(
            select(Flag)
            .where(
                col(Flag.resolved_at).is_(None),
                or_(
                    and_(col(Flag.target_type) == "concern", col(Flag.target_id).in_(concern_ids)),
                    and_(col(Flag.target_type) == "reply", col(Flag.target_id).in_(reply_ids)),
                ),
            )
            .order_by(col(Flag.created_at), col(Flag.id))
        ).all():
            found[flag.target_type, flag.target_id].flags.append(flag)
    return [found[target] for target in targets if target in found]


def _blocked(session: Session, region_ids: list[int], limit: int) -> Section:
    """People stopped from writing in these regions, the latest first."""
    blocks = [
        col(ModerationEvent.action) == "block",
        col(ModerationEvent.target_type) == "user",
        col(ModerationEvent.region_id).in_(region_ids),
        col(User.blocked_at).is_not(None),
    ]
    rows = session.exec(
        select(ModerationEvent, User, Region)
        .join(User, col(User.id) == ModerationEvent.target_id)
        .join(Region, col(Region.id) == ModerationEvent.region_id)
        .where(*blocks)
        .order_by(col(ModerationEvent.id).desc())
        .limit(limit * 4)
    ).all()
    # A person blocked, let back and blocked again has two blocks: the latest one counts.
    latest: dict[int, PersonItem] = {}
    for event, person, region in rows:
        assert person.id is not None
        latest.setdefault(person.id, PersonItem(person, region, event))
    total = session.exec(
        select(func.count(distinct(col(ModerationEvent.target_id))))
        .join(User, col(User.id) == ModerationEvent.target_id)
        .where(*blocks)
    ).one()
    return Section("blocked", list(latest.values())[:limit], total)


def person_item(session: Session, user_id: int, region_id: int) -> PersonItem | None:
    """A person and the latest decision to stop them from writing in this region."""
    row = session.exec(
        select(ModerationEvent, User, Region)
        .join(User, col(User.id) == ModerationEvent.target_id)
        .join(Region, col(Region.id) == ModerationEvent.region_id)
        .where(
            col(ModerationEvent.action) == "block",
            col(ModerationEvent.target_type) == "user",
            col(ModerationEvent.target_id) == user_id,
            col(ModerationEvent.region_id) == region_id,
        )
        .order_by(col(ModerationEvent.id).desc())
    ).first()
    if row is None:
        return None
    event, person, region = row
    return PersonItem(person, region, event)


# Flags and the people behind posts.


def reply_in(session: Session, concern_id: int, reply_id: int) -> Reply | None:
    return session.exec(
        select(Reply).where(Reply.id == reply_id, Reply.concern_id == concern_id)
    ).first()


def flag_by(session: Session, reporter_id: int, target: Target) -> Flag | None:
    target_type, target_id = target
    return session.exec(
        select(Flag).where(
            Flag.reporter_id == reporter_id,
            Flag.target_type == target_type,
            Flag.target_id == target_id,
        )
    ).first()


def open_flags_on(session: Session, target: Target) -> Sequence[Flag]:
    target_type, target_id = target
    return session.exec(
        select(Flag)
        .where(
            Flag.target_type == target_type,
            Flag.target_id == target_id,
            col(Flag.resolved_at).is_(None),
        )
        .order_by(col(Flag.id))
    ).all()


def took_part(session: Session, user_id: int, region_id: int) -> bool:
    """Whether the person wrote or reported something in the region."""
    wrote = exists().where(col(Concern.author_id) == user_id, col(Concern.region_id) == region_id)
    replied = exists().where(
        col(Reply.author_id) == user_id,
        col(Reply.concern_id) == Concern.id,
        col(Concern.region_id) == region_id,
    )
    reported = exists().where(col(Flag.reporter_id) == user_id, col(Flag.region_id) == region_id)
    return bool(session.exec(select(or_(wrote, replied, reported))).one())
