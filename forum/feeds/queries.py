"""Every query of the feeds: what is public, newest first, a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from forum.models import Concern, Reply, User


@dataclass
class ConcernRow:
    concern: Concern
    author_name: str


@dataclass
class ReplyRow:
    reply: Reply
    author_name: str
    concern: Concern


def newest_concerns(session: Session, region_id: int, limit: int) -> list[ConcernRow]:
    rows = session.exec(
        select(Concern, User.name)
        .join(User, col(User.id) == Concern.author_id)
        .where(Concern.region_id == region_id, col(Concern.hidden).is_(False))
        .order_by(col(Concern.created_at).desc(), col(Concern.id).desc())
        .limit(limit)
    ).all()
    return [ConcernRow(concern, name) for concern, name in rows]


def newest_official_answers(session: Session, region_id: int, limit: int) -> list[ReplyRow]:
    """Official answers shown on concerns that are shown."""
    rows = session.exec(
        select(Reply, User.name, Concern)
        .join(User, col(User.id) == Reply.author_id)
        .join(Concern, col(Concern.id) == Reply.concern_id)
        .where(
            Concern.region_id == region_id,
            col(Concern.hidden).is_(False),
            col(Reply.hidden).is_(False),
            col(Reply.official),
        )
        .order_by(col(Reply.created_at).desc(), col(Reply.id).desc())
        .limit(limit)
    ).all()
    return [ReplyRow(reply, name, concern) for reply, name, concern in rows]


def newest_replies(session: Session, concern: Concern, limit: int) -> list[ReplyRow]:
    """The shown replies of a concern, official answers among them, newest first."""
    rows = session.exec(
        select(Reply, User.name)
        .join(User, col(User.id) == Reply.author_id)
        .where(Reply.concern_id == concern.id, col(Reply.hidden).is_(False))
        .order_by(col(Reply.created_at).desc(), col(Reply.id).desc())
        .limit(limit)
    ).all()
    return [ReplyRow(reply, name, concern) for reply, name in rows]
