"""Every query of the administration: regions (active or not), topics, organisations, who
holds which role in a region, and invitations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from forum.models import Invitation, Membership, Organisation, Region, Topic, User, utcnow


def all_regions(session: Session) -> Sequence[Region]:
    return session.exec(select(Region).order_by(col(Region.name), col(Region.id))).all()


def region_by_slug(session: Session, slug: str) -> Region | None:
    return session.exec(select(Region).where(Region.slug == slug)).first()


def topic_by_slug(session: Session, slug: str) -> Topic | None:
    return session.exec(select(Topic).where(Topic.slug == slug)).first()


def organisations(session: Session) -> Sequence[Organisation]:
    return session.exec(select(Organisation).order_by(col(Organisation.name))).all()


def organisation_named(session: Session, name_key: str) -> Organisation | None:
    return session.exec(select(Organisation).where(Organisation.name_key == name_key)).first()


@dataclass(frozen=True)
class Holder:
    """Someone who holds a role in a region (a partner, with the organisation they answer for)."""

    user: User
    role: str
    organisation: Organisation | None


def holders(session: Session, region_id: int) -> list[Holder]:
    """Who holds which role in the region, by role then name, in one query."""
    rows = session.exec(
        select(User, Membership.role, Organisation)
        .join(Membership, col(Membership.user_id) == User.id)
        .outerjoin(Organisation, col(Organisation.id) == User.organisation_id)
        .where(Membership.region_id == region_id)
        .order_by(col(Membership.role), col(User.name_key))
    ).all()
    return [Holder(user, role, organisation) for user, role, organisation in rows]


@dataclass(frozen=True)
class Invited:
    invitation: Invitation
    organisation: Organisation | None


def open_invitations(session: Session, region_id: int) -> list[Invited]:
    """The region's invitations not yet accepted nor too old, the newest first."""
    rows = session.exec(
        select(Invitation, Organisation)
        .outerjoin(Organisation, col(Organisation.id) == Invitation.organisation_id)
        .where(
            Invitation.region_id == region_id,
            col(Invitation.accepted_at).is_(None),
            col(Invitation.expires_at) > utcnow(),
        )
        .order_by(col(Invitation.id).desc())
    ).all()
    return [Invited(invitation, organisation) for invitation, organisation in rows]


def invitation_by_hash(session: Session, token_hash: str) -> Invitation | None:
    return session.exec(select(Invitation).where(Invitation.token_hash == token_hash)).first()
