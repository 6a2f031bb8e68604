"""The figures of a region's summary as data, and the pure rules that make them: shares,
percentiles, weeks, and hiding small counts. numbers.py counts them in the database.

The definitions the page and every export share are in numbers.py's docstring.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Any

HOUR = 3600
DAY = 24 * HOUR
WEEK = 7 * DAY
ANSWERED_WITHIN = WEEK
# Counts below this in a breakdown can be left out (Filters.suppress_small_counts).
SMALL_COUNT = 5
LIST_LENGTH = 5
MEDIAN, NINETIETH = 50, 90
# Weeks run Monday to Sunday (ISO), counted from Monday 5 January 1970, 00:00 UTC.
FIRST_MONDAY = date(1970, 1, 5)
FIRST_MONDAY_EPOCH = 4 * DAY
# How long people waited for a first official answer: up to each limit, in seconds.
WAIT_LIMITS: tuple[tuple[str, int], ...] = (
    ("day", DAY),
    ("three_days", 3 * DAY),
    ("week", WEEK),
    ("two_weeks", 2 * WEEK),
    ("four_weeks", 4 * WEEK),
)
LONGER, NO_ANSWER = "longer", "no_answer"


@dataclass(frozen=True)
class Count:
    """One line of a breakdown. `key` is a slug or a language code ("" for none); `count` is
    None when it was below SMALL_COUNT and small counts are hidden."""

    key: str
    count: int | None
    name: str | None = None  # the stored name of an audience or topic


@dataclass(frozen=True)
class AnswerTimes:
    """Official answers for a set of concerns: how many, how many within 7 days, and the median
    and 90th percentile of the hours to the first one (None when nothing was answered)."""

    answered: int | None
    within_week: int | None
    median_hours: float | None
    p90_hours: float | None


@dataclass(frozen=True)
class OrganisationFigures:
    organisation: str | None  # None: the partner had no organisation when answering
    times: AnswerTimes

    @property
    def share_within_week(self) -> float | None:
        return share(self.times.within_week, self.times.answered)


@dataclass(frozen=True)
class ConcernLine:
    id: int
    title: str
    created_at: datetime
    support_count: int


@dataclass(frozen=True)
class Week:
    monday: date
    new: int | None
    answered: int | None


@dataclass(frozen=True)
class Summary:
    total: int
    times: AnswerTimes
    waits: list[Count] = field(default_factory=list)
    by_status: list[Count] = field(default_factory=list)
    by_audience: list[Count] = field(default_factory=list)
    by_topic: list[Count] = field(default_factory=list)
    by_language: list[Count] = field(default_factory=list)
    by_source: list[Count] = field(default_factory=list)
    by_service: list[Count] = field(default_factory=list)
    organisations: list[OrganisationFigures] = field(default_factory=list)
    oldest_unanswered: list[ConcernLine] = field(default_factory=list)
    most_supported: list[ConcernLine] = field(default_factory=list)
    weeks: list[Week] = field(default_factory=list)
    small_counts_hidden: bool = False

    @property
    def share_answered(self) -> float | None:
        return share(self.times.answered, self.total)

    @property
    def share_within_week(self) -> float | None:
        return share(self.times.within_week, self.total)


def share(part: int | None, whole: int | None) -> float | None:
    """part / whole, or None when either is unknown or there is nothing to share."""
    if part is None or not whole:
        return None
    return part / whole


def percentile_position(n: int, p: int) -> tuple[int, Fraction]:
    """Where the p-th percentile of n sorted values sits: an index from 0, and how far
    towards the next value (see `percentile`)."""
    index, rest = divmod(p * (n - 1), 100)
    return index, Fraction(rest, 100)


def percentile(values: Sequence[int | float], p: int) -> float | None:
    """The p-th percentile, by linear interpolation between the closest ranks.

    This is the common method ("R-7"): numpy's default, Excel's PERCENTILE.INC, PostgreSQL's
    percentile_cont. Sort the n values; the percentile sits at position p/100 × (n − 1),
    counting from 0; when that falls between two values, take the point as far between them.
    So the median of 1, 2, 3, 4 is 2.5, and the 90th percentile of 1, 2, ..., 10 is 9.1.
    None for no values.
    """
    ordered = sorted(values)
    if not ordered:
        return None
    return interpolate(dict(enumerate(ordered)), len(ordered), p)


def interpolate(sorted_at: dict[int, Any], n: int, p: int) -> float:
    """The percentile from the values at the positions `percentile_position` names."""
    index, fraction = percentile_position(n, p)
    low = sorted_at[index]
    high = sorted_at.get(index + 1, low)
    return float(low + fraction * (high - low))


def hide_small_counts(summary: Summary) -> Summary:
    """The summary with every breakdown count from 1 to SMALL_COUNT - 1 left out (None), and an
    organisation's figures left out when it answered fewer than SMALL_COUNT concerns. Totals,
    shares and zeros stay: they do not point at a few people."""

    def hidden(value: int | None) -> int | None:
        return None if value is not None and 0 < value < SMALL_COUNT else value

    def counts(lines: list[Count]) -> list[Count]:
        return [replace(line, count=hidden(line.count)) for line in lines]

    def organisation(figures: OrganisationFigures) -> OrganisationFigures:
        if hidden(figures.times.answered) is not None:
            return figures
        return replace(figures, times=AnswerTimes(None, None, None, None))

    return replace(
        summary,
        waits=counts(summary.waits),
        by_status=counts(summary.by_status),
        by_audience=counts(summary.by_audience),
        by_topic=counts(summary.by_topic),
        by_language=counts(summary.by_language),
        by_source=counts(summary.by_source),
        by_service=counts(summary.by_service),
        organisations=[organisation(figures) for figures in summary.organisations],
        weeks=[replace(w, new=hidden(w.new), answered=hidden(w.answered)) for w in summary.weeks],
        small_counts_hidden=True,
    )


def week_index(day: date) -> int:
    return (day - FIRST_MONDAY).days // 7


def monday_of(index: int) -> date:
    return FIRST_MONDAY + timedelta(weeks=index)
