"""Passwords: a link to choose a new one, mailed on request (single use, one hour), and
changing it with the current one. Either way every other session of the person ends."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col

from forum.accounts import queries, sessions
from forum.accounts.service import check_password, hash_password, password_error, valid_email
from forum.errors import FormErrors, Refused
from forum.i18n import N_
from forum.models import PasswordReset, User, utcnow
from forum.notifications import emails

RESET_LIFETIME = timedelta(hours=1)
WHY_RESET = N_(
    "You get this email because someone asked for a new password for your account on Agora. "
    "If it was not you, you can ignore it: your password stays as it is."
)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_reset(session: Session, email: str) -> int:
    """Mail a link to choose a new password to each account with this address; how many.
    The person asking is told the same whether or not the address is known (the route says
    so), so the count is for the operator's log, never for them."""
    email = email.strip()
    if not email or not valid_email(email):
        raise FormErrors({"email": N_("Enter your email address, like name@example.org.")})
    people = queries.users_with_email(session, email)
    for user in people:
        assert user.id is not None and user.email
        token = secrets.token_urlsafe(32)
        now = utcnow()
        session.add(
            PasswordReset(
                token_hash=token_hash(token),
                user_id=user.id,
                created_at=now,
                expires_at=now + RESET_LIFETIME,
            )
        )
        link = emails.links_for(session).url(f"/password/reset/{token}")
        locale = emails.locale_for(user, None)
        session.add(
            emails.message_row(
                session,
                "password_reset",
                to=user.email,
                locale=locale,
                why=WHY_RESET,
                user=user,
                reset_url=link,
            )
        )
    return len(people)


def reset_for(session: Session, token: str) -> PasswordReset:
    """The reset this link names, while it may still be used; else Refused, saying why."""
    reset = queries.reset_by_hash(session, token_hash(token)) if token else None
    if reset is None:
        raise Refused(N_("This link does not work. Ask for a new one below."))
    if reset.used_at is not None:
        raise Refused(N_("This link was already used. Ask for a new one below."))
    if _aware(reset.expires_at) <= utcnow():
        raise Refused(N_("This link is too old: it works for one hour. Ask for a new one below."))
    return reset


def reset(session: Session, token: str, password: str) -> User:
    """Set the new password and end every session of the person; the link is then used. Two
    tabs sending the same link at once: one sets the password, the other is refused."""
    found = reset_for(session, token)
    if error := password_error(password):
        raise FormErrors({"password": error})
    used = session.execute(
        update(PasswordReset)
        .where(col(PasswordReset.id) == found.id, col(PasswordReset.used_at).is_(None))
        .values(used_at=utcnow())
    )
    if not used.rowcount:  # type: ignore[attr-defined]
        raise Refused(N_("This link was already used. Ask for a new one below."))
    user = session.get(User, found.user_id)
    assert user is not None and user.id is not None
    user.password_hash = hash_password(password)
    session.add(user)
    sessions.end_all(session, user.id)
    return user


def change(session: Session, user: User, *, current: str, new: str, keep: str) -> None:
    """A new password, given the current one. Every other session ends; the one whose token
    is `keep` (the browser changing it) stays."""
    assert user.id is not None
    errors = {}
    if not check_password(user, current):
        errors["current_password"] = N_("This is not your current password. Try again.")
    if error := password_error(new):
        errors["password"] = error
    if errors:
        raise FormErrors(errors)
    user.password_hash = hash_password(new)
    session.add(user)
    sessions.end_all(session, user.id, but=keep)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
