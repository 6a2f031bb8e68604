"""A region's export as an Excel workbook: a "Summary" sheet with the summary page's figures,
in the reader's language, one function per section, and a "Concerns" sheet with a row per
concern (records.py), real dates, a frozen header row and set column widths.

XlsxWriter writes it in constant-memory mode: each row goes to a temporary file as it is
written, so a sheet of 100,000 concerns is never held. Every cell is written as what it is
(a text stays a text, never a formula, a number or a link).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import IO, Any

from xlsxwriter import Workbook
from xlsxwriter.worksheet import Worksheet

from forum import labels
from forum.i18n import N_, Message
from forum.summaries.charts import Wording
from forum.summaries.figures import SMALL_COUNT
from forum.summaries.records import COLUMNS, Export, hours_figure

CHUNK = 64 * 1024
WIDTHS = (8, 30, 14, 18, 22, 40, 60, 8, 16, 28, 10, 9, 9, 9, 9, 18, 12, 30, 18)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The control characters XML 1.0 cannot hold, which a workbook's sheets are written in.
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Workbook options: texts are written as texts, whatever they look like.
AS_WRITTEN = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}


def neutralise(text: str) -> str:
    """A text a spreadsheet would run as a formula, made plain text by a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def xlsx_chunks(export: Export) -> Iterator[bytes]:
    """The workbook is written to a temporary file, then sent in chunks."""
    with tempfile.TemporaryFile() as file:
        write_xlsx(export, file)
        file.seek(0)
        while chunk := file.read(CHUNK):
            yield chunk


def write_xlsx(export: Export, file: IO[bytes]) -> None:
    with Workbook(file, AS_WRITTEN) as book:
        cells = Cells(book)
        summary = Sheet(book, cells, export)
        for section in (_about, _in_numbers, _breakdowns, _organisations, _weeks, _lists):
            section(summary, export)
        sheet = book.add_worksheet("Concerns")
        sheet.freeze_panes(1, 0)
        for number, width in enumerate(WIDTHS):
            sheet.set_column(number, number, width)
        sheet.write_row(0, 0, [neutralise(name) for name in COLUMNS], cells.bold)
        for row, record in enumerate(export.records(), 1):
            cells.write(sheet, row, record.values())


class Cells:
    """How a row's values are written: texts as texts, times and days as dates."""

    def __init__(self, book: Workbook) -> None:
        self.bold = book.add_format({"bold": True})
        self.moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.day = book.add_format({"num_format": "yyyy-mm-dd"})
        self.percent = book.add_format({"num_format": "0%"})

    def write(self, sheet: Worksheet, row: int, values: list[Any]) -> None:
        for column, value in enumerate(values):
            if value is None or value == "" or value == []:
                continue  # an empty cell
            if isinstance(value, datetime):
                moment = value.astimezone(UTC).replace(tzinfo=None)
                sheet.write_datetime(row, column, moment, self.moment)
            elif isinstance(value, date):
                sheet.write_datetime(row, column, value, self.day)
            elif isinstance(value, Share):
                sheet.write_number(row, column, value, self.percent)
            elif isinstance(value, int | float):
                sheet.write_number(row, column, value)
            else:
                text = "; ".join(value) if isinstance(value, list) else str(value)
                sheet.write_string(row, column, neutralise(ILLEGAL_CHARACTERS.sub("", text)))


class Share(float):
    """A share of the concerns, shown as a percentage."""


class Sheet:
    """The summary sheet being written: rows, headings, counts and shares, translated."""

    def __init__(self, book: Workbook, cells: Cells, export: Export) -> None:
        self.sheet = book.add_worksheet("Summary")
        self.cells = cells
        self.t = export.i18n.message
        self.rows = 0
        self.sheet.set_column(0, 0, 48)
        self.sheet.set_column(1, 4, 18)

    def row(self, *values: Any) -> None:
        self.cells.write(self.sheet, self.rows, list(values))
        self.rows += 1

    def title(self, text: Message, *columns: Message) -> None:
        names = [neutralise(self.t(name)) for name in (text, *columns)]
        self.sheet.write_row(self.rows, 0, names, self.cells.bold)
        self.rows += 1

    def heading(self, text: Message, *columns: Message) -> None:
        self.rows += 1  # a blank row before it
        self.title(text, *columns)

    def count(self, value: int | None) -> int | str:
        """A count, or "<5" where it was hidden to protect people in small places."""
        return f"<{SMALL_COUNT}" if value is None else value

    def share(self, value: float | None) -> Share | None:
        return None if value is None else Share(round(value, 4))


