"""Limits on how often an action may be tried (failed logins), counted in the database so
that they hold across worker processes and app instances. No web framework here."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from forum.models import Attempt, utcnow


@dataclass(frozen=True)
class Limit:
    """At most `allowed` tries of `action` by one key within `window`."""

    action: str
    allowed: int
    window: timedelta


def key_for(secret: str, kind: str, value: str) -> str:
    """A keyed hash of what is counted (an account's name, a client's address): the table
    never holds the address itself, and a leaked table names nobody."""
    digest = hmac.new(secret.encode(), f"{kind}:{value}".encode(), hashlib.sha256)
    return digest.hexdigest()[:64]


def wait_left(session: Session, limit: Limit, key: str, now: datetime | None = None) -> timedelta:
    """How long `key` must wait before trying again (zero when it may try now). One query:
    the allowed-th newest try in the window; when it leaves the window, a try is free."""
    now = now or utcnow()
    blocking = session.exec(
        select(Attempt.at)
        .where(Attempt.action == limit.action, Attempt.key == key)
        .where(col(Attempt.at) > now - limit.window)
        .order_by(col(Attempt.at).desc())
        .offset(limit.allowed - 1)
        .limit(1)
    ).first()
    if blocking is None:
        return timedelta(0)
    return max(_aware(blocking) + limit.window - now, timedelta(seconds=1))


def record(session: Session, limit: Limit, keys: list[str], now: datetime | None = None) -> None:
    """Count one try for each key, and forget the tries that left the window (this action's,
    and any older than every window)."""
    now = now or utcnow()
    session.execute(
        delete(Attempt).where(
            col(Attempt.action) == limit.action, col(Attempt.at) <= now - limit.window
        )
    )
    forget_old(session, now)
    session.add_all(Attempt(action=limit.action, key=key, at=now) for key in keys)


# The longest window of any limit (the login window's setting allows a day): older tries
# are forgotten whatever their action, so that nothing is kept longer than it counts.
LONGEST_WINDOW = timedelta(days=1)


def forget_old(session: Session, now: datetime | None = None) -> int:
    """Forget every try that no window counts any more. How many were forgotten."""
    cutoff = (now or utcnow()) - LONGEST_WINDOW
    deleted = session.execute(delete(Attempt).where(col(Attempt.at) <= cutoff))
    return int(deleted.rowcount)  # type: ignore[attr-defined]


def forget(session: Session, limit: Limit, keys: list[str]) -> None:
    """Start counting again for these keys (after a success)."""
    session.execute(
        delete(Attempt).where(col(Attempt.action) == limit.action, col(Attempt.key).in_(keys))
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
