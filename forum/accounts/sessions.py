"""Who is logged in where. A browser's session cookie (signed) carries a random id; the
database keeps only the id's hash, with whose session it is. A session exists exactly while
its row does: logging out deletes it, a new password or an erased account deletes all of a
person's rows, so a copied cookie stops working at once, on every app instance.

No web framework here: the routes put the id in the cookie and take it out.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import bindparam, delete
from sqlmodel import Session, col, select

from forum.models import Organisation, User, UserSession, utcnow

# As long as the cookie lives: a session unused for this long is gone.
LIFETIME = timedelta(days=30)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, user_id: int) -> str:
    """A new session for the person; the token goes into their cookie. Sessions older than
    the cookie's lifetime are forgotten on the way."""
    session.execute(delete(UserSession).where(col(UserSession.created_at) < utcnow() - LIFETIME))
    token = secrets.token_urlsafe(32)
    session.add(UserSession(id_hash=_hash(token), user_id=user_id))
    return token


# Built once, as it runs for every request of a signed-in person (forum.concerns.queries).
PERSON = (
    select(User, Organisation)
    .join(UserSession, col(UserSession.user_id) == User.id)
    .outerjoin(Organisation, col(Organisation.id) == User.organisation_id)
    .where(
        UserSession.id_hash == bindparam("id_hash"),
        col(UserSession.created_at) >= bindparam("since"),
    )
)


def person(session: Session, token: str) -> tuple[User, Organisation | None] | None:
    """Whose session this is, with the organisation they answer for; None for one that ended
    (or never was)."""
    if not token or len(token) > 100:
        return None
    since = utcnow() - LIFETIME
    row = session.exec(PERSON, params={"id_hash": _hash(token), "since": since}).first()
    return (row[0], row[1]) if row else None


def end(session: Session, token: str) -> None:
    session.execute(delete(UserSession).where(col(UserSession.id_hash) == _hash(token)))


def end_all(session: Session, user_id: int, *, but: str | None = None) -> int:
    """End every session of the person, except the one whose token is `but` (the browser
    that changed the password stays logged in). How many ended."""
    query = delete(UserSession).where(col(UserSession.user_id) == user_id)
    if but:
        query = query.where(col(UserSession.id_hash) != _hash(but))
    return int(session.execute(query).rowcount)  # type: ignore[attr-defined]
