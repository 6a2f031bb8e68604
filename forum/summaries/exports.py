"""A region's concerns and summary as CSV, Excel (XLSX) or JSON, streamed.

One row per concern, with these columns (COLUMNS), the same in every format:

    id, url, region, created_at, author, title, body, language, topic, audiences, status,
    source, supports, replies, official_answers, first_official_answer_at,
    hours_to_first_official_answer, answering_organisations, resolved_at

- Times are UTC. `topic`, `audiences`, `status`, `source` are slugs; `language` a locale code.
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

import csv
import hashlib
import hmac
import io
import json
import re
import secrets
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import Engine, func, select
from sqlmodel import Session, col

from forum import labels
from forum.i18n import N_, Translator
from forum.models import Audience, Concern, ConcernAudience, Region, Reply, Topic
from forum.summaries.charts import Wording
from forum.summaries.filters import SHOW, SUPPRESS, Filters
from forum.summaries.numbers import SMALL_COUNT, Count, Summary, conditions, summarise

SCHEMA = 1
BATCH_SIZE = 1000
CHUNK = 64 * 1024
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
WIDTHS = (8, 30, 14, 18, 22, 40, 60, 8, 16, 28, 10, 9, 9, 9, 9, 18, 12, 30, 18)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PERCENTILE_METHOD = "linear interpolation between closest ranks (numpy default, PERCENTILE.INC)"
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
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
            select(
                col(Concern.id),
                col(Concern.created_at),
                col(Concern.author_id),
                col(Concern.title),
                col(Concern.body),
                col(Concern.language),
                col(Concern.topic_id),
                col(Concern.status),
                col(Concern.source),
                col(Concern.support_count),
                col(Concern.resolved_at),
            )
            .where(*where, col(Concern.id) > after, col(Concern.id) <= self.upper_id)
            .order_by(col(Concern.id))
            .limit(self.batch_size)
        ).all()
        if not rows:
            return []
        in_batch = [*where, col(Concern.id) >= rows[0][0], col(Concern.id) <= rows[-1][0]]
        audiences = _audiences(session, in_batch)
        replies = _reply_counts(session, in_batch)
        organisations = _organisations(session, in_batch)
        records = []
        for (
            concern_id,
            created_at,
            author_id,
            title,
            body,
            language,
            topic_id,
            status,
            source,
            supports,
            resolved_at,
        ) in rows:
            reply_count, official_count, first_answer = replies.get(concern_id, (0, 0, None))
            records.append(
                ConcernRecord(
                    id=concern_id,
                    url=self.url(concern_id),
                    region=self.region.slug,
                    created_at=created_at,
                    author=self.pseudonyms(author_id),
                    title=title,
                    body=body,
                    language=language,
                    topic=self.topics.get(topic_id) if topic_id else None,
                    audiences=audiences.get(concern_id, []),
                    status=status,
                    source=source,
                    supports=supports,
                    replies=reply_count,
                    official_answers=official_count,
                    first_official_answer_at=first_answer,
                    hours_to_first_official_answer=_hours(created_at, first_answer),
                    answering_organisations=organisations.get(concern_id, []),
                    resolved_at=resolved_at,
                )
            )
        return records


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
    return Export(
        engine=engine,
        region=region,
        filters=filters,
        summary=summary,
        base_url=base_url,
        i18n=i18n,
        upper_id=upper_id,
        topics={topic.id: topic.slug for topic in topics if topic.id is not None},
        progress=progress,
    )


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


def neutralise(text: str) -> str:
    """A text a spreadsheet would run as a formula, made plain text by a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def filename(export: Export, format: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", export.region.slug) or "region"
    return f"agora-{slug}-{export.exported_at:%Y-%m-%d}.{format}"


# CSV


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, list):
        value = "; ".join(value)
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def csv_chunks(export: Export) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # the "excel" dialect: RFC 4180 quoting, CRLF line ends
    buffer.write("\ufeff")
    writer.writerow(COLUMNS)
    for number, record in enumerate(export.records(), 1):
        writer.writerow([_csv_cell(value) for value in record.values()])
        if number % 500 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


# JSON


