"""Failed logins, counted per client and per account in the database (forum.limits)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session

from forum import limits
from forum.accounts.service import clean_name, name_key
from forum.settings import Settings


@dataclass(frozen=True)
class LoginThrottle:
    per_client: limits.Limit
    per_account: limits.Limit
    secret: str

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginThrottle:
        window = timedelta(minutes=settings.login_window_minutes)
        return cls(
            limits.Limit("login-client", settings.login_limit_per_client, window),
            limits.Limit("login-account", settings.login_limit_per_account, window),
            settings.resolved_secret_key(),
        )

    def _client(self, client: str) -> str:
        return limits.key_for(self.secret, "client", client)

    def _account(self, name: str) -> str:
        return limits.key_for(self.secret, "account", name_key(clean_name(name)))

    def wait(self, session: Session, *, client: str, name: str) -> timedelta:
        """How long before this client may try to log in to this account again."""
        return max(
            limits.wait_left(session, self.per_client, self._client(client)),
            limits.wait_left(session, self.per_account, self._account(name)),
        )

    def failed(self, session: Session, *, client: str, name: str) -> None:
        limits.record(session, self.per_client, [self._client(client)])
        limits.record(session, self.per_account, [self._account(name)])

    def succeeded(self, session: Session, *, name: str) -> None:
        """The account starts counting again. The client does not: logging in to an account
        of one's own must not buy more guesses at other people's."""
        limits.forget(session, self.per_account, [self._account(name)])