def _about(sheet: Sheet, export: Export) -> None:
    """What the summary is of: the region, the period, the audience and topic, when."""
    t, filters = sheet.t, export.filters
    sheet.title(N_("Summary of the concerns in %(region)s", region=export.region.name))
    sheet.row(t(N_("Region")), export.region.name)
    sheet.row(t(N_("First day")), filters.since or t(N_("the first concern")))
    sheet.row(t(N_("Last day")), filters.until or t(N_("the day of the export")))
    audience, topic = filters.audience, filters.topic
    who = labels.label(labels.AUDIENCE, audience.slug, audience.name) if audience else None
    sheet.row(t(N_("Who should answer")), t(who) if who else t(N_("Everyone")))
    about = labels.label(labels.TOPIC, topic.slug, topic.name) if topic else None
    sheet.row(t(N_("Topic")), t(about) if about else t(N_("All topics")))
    sheet.row(t(N_("Date of this summary")), export.exported_at)
    sheet.row(t(N_("Times are in universal time (UTC).")))
    if export.summary.small_counts_hidden:
        sheet.row(t(N_("Counts below 5 are hidden, to protect people in small places.")))


def _in_numbers(sheet: Sheet, export: Export) -> None:
    t, summary = sheet.t, export.summary
    sheet.heading(N_("In numbers"), N_("Concerns"), N_("Percentage"))
    sheet.row(t(N_("Concerns raised")), summary.total)
    answered, within = summary.times.answered, summary.times.within_week
    sheet.row(t(N_("With an official answer")), answered, sheet.share(summary.share_answered))
    sheet.row(t(N_("Answered within 7 days")), within, sheet.share(summary.share_within_week))
    median, p90 = summary.times.median_hours, summary.times.p90_hours
    sheet.row(t(N_("Half had an official answer within (hours)")), hours_figure(median))
    sheet.row(t(N_("9 in 10 had an official answer within (hours)")), hours_figure(p90))


def _breakdowns(sheet: Sheet, export: Export) -> None:
    summary, wording = export.summary, Wording(export.i18n)
    for dimension, title, lines in (
        ("status", N_("By status"), summary.by_status),
        ("audience", N_("By who should answer"), summary.by_audience),
        ("topic", N_("By topic"), summary.by_topic),
        ("language", N_("By language"), summary.by_language),
        ("source", N_("How the concerns reached us"), summary.by_source),
        ("service", N_("By service"), summary.by_service),
        ("wait", N_("How long people waited for a first official answer"), summary.waits),
    ):
        sheet.heading(title, N_("Concerns"))
        for line in lines:
            sheet.row(wording.name(dimension, line), sheet.count(line.count))


def _organisations(sheet: Sheet, export: Export) -> None:
    sheet.heading(
        N_("By partner organisation"),
        N_("Concerns where it gave the first official answer"),
        N_("Half within (hours)"),
        N_("9 in 10 within (hours)"),
        N_("Answered within 7 days"),
    )
    for figures in export.summary.organisations:
        times = figures.times
        sheet.row(
            figures.organisation or sheet.t(N_("No organisation given")),
            sheet.count(times.answered),
            hours_figure(times.median_hours),
            hours_figure(times.p90_hours),
            sheet.count(times.within_week),
        )


def _weeks(sheet: Sheet, export: Export) -> None:
    sheet.heading(N_("Week by week"), N_("New concerns"), N_("Answered concerns"))
    for week in export.summary.weeks:
        sheet.row(week.monday, sheet.count(week.new), sheet.count(week.answered))


def _lists(sheet: Sheet, export: Export) -> None:
    summary = export.summary
    sheet.heading(N_("Waiting longest for an answer"), N_("Number"), N_("Raised on"))
    for waiting in summary.oldest_unanswered:
        sheet.row(waiting.title, waiting.id, waiting.created_at)
    sheet.heading(N_("Most “me too”"), N_("Number"), N_("Number of “me too”"))
    for supported in summary.most_supported:
        sheet.row(supported.title, supported.id, supported.support_count)
