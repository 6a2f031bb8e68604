"""Every query of the notifications: who is told, their settings, the digest and the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, update
from sqlmodel import Session, col, select

from forum.models import (
    Concern,
    Delivery,
    Membership,
    Notification,
    NotificationKind,
    NotificationSetting,
    Organisation,
    Outbox,
    Region,
    Reply,
    Role,
    Support,
    User,
)


def settings_of(
    session: Session, user_ids: Sequence[int], kinds: Sequence[NotificationKind]
) -> dict[tuple[int, NotificationKind], Delivery]:
    """The deliveries these people chose for these kinds; a missing pair means the default."""
    if not user_ids or not kinds:
        return {}
    rows = session.exec(
        select(NotificationSetting).where(
            col(NotificationSetting.user_id).in_(user_ids),
            col(NotificationSetting.kind).in_([kind.value for kind in kinds]),
        )
    ).all()
    return {(row.user_id, NotificationKind(row.kind)): Delivery(row.delivery) for row in rows}


def with_email(session: Session, user_ids: Sequence[int]) -> list[User]:
    """These people, those with an email address only, in a stable order."""
    if not user_ids:
        return []
    return list(
        session.exec(
            select(User)
            .where(col(User.id).in_(user_ids), col(User.email).is_not(None), User.email != "")
            .order_by(col(User.id))
        ).all()
    )


def supporter_ids(session: Session, concern_id: int) -> list[int]:
    return list(
        session.exec(
            select(Support.user_id)
            .where(Support.concern_id == concern_id)
            .order_by(col(Support.user_id))
        ).all()
    )


def holder_ids(session: Session, region_id: int, role: str) -> list[int]:
    """The people who hold a role in a region (its moderators, its partners)."""
    return list(
        session.exec(
            select(Membership.user_id)
            .where(Membership.region_id == region_id, Membership.role == role)
            .order_by(col(Membership.user_id))
        ).all()
    )


def partner_ids_for(session: Session, region_id: int, audience: str) -> list[int]:
    """The region's partners who answer for this audience: those of technology providers
    (and those with no organisation) for technology_providers, those of a local
    administration for local_administration."""
    kind = "local_administration" if audience == "local_administration" else "technology_provider"
    of_kind = col(Organisation.kind) == kind
    if kind == "technology_provider":
        of_kind = or_(of_kind, col(User.organisation_id).is_(None))
    return list(
        session.exec(
            select(Membership.user_id)
            .join(User, col(User.id) == Membership.user_id)
            .outerjoin(Organisation, col(Organisation.id) == User.organisation_id)
            .where(Membership.region_id == region_id, Membership.role == Role.partner.value)
            .where(of_kind)
            .order_by(col(Membership.user_id))
        ).all()
    )


def region(session: Session, region_id: int) -> Region:
    found = session.get(Region, region_id)
    assert found is not None
    return found


def user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def reply_author(session: Session, reply_id: int) -> int | None:
    return session.exec(select(Reply.author_id).where(Reply.id == reply_id)).first()


# The daily digest.


def users_with_digest_due(session: Session, cutoff: datetime, limit: int) -> list[int]:
    """People whose oldest notification waiting for the daily email is older than `cutoff`."""
    oldest = func.min(col(Notification.created_at))
    return list(
        session.exec(
            select(Notification.user_id)
            .where(
                Notification.delivery == Delivery.daily.value,
                col(Notification.outbox_id).is_(None),
            )
            .group_by(col(Notification.user_id))
            .having(oldest <= cutoff)
            .order_by(oldest, col(Notification.user_id))
            .limit(limit)
        ).all()
    )


def waiting_for_digest(
    session: Session, user_ids: Sequence[int]
) -> list[tuple[Notification, Concern, Region]]:
    """What waits for these people's daily email, with each concern and its region."""
    if not user_ids:
        return []
    rows = session.exec(
        select(Notification, Concern, Region)
        .join(Concern, col(Concern.id) == Notification.concern_id)
        .join(Region, col(Region.id) == Concern.region_id)
        .where(
            col(Notification.user_id).in_(user_ids),
            Notification.delivery == Delivery.daily.value,
            col(Notification.outbox_id).is_(None),
        )
        .order_by(col(Notification.user_id), col(Notification.created_at), col(Notification.id))
    ).all()
    return [(notification, concern, region) for notification, concern, region in rows]


def users_by_id(session: Session, user_ids: Sequence[int]) -> dict[int, User]:
    if not user_ids:
        return {}
    rows = session.exec(select(User).where(col(User.id).in_(user_ids))).all()
    return {row.id: row for row in rows if row.id is not None}


def attach_to_outbox(session: Session, notification_ids: Sequence[int], outbox_id: int) -> int:
    """Mark notifications as sent in this email, unless another run took them first: returns
    how many this run took."""
    result = session.execute(
        update(Notification)
        .where(col(Notification.id).in_(notification_ids), col(Notification.outbox_id).is_(None))
        .values(outbox_id=outbox_id)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


# The outbox.


def claim_due(
    session: Session, now: datetime, until: datetime, limit: int, max_attempts: int
) -> list[Outbox]:
    """Claim up to `limit` emails that are due, in one statement, so that two workers never
    claim the same row: PostgreSQL skips rows another worker has locked, and SQLite runs one
    writer at a time. Returns the claimed rows."""
    due = (
        col(Outbox.sent_at).is_(None),
        col(Outbox.next_attempt_at) <= now,
        col(Outbox.attempts) < max_attempts,
        (col(Outbox.claimed_until).is_(None)) | (col(Outbox.claimed_until) < now),
    )
    candidates = (
        select(Outbox.id)
        .where(*due)
        .order_by(col(Outbox.next_attempt_at), col(Outbox.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed = session.execute(
        update(Outbox)
        .where(col(Outbox.id).in_(candidates.scalar_subquery()), *due)
        .values(claimed_until=until)
        .returning(col(Outbox.id))
    )
    ids = [row[0] for row in claimed]
    if not ids:
        return []
    return list(
        session.exec(select(Outbox).where(col(Outbox.id).in_(ids)).order_by(col(Outbox.id))).all()
    )


def mark_sent(session: Session, outbox_id: int, now: datetime) -> None:
    session.execute(
        update(Outbox)
        .where(col(Outbox.id) == outbox_id)
        .values(sent_at=now, claimed_until=None, last_error=None)
    )


def mark_failed(
    session: Session, outbox_id: int, error: str, retry_at: datetime, attempts: int
) -> None:
    session.execute(
        update(Outbox)
        .where(col(Outbox.id) == outbox_id)
        .values(attempts=attempts, last_error=error, next_attempt_at=retry_at, claimed_until=None)
    )


def release(session: Session, outbox_ids: Sequence[int]) -> None:
    """Give back claimed rows that were not tried, so that the next run takes them at once."""
    if outbox_ids:
        session.execute(
            update(Outbox).where(col(Outbox.id).in_(outbox_ids)).values(claimed_until=None)
        )
