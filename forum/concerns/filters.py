"""Which of a region's concerns a list shows: the region page's and the JSON API's filters,
read once from what was asked. A value we do not know is dropped, with a message saying so:
the page shows every concern that filter would have narrowed, the API answers 400."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar
from urllib.parse import urlencode

from forum.concerns.search import CANDIDATES
from forum.i18n import N_, Message
from forum.ids import moment_and_id
from forum.models import Audience, Service, Status, Topic

MAX_SEARCH = 200
UNKNOWN: dict[str, Message] = {
    "status": N_("We do not know that status, so all statuses are shown."),
    "audience": N_("We do not know that audience, so all audiences are shown."),
    "topic": N_("We do not know that topic, so all topics are shown."),
    "service": N_("We do not know that service, so the concerns about every service are shown."),
}


@dataclass(frozen=True)
class Cursor:
    """Where a page of a region's concerns ends: the next page starts after it."""

    last_activity_at: datetime
    id: int

    def encode(self) -> str:
        return f"{self.last_activity_at.isoformat()}~{self.id}"

    @classmethod
    def decode(cls, raw: str | None) -> Cursor | None:
        if not raw:
            return None
        moment, _, concern_id = raw.partition("~")
        found = moment_and_id(moment, concern_id)
        return cls(*found) if found else None


@dataclass(frozen=True)
class Offset:
    """Where a page of search results ends, which are ranked: how many came before."""

    count: int

    def encode(self) -> str:
        return str(self.count)

    @classmethod
    def decode(cls, raw: str | None) -> Offset | None:
        if not raw or not raw.isascii() or not raw.isdigit() or int(raw) > CANDIDATES:
            return None
        return cls(int(raw))


@dataclass(frozen=True)
class RegionFilters:
    status: str = ""
    audience: Audience | None = None
    topic: Topic | None = None
    service: Service | None = None
    words: str = ""
    # Where the last page ended: a cursor for concerns by activity, an offset for matches.
    after: Cursor | Offset | None = None
    # Each filter asked for with a value we do not know: its name and what was sent.
    unknown: dict[str, str] = field(default_factory=dict)

    @property
    def problems(self) -> list[Message]:
        return [UNKNOWN[name] for name in self.unknown]

    def typed(self) -> dict[str, str]:
        """The filters as the form shows them (slugs, and the words)."""
        return {
            "status": self.status,
            "audience": self.audience.slug if self.audience else "",
            "topic": self.topic.slug if self.topic else "",
            "service": self.service.slug if self.service else "",
            "q": self.words,
        }

    def query(self) -> str:
        """The filters in force, for the link to the next page."""
        return urlencode({name: value for name, value in self.typed().items() if value})


FIELDS = ("status", "audience", "topic", "service", "q", "after")


def read_filters(
    asked: Mapping[str, str],
    *,
    audiences: Sequence[Audience],
    topics: Sequence[Topic],
    services: Sequence[Service] = (),
) -> RegionFilters:
    """The filters of `asked` (status, audience, topic, service, q and after, each
    optional); `services` are the region's."""
    status, audience, topic, service, q, after = (asked.get(name, "") for name in FIELDS)
    unknown: dict[str, str] = {}
    if status and status not in Status.__members__:
        unknown["status"], status = status, ""
    audience_row = _named(audience, audiences)
    if audience and audience_row is None:
        unknown["audience"] = audience
    topic_row = _named(topic, topics)
    if topic and topic_row is None:
        unknown["topic"] = topic
    service_row = _named(service, services)
    if service and service_row is None:
        unknown["service"] = service
    words = q.strip()[:MAX_SEARCH]
    return RegionFilters(
        status=status,
        audience=audience_row,
        topic=topic_row,
        service=service_row,
        words=words,
        after=Offset.decode(after) if words else Cursor.decode(after),
        unknown=unknown,
    )


Named = TypeVar("Named", Audience, Topic, Service)


def _named(slug: str, known: Sequence[Named]) -> Named | None:
    return next((thing for thing in known if thing.slug == slug), None) if slug else None
