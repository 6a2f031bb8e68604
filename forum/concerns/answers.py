"""A concern's first official answer: its earliest official reply that is not hidden, kept on
the concern (`first_answer_id`) so that the summary and the exports join one row instead of
looking it up among the concern's replies for every concern. It is set when an official
reply is posted, and found again whenever one is hidden, shown again or erased.

No web framework here.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ScalarSelect, update
from sqlmodel import Session, col, select

from forum.models import Concern, Reply


def earliest_official_reply() -> ScalarSelect[int]:
    """The id of the concern's earliest official reply that is not hidden (correlated)."""
    return (
        select(Reply.id)
        .where(
            col(Reply.concern_id) == Concern.id,
            col(Reply.official).is_(True),
            col(Reply.hidden).is_(False),
        )
        .order_by(col(Reply.created_at), col(Reply.id))
        .limit(1)
        .correlate(Concern)
        .scalar_subquery()
    )


def refresh(session: Session, concern_ids: Sequence[int]) -> None:
    """Find the first official answer of these concerns again."""
    if concern_ids:
        session.execute(
            update(Concern)
            .where(col(Concern.id).in_(concern_ids))
            .values(first_answer_id=earliest_official_reply())
        )
