"""Every query about people and their roles."""

from __future__ import annotations

from sqlmodel import Session, col, select

from forum.models import Membership, User


def user_by_name_key(session: Session, key: str) -> User | None:
    return session.exec(select(User).where(User.name_key == key)).first()


def name_taken(session: Session, key: str) -> bool:
    return session.exec(select(User.id).where(User.name_key == key)).first() is not None


def roles_of(session: Session, user_id: int) -> frozenset[tuple[int, str]]:
    """(region id, role) for every role the person holds."""
    rows = session.exec(
        select(Membership.region_id, Membership.role).where(Membership.user_id == user_id)
    ).all()
    return frozenset((region_id, role) for region_id, role in rows)


def membership(session: Session, user_id: int, region_id: int, role: str) -> Membership | None:
    return session.exec(
        select(Membership).where(
            Membership.user_id == user_id,
            Membership.region_id == region_id,
            col(Membership.role) == role,
        )
    ).first()
