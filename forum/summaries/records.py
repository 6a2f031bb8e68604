"""The rows of a region's export: one record per concern, read in batches, with its authors as
pseudonyms. writers.py and xlsx.py turn them (and the summary) into CSV, JSON or Excel.

One row per concern, with these columns (COLUMNS), the same in every format:

    id, url, region, created_at, author, title, body, language, topic, service, audiences, status,
    source, supports, replies, official_answers, first_official_answer_at,
    hours_to_first_official_answer, answering_organisations, resolved_at

- Times are UTC. `topic`, `service` (the piloted service it is about), `audiences`, `status`,
  `source` are slugs; `language` a locale code.
- `author` is a pseudonym ("person-3f9a0c12be47"): the same person has the same one throughout
  one export and another in the next, so exports cannot be joined to find someone. No names,
  no email addresses, nothing a moderator recorded about a person met at a meeting.
- Hidden concerns are left out; hidden replies are not counted, and an official answer that
  was hidden is neither the first answer nor an answering organisation.
- `replies` counts every visible reply, official answers included; `official_answers` only those.
- CSV: UTF-8 with a byte-order mark (so that Excel reads the accents right), RFC 4180 quoting,
  CRLF line ends; lists are joined with "; ". XLSX: a "Summary" sheet and a "Concerns" sheet
  with real dates, a frozen header row and set column widths. In both, a text cell that a
  spreadsheet would run as a formula (it starts with = + - @, a tab or a carriage return) gets
  a leading apostrophe.
- JSON, schema 1: {"schema": 1, "region": {"slug", "name"}, "exported_at", "filters":
  {"since", "until", "audience", "topic", "small_counts"}, "summary": {...}, "concerns": [...]}.
  The summary holds the figures of the summary page (see `summary_record`); a count hidden
  because it was below 5 is null. Texts are as people wrote them (no apostrophes added).

Rows are read in keyset batches of BATCH_SIZE concerns (id > last id), from a session of their
own, so an export of 100,000 concerns never holds them all in memory. Concerns raised after the
export began wait for the next one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, Row, func, select
from sqlmodel import Session, col

from forum.i18n import Translator
from forum.models import Audience, Concern, ConcernAudience, Region, Reply, Topic
from forum.piloted.queries import services_of
from forum.summaries.figures import Summary
from forum.summaries.filters import Filters
from forum.summaries.numbers import conditions, summarise

BATCH_SIZE = 1000
COLUMNS = (
    "id",
    "url",
    "region",
    "created_at",
    "author",
    "title",
    "body",
    "language",
    "topic",
    "service",
    "audiences",
    "status",
    "source",
    "supports",
    "replies",
    "official_answers",
    "first_official_answer_at",
    "hours_to_first_official_answer",
    "answering_organisations",
    "resolved_at",
)
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ConcernRecord:
    """One concern as exported."""

    id: int
    url: str
    region: str
    created_at: datetime
    author: str
    title: str
    body: str
    language: str
    topic: str | None
    service: str | None
    audiences: list[str]
    status: str
    source: str
    supports: int
    replies: int
    official_answers: int
    first_official_answer_at: datetime | None
    hours_to_first_official_answer: float | None
    answering_organisations: list[str]
    resolved_at: datetime | None

    def values(self) -> list[Any]:
        return [getattr(self, name) for name in COLUMNS]


class Pseudonyms:
    """A stable name per person within one export: an HMAC of their id with a key made for
    this export alone and then forgotten."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(32)

    def __call__(self, user_id: int) -> str:
        digest = hmac.new(self._key, str(user_id).encode(), hashlib.sha256).hexdigest()
        return f"person-{digest[:12]}"


@dataclass
class Export:
    """Everything a format needs: the summary, computed first, and a way to read the rows."""

    engine: Engine
    region: Region
    filters: Filters
    summary: Summary
    base_url: str
    i18n: Translator
    upper_id: int
    topics: dict[int, str]
    services: dict[int, str] = field(default_factory=dict)
    exported_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    pseudonyms: Pseudonyms = field(default_factory=Pseudonyms)
    batch_size: int = BATCH_SIZE
    progress: Progress | None = None

    def url(self, concern_id: int) -> str:
        return f"{self.base_url.rstrip('/')}/c/{concern_id}"

    def records(self) -> Iterator[ConcernRecord]:
        """Every concern, in batches read from a session of the export's own."""
        assert self.region.id is not None
        where = conditions(self.region.id, self.filters, by_id=True)
        after, done = 0, 0
        with Session(self.engine) as session:
            while True:
                batch = self._batch(session, where, after)
                if not batch:
                    break
                yield from batch
                after, done = batch[-1].id, done + len(batch)
                if self.progress:
                    self.progress(done, self.summary.total)

    def _batch(self, session: Session, where: list[Any], after: int) -> list[ConcernRecord]:
        rows = session.execute(
            select(*BATCH_COLUMNS)
            .where(*where, col(Concern.id) > after, col(Concern.id) <= self.upper_id)
            .order_by(col(Concern.id))
            .limit(self.batch_size)
        ).all()
        if not rows:
            return []
        in_batch = [*where, col(Concern.id) >= rows[0].id, col(Concern.id) <= rows[-1].id]
        around = _Around(
            _audiences(session, in_batch),
            _reply_counts(session, in_batch),
            _organisations(session, in_batch),
        )
        return [self._record(row, around) for row in rows]

    def _record(self, row: Row[Any], around: _Around) -> ConcernRecord:
        reply_count, official_count, first_answer = around.replies.get(row.id, (0, 0, None))
        return ConcernRecord(
            id=row.id,
            url=self.url(row.id),
            region=self.region.slug,
            created_at=row.created_at,
            author=self.pseudonyms(row.author_id),
            title=row.title,
            body=row.body,
            language=row.language,
            topic=self.topics.get(row.topic_id) if row.topic_id else None,
            service=self.services.get(row.service_id) if row.service_id else None,
            audiences=around.audiences.get(row.id, []),
            status=row.status,
            source=row.source,
            supports=row.support_count,
            replies=reply_count,
            official_answers=official_count,
            first_official_answer_at=first_answer,
            hours_to_first_official_answer=_hours(row.created_at, first_answer),
            answering_organisations=around.organisations.get(row.id, []),
            resolved_at=row.resolved_at,
        )


