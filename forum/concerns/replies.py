"""A concern's replies, as its page and the API show them: read as plain values, in the
order they were written."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, select
from sqlmodel import Session, col

from forum.models import Reply, User


class ShownReply(NamedTuple):
    """A reply as its concern's page and the API show it: read as plain values, without the
    ORM (which took twice as long to load a concern's replies), and never changed."""

    id: int
    body: str
    language: str
    official: bool
    organisation: str | None
    created_at: datetime
    hidden: bool
    hidden_reason: str | None
    author_name: str | None  # None: an erased account's


REPLIES = (
    # The reply's own columns, then its author's name.
    select(*(col(getattr(Reply, name)) for name in ShownReply._fields[:-1]), col(User.name))
    .join(User, col(User.id) == Reply.author_id)
    .where(col(Reply.concern_id) == bindparam("concern_id"))
    .order_by(col(Reply.created_at), col(Reply.id))
)


def replies_of(session: Session, concern_id: int) -> tuple[list[ShownReply], list[ShownReply]]:
    """Official answers and the other replies, each in the order they were written."""
    rows = session.connection().execute(REPLIES, {"concern_id": concern_id})
    replies = list(map(ShownReply._make, rows))
    return [r for r in replies if r.official], [r for r in replies if not r.official]
