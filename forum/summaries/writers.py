"""A region's export as CSV or JSON, streamed (Excel is in xlsx.py); the formats by name.

The columns and the JSON's shape are described in records.py.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from forum.summaries.figures import SMALL_COUNT, Count
from forum.summaries.filters import SHOW, SUPPRESS, Filters
from forum.summaries.records import COLUMNS, ConcernRecord, Export, hours_figure
from forum.summaries.xlsx import neutralise, xlsx_chunks

SCHEMA = 1
PERCENTILE_METHOD = "linear interpolation between closest ranks (numpy default, PERCENTILE.INC)"
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


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
            "median": hours_figure(summary.times.median_hours),
            "p90": hours_figure(summary.times.p90_hours),
            "method": PERCENTILE_METHOD,
        },
        "small_counts_hidden": summary.small_counts_hidden,
        "small_count_limit": SMALL_COUNT,
        "by_status": _by(summary.by_status),
        "by_audience": _by(summary.by_audience),
        "by_topic": _by(summary.by_topic),
        "by_language": _by(summary.by_language),
        "by_source": _by(summary.by_source),
        "by_service": _by(summary.by_service),
        "waits": _by(summary.waits),
        "organisations": [
            {
                "organisation": figures.organisation,
                "answered": figures.times.answered,
                "answered_within_7_days": figures.times.within_week,
                "share_answered_within_7_days": _share(figures.share_within_week),
                "median_hours": hours_figure(figures.times.median_hours),
                "p90_hours": hours_figure(figures.times.p90_hours),
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


WRITERS: dict[str, Callable[[Export], Iterator[bytes]]] = {
    "csv": csv_chunks,
    "xlsx": xlsx_chunks,
    "json": json_chunks,
}