BATCH_COLUMNS = (
    col(Concern.id),
    col(Concern.created_at),
    col(Concern.author_id),
    col(Concern.title),
    col(Concern.body),
    col(Concern.language),
    col(Concern.topic_id),
    col(Concern.service_id),
    col(Concern.status),
    col(Concern.source),
    col(Concern.support_count),
    col(Concern.resolved_at),
)


@dataclass(frozen=True)
class _Around:
    """What a batch's concerns have around them, by concern id."""

    audiences: dict[int, list[str]]
    replies: dict[int, tuple[int, int, datetime | None]]
    organisations: dict[int, list[str]]


def prepare(
    session: Session,
    engine: Engine,
    region: Region,
    filters: Filters,
    *,
    audiences: Sequence[Audience],
    topics: Sequence[Topic],
    base_url: str,
    i18n: Translator,
    progress: Progress | None = None,
) -> Export:
    """The summary and the newest concern's id now; the rows are read as the export streams."""
    assert region.id is not None
    summary = summarise(session, region.id, filters, audiences=audiences, topics=topics)
    upper_id = session.execute(select(func.max(Concern.id))).scalar() or 0
    slugs = {topic.id: topic.slug for topic in topics if topic.id is not None}
    export = Export(engine, region, filters, summary, base_url, i18n, upper_id, slugs)
    export.services = {s.id: s.slug for s in services_of(session, region.id) if s.id is not None}
    export.progress = progress
    return export


def _audiences(session: Session, in_batch: list[Any]) -> dict[int, list[str]]:
    rows = session.execute(
        select(col(ConcernAudience.concern_id), col(Audience.slug))
        .select_from(Concern)
        .join(ConcernAudience, col(ConcernAudience.concern_id) == Concern.id)
        .join(Audience, col(Audience.id) == ConcernAudience.audience_id)
        .where(*in_batch)
        .order_by(col(ConcernAudience.concern_id), col(Audience.id))
    ).all()
    found: dict[int, list[str]] = {}
    for concern_id, slug in rows:
        found.setdefault(concern_id, []).append(slug)
    return found


def _reply_counts(
    session: Session, in_batch: list[Any]
) -> dict[int, tuple[int, int, datetime | None]]:
    """Visible replies, official answers among them, and the first official answer's time."""
    official = col(Reply.official)
    rows = session.execute(
        select(
            col(Reply.concern_id),
            func.count(),
            func.count().filter(official),
            func.min(col(Reply.created_at)).filter(official),
        )
        .join(Concern, col(Concern.id) == Reply.concern_id)
        .where(*in_batch, col(Reply.hidden).is_(False))
        .group_by(col(Reply.concern_id))
    ).all()
    return {concern_id: (count, officials, first) for concern_id, count, officials, first in rows}


def _organisations(session: Session, in_batch: list[Any]) -> dict[int, list[str]]:
    """The organisations that answered officially, in the order of their first answer."""
    first = func.min(col(Reply.created_at))
    rows = session.execute(
        select(col(Reply.concern_id), col(Reply.organisation), first)
        .join(Concern, col(Concern.id) == Reply.concern_id)
        .where(
            *in_batch,
            # Not "official = true": SQLite would walk the (official, created_at, id) index,
            # every official answer of every region, for each batch (27 s of a 32 s export of
            # 20,000 concerns), instead of the batch's concerns' replies.
            col(Reply.official).is_not(False),
            col(Reply.hidden).is_(False),
            col(Reply.organisation).is_not(None),
        )
        .group_by(col(Reply.concern_id), col(Reply.organisation))
        .order_by(col(Reply.concern_id), first, col(Reply.organisation))
    ).all()
    found: dict[int, list[str]] = {}
    for concern_id, organisation, _ in rows:
        found.setdefault(concern_id, []).append(organisation)
    return found


def _hours(created_at: datetime, answered_at: datetime | None) -> float | None:
    """Hours between two moments counted in whole seconds, as the summary counts them."""
    if answered_at is None:
        return None
    seconds = int(answered_at.timestamp()) - int(created_at.timestamp())
    return round(seconds / 3600, 2)


def hours_figure(value: float | None) -> float | None:
    """Hours as the exports show them: two decimals."""
    return None if value is None else round(value, 2)
