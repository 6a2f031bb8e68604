"""Which concerns a summary or an export covers: a period, an audience, a topic, and whether
small counts are hidden. Read from what a person typed, and checked: a wrong date is told,
never guessed, so that no report is quietly about the wrong concerns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from forum.errors import FormErrors
from forum.i18n import N_, Message
from forum.models import Audience, Topic

# What a date field sends (and what a person types where a browser shows a plain text box).
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
SUPPRESS = "suppress"
SHOW = "show"
FIELDS = ("since", "until", "audience", "topic", "small_counts")


@dataclass(frozen=True)
class Filters:
    """The concerns counted: raised from `since` to `until` (whole days, UTC, both included),
    for one audience and one topic when they are given."""

    since: date | None = None
    until: date | None = None
    audience: Audience | None = None
    topic: Topic | None = None
    # Counts of 1 to 4 in a breakdown are left out, to protect people in small villages.
    suppress_small_counts: bool = False

    @property
    def starts_at(self) -> datetime | None:
        return datetime.combine(self.since, time(), UTC) if self.since else None

    @property
    def ends_before(self) -> datetime | None:
        """Midnight after the last day; none after the last day the calendar has."""
        if self.until is None or self.until == date.max:
            return None
        return datetime.combine(self.until + timedelta(days=1), time(), UTC)

    def query(self) -> dict[str, str]:
        """The filters as query parameters, for links that keep them (the exports)."""
        values = {
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
            "audience": self.audience.slug if self.audience else "",
            "topic": self.topic.slug if self.topic else "",
            "small_counts": SUPPRESS if self.suppress_small_counts else "",
        }
        return {name: value for name, value in values.items() if value}


def read_filters(
    typed: dict[str, str], audiences: Sequence[Audience], topics: Sequence[Topic]
) -> Filters:
    """The filters a person asked for, or FormErrors with a message for each wrong field."""
    errors: dict[str, Message] = {}
    since = until = None
    try:
        since = _day(typed.get("since", ""))
    except ValueError:
        errors["since"] = N_("Enter the first day as a date, for example 2025-03-31.")
    try:
        until = _day(typed.get("until", ""))
    except ValueError:
        errors["until"] = N_("Enter the last day as a date, for example 2025-03-31.")
    if since and until and until < since:
        errors["until"] = N_("The last day must be the same as the first day or after it.")
    audience_slug = typed.get("audience", "").strip()
    audience = next((a for a in audiences if a.slug == audience_slug), None)
    if audience_slug and audience is None:
        errors["audience"] = N_("Choose an audience from the list.")
    topic_slug = typed.get("topic", "").strip()
    topic = next((t for t in topics if t.slug == topic_slug), None)
    if topic_slug and topic is None:
        errors["topic"] = N_("Choose a topic from the list.")
    small_counts = typed.get("small_counts", "").strip()
    if small_counts not in ("", SHOW, SUPPRESS):
        errors["small_counts"] = N_("Choose whether to hide counts below 5.")
    if errors:
        raise FormErrors(errors)
    return Filters(since, until, audience, topic, suppress_small_counts=small_counts == SUPPRESS)


def _day(raw: str) -> date | None:
    """The date typed, or None for an empty field; ValueError when it is not a date."""
    text = raw.strip()
    if not text:
        return None
    if not DATE.fullmatch(text):
        raise ValueError(text)
    return date.fromisoformat(text)  # ValueError for 2025-02-30
