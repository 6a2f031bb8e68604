"""Every query about people and their roles."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, func
from sqlmodel import Session, col, select

from forum.models import Concern, Membership, PasswordReset, User


def user_by_name_key(session: Session, key: str) -> User | None:
    return session.exec(select(User).where(User.name_key == key)).first()


def name_taken(session: Session, key: str) -> bool:
    return session.exec(select(User.id).where(User.name_key == key)).first() is not None


ROLES_OF = select(Membership.region_id, Membership.role).where(
    Membership.user_id == bindparam("user_id")
)


def roles_of(session: Session, user_id: int) -> frozenset[tuple[int, str]]:
    """(region id, role) for every role the person holds."""
    rows = session.exec(ROLES_OF, params={"user_id": user_id}).all()
    return frozenset((region_id, role) for region_id, role in rows)


def membership(session: Session, user_id: int, region_id: int, role: str) -> Membership | None:
    return session.exec(
        select(Membership).where(
            Membership.user_id == user_id,
            Membership.region_id == region_id,
            col(Membership.role) == role,
        )
    ).first()


def users_with_email(session: Session, email: str) -> Sequence[User]:
    """The accounts with this address, whatever its letters' case."""
    return session.exec(select(User).where(func.lower(User.email) == email.lower())).all()


def reset_by_hash(session: Session, token_hash: str) -> PasswordReset | None:
    return session.exec(select(PasswordReset).where(PasswordReset.token_hash == token_hash)).first()


def concerns_of(
    session: Session, user_id: int, *, before: int | None = None, limit: int = 20
) -> tuple[Sequence[Concern], int | None]:
    """A page of the person's own concerns, the newest first (the hidden ones too: they are
    theirs), and the number the next page starts before."""
    query = select(Concern).where(Concern.author_id == user_id)
    if before is not None:
        query = query.where(col(Concern.id) < before)
    rows = session.exec(query.order_by(col(Concern.id).desc()).limit(limit + 1)).all()
    return rows[:limit], (rows[limit - 1].id if len(rows) > limit else None)
