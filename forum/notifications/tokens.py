"""Unsubscribe links: a token signed with the app's secret, for one person and one kind of
email, that works without logging in and for a limited time."""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from forum.models import NotificationKind

SALT = "agora.unsubscribe"
MAX_AGE_SECONDS = 60 * 60 * 24 * 120  # an email four months old still lets a person stop
# Besides one kind, a token can stop every kind that comes in the daily email.
DAILY = "daily"
SCOPES = {kind.value for kind in NotificationKind} | {DAILY}


class BadToken(Exception):
    """The token was not made by us, or was changed."""


class ExpiredToken(Exception):
    """The token was made by us, but too long ago."""


@dataclass(frozen=True)
class Unsubscribe:
    user_id: int
    scope: str  # a NotificationKind value, or DAILY


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT)


def sign(secret: str, user_id: int, scope: str) -> str:
    assert scope in SCOPES
    return _serializer(secret).dumps([user_id, scope])


def read(secret: str, token: str, *, max_age: int = MAX_AGE_SECONDS) -> Unsubscribe:
    try:
        payload = _serializer(secret).loads(token, max_age=max_age)
    except SignatureExpired as expired:
        raise ExpiredToken from expired
    except (BadSignature, UnicodeError, ValueError) as error:
        raise BadToken from error
    match payload:
        case [int() as user_id, str() as scope] if scope in SCOPES and 0 < user_id < 2**31:
            return Unsubscribe(user_id, scope)
    raise BadToken