def _json_time(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def _json_record(record: ConcernRecord) -> dict[str, Any]:
    values = dict(zip(COLUMNS, record.values(), strict=True))
    for name in ("created_at", "first_official_answer_at", "resolved_at"):
        values[name] = _json_time(values[name])
    return values


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _hours_figure(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _by(lines: list[Count]) -> dict[str, int | None]:
    return {line.key or "none": line.count for line in lines}


def summary_record(export: Export) -> dict[str, Any]:
    """The figures of the summary page, as data (the JSON's "summary")."""
    summary = export.summary
    return {
        "concerns": summary.total,
        "with_official_answer": summary.times.answered,
        "share_with_official_answer": _share(summary.share_answered),
        "answered_within_7_days": summary.times.within_week,
        "share_answered_within_7_days": _share(summary.share_within_week),
        "hours_to_first_official_answer": {
            "median": _hours_figure(summary.times.median_hours),
            "p90": _hours_figure(summary.times.p90_hours),
            "method": PERCENTILE_METHOD,
        },
        "small_counts_hidden": summary.small_counts_hidden,
        "small_count_limit": SMALL_COUNT,
        "by_status": _by(summary.by_status),
        "by_audience": _by(summary.by_audience),
        "by_topic": _by(summary.by_topic),
        "by_language": _by(summary.by_language),
        "by_source": _by(summary.by_source),
        "waits": _by(summary.waits),
        "organisations": [
            {
                "organisation": figures.organisation,
                "answered": figures.times.answered,
                "answered_within_7_days": figures.times.within_week,
                "share_answered_within_7_days": _share(figures.share_within_week),
                "median_hours": _hours_figure(figures.times.median_hours),
                "p90_hours": _hours_figure(figures.times.p90_hours),
            }
            for figures in summary.organisations
        ],
        "oldest_unanswered": [
            {
                "id": line.id,
                "url": export.url(line.id),
                "title": line.title,
                "created_at": _json_time(line.created_at),
            }
            for line in summary.oldest_unanswered
        ],
        "most_supported": [
            {
                "id": line.id,
                "url": export.url(line.id),
                "title": line.title,
                "supports": line.support_count,
            }
            for line in summary.most_supported
        ],
        "weeks": [
            {"week": week.monday.isoformat(), "new": week.new, "answered": week.answered}
            for week in summary.weeks
        ],
    }


def _filters_record(filters: Filters) -> dict[str, Any]:
    return {
        "since": filters.since.isoformat() if filters.since else None,
        "until": filters.until.isoformat() if filters.until else None,
        "audience": filters.audience.slug if filters.audience else None,
        "topic": filters.topic.slug if filters.topic else None,
        "small_counts": SUPPRESS if filters.suppress_small_counts else SHOW,
    }


def json_chunks(export: Export) -> Iterator[bytes]:
    head = {
        "schema": SCHEMA,
        "region": {"slug": export.region.slug, "name": export.region.name},
        "exported_at": _json_time(export.exported_at),
        "filters": _filters_record(export.filters),
        "summary": summary_record(export),
    }
    opening = json.dumps(head, ensure_ascii=False)
    parts = [opening[:-1] + ', "concerns": [']
    for number, record in enumerate(export.records()):
        parts.append(
            ("\n" if number == 0 else ",\n") + json.dumps(_json_record(record), ensure_ascii=False)
        )
        if len(parts) >= 500:
            yield "".join(parts).encode("utf-8")
            parts.clear()
    parts.append("\n]}\n")
    yield "".join(parts).encode("utf-8")


# XLSX


def _xlsx_value(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value.astimezone(UTC).replace(tzinfo=None))
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if isinstance(value, list):
        value = "; ".join(value)
    if isinstance(value, str):
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def _bold(sheet: WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=neutralise(text))
    cell.font = Font(bold=True)
    return cell


def write_xlsx(export: Export, file: IO[bytes]) -> None:
    book = Workbook(write_only=True)
    _summary_sheet(export, book.create_sheet("Summary"))
    sheet = book.create_sheet("Concerns")
    sheet.freeze_panes = "A2"
    for number, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.append([_bold(sheet, name) for name in COLUMNS])
    for record in export.records():
        sheet.append([_xlsx_value(sheet, value) for value in record.values()])
    book.save(file)


def xlsx_chunks(export: Export) -> Iterator[bytes]:
    """The workbook is written to a temporary file (openpyxl's write-only mode keeps only a
    row at a time), then sent in chunks."""
    with tempfile.TemporaryFile() as file:
        write_xlsx(export, file)
        file.seek(0)
        while chunk := file.read(CHUNK):
            yield chunk


def _summary_sheet(export: Export, sheet: WriteOnlyWorksheet) -> None:
    """The summary page's figures, in the reader's language."""
    summary, t, wording = export.summary, export.i18n.message, Wording(export.i18n)
    sheet.column_dimensions["A"].width = 48
    for letter in "BCDE":
        sheet.column_dimensions[letter].width = 18

    def row(*values: Any) -> None:
        sheet.append([_xlsx_value(sheet, value) for value in values])

    def heading(text: str, *columns: str) -> None:
        sheet.append([])
        sheet.append([_bold(sheet, text), *(_bold(sheet, column) for column in columns)])

    def count(value: int | None) -> int | str:
        return f"<{SMALL_COUNT}" if value is None else value

    def share(value: float | None) -> Any:
        if value is None:
            return None
        cell = WriteOnlyCell(sheet, value=round(value, 4))
        cell.number_format = "0%"
        return cell

    filters = export.filters
    sheet.append(
        [_bold(sheet, t(N_("Summary of the concerns in %(region)s", region=export.region.name)))]
    )
    row(t(N_("Region")), export.region.name)
    row(t(N_("First day")), filters.since or t(N_("the first concern")))
    row(t(N_("Last day")), filters.until or t(N_("the day of the export")))
    audience = filters.audience
    row(
        t(N_("Who should answer")),
        t(labels.label(labels.AUDIENCE, audience.slug, audience.name))
        if audience
        else t(N_("Everyone")),
    )
    topic = filters.topic
    row(
        t(N_("Topic")),
        t(labels.label(labels.TOPIC, topic.slug, topic.name)) if topic else t(N_("All topics")),
    )
    row(t(N_("Date of this summary")), export.exported_at)
    row(t(N_("Times are in universal time (UTC).")))
    if summary.small_counts_hidden:
        row(t(N_("Counts below 5 are hidden, to protect people in small places.")))

    heading(t(N_("In numbers")), t(N_("Concerns")), t(N_("Percentage")))
    row(t(N_("Concerns raised")), summary.total)
    row(t(N_("With an official answer")), summary.times.answered, share(summary.share_answered))
    row(
        t(N_("Answered within 7 days")),
        summary.times.within_week,
        share(summary.share_within_week),
    )
    row(
        t(N_("Half had an official answer within (hours)")),
        _hours_figure(summary.times.median_hours),
    )
    row(
        t(N_("9 in 10 had an official answer within (hours)")),
        _hours_figure(summary.times.p90_hours),
    )

    for dimension, title, lines in (
        ("status", N_("By status"), summary.by_status),
        ("audience", N_("By who should answer"), summary.by_audience),
        ("topic", N_("By topic"), summary.by_topic),
        ("language", N_("By language"), summary.by_language),
        ("source", N_("How the concerns reached us"), summary.by_source),
        ("wait", N_("How long people waited for a first official answer"), summary.waits),
    ):
        heading(t(title), t(N_("Concerns")))
        for line in lines:
            row(wording.name(dimension, line), count(line.count))

    heading(
        t(N_("By partner organisation")),
        t(N_("Concerns where it gave the first official answer")),
        t(N_("Half within (hours)")),
        t(N_("9 in 10 within (hours)")),
        t(N_("Answered within 7 days")),
    )
    for figures in summary.organisations:
        times = figures.times
        row(
            figures.organisation or t(N_("No organisation given")),
            count(times.answered),
            _hours_figure(times.median_hours),
            _hours_figure(times.p90_hours),
            count(times.within_week),
        )

    heading(t(N_("Week by week")), t(N_("New concerns")), t(N_("Answered concerns")))
    for week in summary.weeks:
        row(week.monday, count(week.new), count(week.answered))

    heading(t(N_("Waiting longest for an answer")), t(N_("Number")), t(N_("Raised on")))
    for waiting in summary.oldest_unanswered:
        row(waiting.title, waiting.id, waiting.created_at)
    heading(t(N_("Most “me too”")), t(N_("Number")), t(N_("Number of “me too”")))
    for supported in summary.most_supported:
        row(supported.title, supported.id, supported.support_count)


WRITERS: dict[str, Callable[[Export], Iterator[bytes]]] = {
    "csv": csv_chunks,
    "xlsx": xlsx_chunks,
    "json": json_chunks,
}
