"""The figures of a region's summary: how many concerns, of what kind, and how well and how
fast they were answered. The database counts them, in six queries whatever the size of the
region; small pure functions beside the queries turn the counts into percentiles and shares.

The same definitions hold on the page and in every export:

- A concern counts when it is in the region, not hidden, raised in the period (from 00:00 UTC
  on the first day to the end of the last day, UTC), and has the audience and topic chosen.
- Its *first official answer* is its earliest official reply that is not hidden. The answering
  organisation is the one that reply was given for (Reply.organisation).
- The *time to the first official answer* runs from the concern being raised to that reply,
  counted in whole seconds and shown in hours.
- *Answered within 7 days*: the first official answer came at most 168 hours after the concern.
  Overall shares are of every concern counted; an organisation's share is of the concerns it
  answered first.
- Percentiles (the median and the 90th percentile): see `percentile`.
- *Waiting for an answer*: open, with no official answer yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    String,
    Subquery,
    and_,
    case,
    cast,
    exists,
    extract,
    func,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from forum.models import Audience, Concern, ConcernAudience, Region, Reply, Source, Status, Topic
from forum.piloted.queries import region_services
from forum.summaries.figures import (
    ANSWERED_WITHIN,
    FIRST_MONDAY_EPOCH,
    HOUR,
    LIST_LENGTH,
    LONGER,
    MEDIAN,
    NINETIETH,
    NO_ANSWER,
    WAIT_LIMITS,
    WEEK,
    AnswerTimes,
    ConcernLine,
    Count,
    OrganisationFigures,
    Summary,
    Week,
    hide_small_counts,
    interpolate,
    monday_of,
    week_index,
)
from forum.summaries.filters import Filters


def summarise(
    session: Session,
    region_id: int,
    filters: Filters,
    *,
    audiences: Sequence[Audience],
    topics: Sequence[Topic],
    today: date | None = None,
) -> Summary:
    """Every figure of the summary, in seven queries (nine when the region has services)."""
    today = today or datetime.now(UTC).date()
    where = conditions(region_id, filters)
    dialect = session.get_bind().dialect.name
    covered = _covered(dialect, where)
    total, answered, within, first_epoch, waits = _headline(session, covered)
    times, organisations = _answer_times(session, covered)
    times = replace(times, answered=answered, within_week=within)
    summary = Summary(
        total=total,
        times=times,
        waits=waits,
        organisations=organisations,
        oldest_unanswered=_oldest_unanswered(session, covered),
        most_supported=_most_supported(session, where),
        weeks=_weeks(session, covered, filters, first_epoch, today),
    )
    status, source, language, topic, audience = _breakdowns(session, where, audiences, topics)
    summary = replace(
        summary,
        by_service=_by_service(session, region_id, where),
        by_status=status,
        by_source=source,
        by_language=language,
        by_topic=topic,
        by_audience=audience,
    )
    return hide_small_counts(summary) if filters.suppress_small_counts else summary


def conditions(
    region_id: int, filters: Filters, *, by_id: bool = False
) -> list[ColumnElement[bool]]:
    """Which concerns count (see the module's docstring). `by_id`: for reading them in id order
    (the exports' batches), where "+ 0" keeps the planner off the region index: that index is
    ordered by activity, and would make the database sort the whole region for every batch."""
    region = col(Concern.region_id) + 0 if by_id else col(Concern.region_id)
    where = [region == region_id, col(Concern.hidden).is_(False)]
    if filters.starts_at:
        where.append(col(Concern.created_at) >= filters.starts_at)
    if filters.ends_before:
        where.append(col(Concern.created_at) < filters.ends_before)
    if filters.audience is not None:
        # An alias: the audience breakdown joins concern_audience too, and must not correlate.
        tagged = aliased(ConcernAudience)
        where.append(
            exists().where(
                col(tagged.concern_id) == Concern.id,
                col(tagged.audience_id) == filters.audience.id,
            )
        )
    if filters.topic is not None:
        where.append(col(Concern.topic_id) == filters.topic.id)
    return where


def epoch_seconds(dialect: str, moment: Any) -> ColumnElement[int]:
    """Whole seconds since 1970 (UTC) of a timestamp column, the same on both databases."""
    if dialect == "postgresql":
        return cast(extract("epoch", func.date_trunc("second", moment)), BigInteger)
    return cast(func.strftime("%s", moment), BigInteger)


def _covered(dialect: str, where: list[ColumnElement[bool]]) -> Subquery:
    """The counted concerns with their first official answer (kept on the concern, see
    forum.concerns.answers: one row joined by its key) and the seconds it took."""
    first = aliased(Reply)
    created = epoch_seconds(dialect, Concern.created_at)
    answered = epoch_seconds(dialect, first.created_at)
    return (
        select(
            col(Concern.id).label("id"),
            col(Concern.title).label("title"),
            col(Concern.created_at).label("created_at"),
            col(Concern.status).label("status"),
            col(Concern.support_count).label("support_count"),
            created.label("created_epoch"),
            answered.label("answered_epoch"),
            (answered - created).label("wait"),
            col(first.organisation).label("organisation"),
        )
        .outerjoin(first, col(first.id) == Concern.first_answer_id)
        .where(*where)
        .subquery("covered")
    )


def _headline(session: Session, covered: Subquery) -> tuple[int, int, int, int | None, list[Count]]:
    c = covered.c
    lower = 0
    buckets = []
    for key, limit in WAIT_LIMITS:
        in_bucket = and_(c.wait > lower, c.wait <= limit) if lower else c.wait <= limit
        buckets.append(func.count(c.id).filter(in_bucket).label(key))
        lower = limit
    buckets.append(func.count(c.id).filter(c.wait > lower).label(LONGER))
    buckets.append(func.count(c.id).filter(c.wait.is_(None)).label(NO_ANSWER))
    row = session.execute(
        select(
            func.count(c.id),
            func.count(c.wait),
            func.count(c.id).filter(c.wait <= ANSWERED_WITHIN),
            func.min(c.created_epoch),
            *buckets,
        )
    ).one()
    total, answered, within, first_epoch, *bucket_counts = row
    keys = [key for key, _ in WAIT_LIMITS] + [LONGER, NO_ANSWER]
    waits = [Count(key, count) for key, count in zip(keys, bucket_counts, strict=True)]
    return total, answered, within, first_epoch, waits


def _breakdowns(
    session: Session,
    where: list[ColumnElement[bool]],
    audiences: Sequence[Audience],
    topics: Sequence[Topic],
) -> tuple[list[Count], list[Count], list[Count], list[Count], list[Count]]:
    """Counts by status, source, language, topic and audience, in one query."""

    def by(name: str, key: Any) -> Any:
        return (
            select(literal_column(f"'{name}'", String), cast(key, String), func.count())
            .where(*where)
            .group_by(key)
        )

    tagged = exists().where(col(ConcernAudience.concern_id) == Concern.id)
    rows = session.execute(
        union_all(
            by("status", col(Concern.status)),
            by("source", col(Concern.source)),
            by("language", col(Concern.language)),
            by("topic", col(Concern.topic_id)),
            select(
                literal_column("'audience'", String),
                cast(ConcernAudience.audience_id, String),
                func.count(),
            )
            .select_from(Concern)
            .join(ConcernAudience, col(ConcernAudience.concern_id) == Concern.id)
            .where(*where)
            .group_by(col(ConcernAudience.audience_id)),
            select(literal_column("'audience'", String), cast(None, String), func.count()).where(
                *where, ~tagged
            ),
        )
    ).all()
    found: dict[str, dict[str, int]] = {}
    for dimension, key, count in rows:
        if count:
            found.setdefault(dimension, {})[key or ""] = count
    topic_counts = found.get("topic", {})
    audience_counts = found.get("audience", {})
    languages = found.get("language", {})
    return (
        [Count(s.value, found.get("status", {}).get(s.value, 0)) for s in Status],
        [Count(s.value, found.get("source", {}).get(s.value, 0)) for s in Source],
        [
            Count(language, languages[language])
            for language in sorted(languages, key=lambda code: (-languages[code], code))
        ],
        [Count(t.slug, topic_counts.get(str(t.id), 0), t.name) for t in topics]
        + [Count("", topic_counts.get("", 0))],
        [Count(a.slug, audience_counts.get(str(a.id), 0), a.name) for a in audiences]
        + [Count("", audience_counts.get("", 0))],
    )


def _by_service(session: Session, region_id: int, where: list[ColumnElement[bool]]) -> list[Count]:
    """Counts by the piloted service the concerns are about, each named in the region's
    language; empty for a region that describes no service."""
    region = session.get(Region, region_id)
    assert region is not None
    services = region_services(session, region_id, region.default_locale, region.default_locale)
    if not services:
        return []
    key = col(Concern.service_id)
    counts = dict(session.execute(select(key, func.count()).where(*where).group_by(key)).all())
    return [Count(card.slug, counts.get(card.service.id, 0), card.name) for card in services] + [
        Count("", counts.get(None, 0))
    ]


def _answer_times(
    session: Session, covered: Subquery
) -> tuple[AnswerTimes, list[OrganisationFigures]]:
    """The median and 90th percentile overall and per organisation, in one query: window
    functions rank the waits, and only the rows next to each percentile's position come back."""
    c = covered.c
    within = func.sum(case((c.wait <= ANSWERED_WITHIN, 1), else_=0))
    ranked = (
        select(
            c.organisation,
            c.wait,
            (func.row_number().over(order_by=c.wait) - 1).label("all_index"),
            func.count().over().label("all_n"),
            (func.row_number().over(partition_by=c.organisation, order_by=c.wait) - 1).label(
                "org_index"
            ),
            func.count().over(partition_by=c.organisation).label("org_n"),
            within.over(partition_by=c.organisation).label("org_within"),
        )
        .where(c.wait.is_not(None))
        .subquery("ranked_waits")
    )
    r = ranked.c

    def near_percentiles(index: Any, n: Any) -> Any:
        positions = [(p * (n - 1)) // 100 for p in (MEDIAN, NINETIETH)]
        return or_(*(index == at for at in positions), *(index == at + 1 for at in positions))

    rows = session.execute(
        select(r.organisation, r.wait, r.all_index, r.all_n, r.org_index, r.org_n, r.org_within)
        .where(or_(near_percentiles(r.all_index, r.all_n), near_percentiles(r.org_index, r.org_n)))
        .order_by(r.all_index)
    ).all()
    overall: dict[int, int] = {}
    overall_n = 0
    per_organisation: dict[str | None, tuple[int, int, dict[int, int]]] = {}
    for organisation, wait, all_index, all_n, org_index, org_n, org_within in rows:
        overall[all_index], overall_n = wait, all_n
        per_organisation.setdefault(organisation, (org_n, int(org_within), {}))[2][org_index] = wait
    times = _times(overall, overall_n, within=None)
    organisations = [
        OrganisationFigures(organisation, _times(sorted_at, n, within=within_count))
        for organisation, (n, within_count, sorted_at) in per_organisation.items()
    ]
    organisations.sort(
        key=lambda o: (-(o.times.answered or 0), o.organisation is None, o.organisation or "")
    )
    return times, organisations


def _times(sorted_at: dict[int, int], n: int, *, within: int | None) -> AnswerTimes:
    if not n:
        return AnswerTimes(0, within, None, None)
    median, p90 = (interpolate(sorted_at, n, p) / HOUR for p in (MEDIAN, NINETIETH))
    return AnswerTimes(n, within, median, p90)


def _oldest_unanswered(session: Session, covered: Subquery) -> list[ConcernLine]:
    c = covered.c
    rows = session.execute(
        select(c.id, c.title, c.created_at, c.support_count)
        .where(c.wait.is_(None), c.status == Status.open.value)
        .order_by(c.created_at, c.id)
        .limit(LIST_LENGTH)
    ).all()
    return [ConcernLine(*row) for row in rows]


def _most_supported(session: Session, where: list[ColumnElement[bool]]) -> list[ConcernLine]:
    rows = session.execute(
        select(
            col(Concern.id), col(Concern.title), col(Concern.created_at), col(Concern.support_count)
        )
        .where(*where, col(Concern.support_count) > 0)
        .order_by(col(Concern.support_count).desc(), col(Concern.created_at), col(Concern.id))
        .limit(LIST_LENGTH)
    ).all()
    return [ConcernLine(*row) for row in rows]


def _weeks(
    session: Session,
    covered: Subquery,
    filters: Filters,
    first_epoch: int | None,
    today: date,
) -> list[Week]:
    """New concerns and first official answers, week by week, from the first week with a
    concern (or the first day asked for, if later) to the last day asked for (or this week)."""
    if first_epoch is None:
        return []
    c = covered.c

    def per_week(kind: str, epoch: Any) -> Any:
        week = (epoch - FIRST_MONDAY_EPOCH) // WEEK
        return (
            select(literal_column(f"'{kind}'", String), week, func.count())
            .where(epoch.is_not(None))
            .group_by(week)
        )

    rows = session.execute(
        union_all(per_week("new", c.created_epoch), per_week("answered", c.answered_epoch))
    ).all()
    counts = {(kind, int(week)): count for kind, week, count in rows}
    first = (first_epoch - FIRST_MONDAY_EPOCH) // WEEK
    if filters.since:
        first = max(first, week_index(filters.since))
    last = week_index(min(filters.until, today) if filters.until else today)
    return [
        Week(monday_of(index), counts.get(("new", index), 0), counts.get(("answered", index), 0))
        for index in range(first, last + 1)
    ]
