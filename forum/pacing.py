"""How often a person may post: registrations, concerns, replies and reports within an hour,
counted per person and per client in the database (forum.limits), so that the limits hold
across workers and app instances. Spam comes in bursts; a citizen, even an angry one, does
not raise twenty concerns in a minute. The region's staff are not paced: they are known, and
a moderator recording the concerns of a town-hall meeting posts many at once.

No web framework here: the caller says who is posting and from where.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session

from forum import limits
from forum.errors import TooSoon
from forum.i18n import N_
from forum.permissions import Viewer
from forum.settings import Settings

WINDOW = timedelta(hours=1)
# Several people may post from one address (a library, a village hall, a phone network's
# shared address): a client may post this many times what one person may.
CLIENT_FACTOR = 3


def _factor(action: str) -> int:
    """Registrations have no person to count yet: the client's limit is the setting."""
    return 1 if action == "register" else CLIENT_FACTOR


@dataclass(frozen=True)
class Pacing:
    per_person: dict[str, limits.Limit]
    per_client: dict[str, limits.Limit]
    secret: str

    @classmethod
    def from_settings(cls, settings: Settings) -> Pacing:
        allowed = {
            "register": settings.registrations_per_hour,
            "concern": settings.concerns_per_hour,
            "reply": settings.replies_per_hour,
            "flag": settings.flags_per_hour,
        }
        return cls(
            {action: limits.Limit(f"{action}-person", n, WINDOW) for action, n in allowed.items()},
            {
                action: limits.Limit(f"{action}-client", n * _factor(action), WINDOW)
                for action, n in allowed.items()
            },
            settings.resolved_secret_key(),
        )

    def _keys(self, action: str, viewer: Viewer, client: str) -> list[tuple[limits.Limit, str]]:
        keys = [(self.per_client[action], limits.key_for(self.secret, "client", client))]
        if viewer.user is not None:
            keys.append(
                (self.per_person[action], limits.key_for(self.secret, "person", str(viewer.id)))
            )
        return keys

    def check(self, session: Session, action: str, viewer: Viewer, client: str) -> None:
        """Raise TooSoon when this person, or this client, has posted `action` as often as
        the hour allows; otherwise count this post (in the caller's transaction, so that a
        post that fails is not counted)."""
        if viewer.is_admin or viewer.roles:
            return
        keys = self._keys(action, viewer, client)
        wait = max(limits.wait_left(session, limit, key) for limit, key in keys)
        if wait:
            raise TooSoon(
                N_(
                    "You have sent several of these in a short time. To keep the forum free "
                    "of spam, you can send this again %(wait)s. What you wrote is kept here.",
                    wait=wait,
                ),
                wait,
            )
        for limit, key in keys:
            limits.record(session, limit, [key])
