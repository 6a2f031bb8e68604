"""A region's export as an Excel workbook: a "Summary" sheet with the summary page's figures,
in the reader's language, one function per section, and a "Concerns" sheet with a row per
concern (records.py), real dates, a frozen header row and set column widths."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from forum import labels
from forum.i18n import N_, Message
from forum.summaries.charts import Wording
from forum.summaries.figures import SMALL_COUNT
from forum.summaries.records import COLUMNS, Export, hours_figure

CHUNK = 64 * 1024
WIDTHS = (8, 30, 14, 18, 22, 40, 60, 8, 16, 28, 10, 9, 9, 9, 9, 18, 12, 30, 18)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A text a spreadsheet would run as a formula, made plain text by a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def xlsx_chunks(export: Export) -> Iterator[bytes]:
    """The workbook is written to a temporary file (openpyxl's write-only mode keeps only a
    row at a time), then sent in chunks."""
    with tempfile.TemporaryFile() as file:
        write_xlsx(export, file)
        file.seek(0)
        while chunk := file.read(CHUNK):
            yield chunk


def write_xlsx(export: Export, file: IO[bytes]) -> None:
    book = Workbook(write_only=True)
    summary = Sheet(book.create_sheet("Summary"), export)
    for section in (_about, _in_numbers, _breakdowns, _organisations, _weeks, _lists):
        section(summary, export)
    sheet = book.create_sheet("Concerns")
    sheet.freeze_panes = "A2"
    for number, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.append([_bold(sheet, name) for name in COLUMNS])
    for record in export.records():
        sheet.append([_cell(sheet, value) for value in record.values()])
    book.save(file)


def _cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
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


class Sheet:
    """The summary sheet being written: rows, headings, counts and shares, translated."""

    def __init__(self, sheet: WriteOnlyWorksheet, export: Export) -> None:
        self.sheet = sheet
        self.t = export.i18n.message
        sheet.column_dimensions["A"].width = 48
        for letter in "BCDE":
            sheet.column_dimensions[letter].width = 18

    def row(self, *values: Any) -> None:
        self.sheet.append([_cell(self.sheet, value) for value in values])

    def title(self, text: Message) -> None:
        self.sheet.append([_bold(self.sheet, self.t(text))])

    def heading(self, text: Message, *columns: Message) -> None:
        self.sheet.append([])
        self.sheet.append([_bold(self.sheet, self.t(name)) for name in (text, *columns)])

    def count(self, value: int | None) -> int | str:
        """A count, or "<5" where it was hidden to protect people in small places."""
        return f"<{SMALL_COUNT}" if value is None else value

    def share(self, value: float | None) -> Any:
        if value is None:
            return None
        cell = WriteOnlyCell(self.sheet, value=round(value, 4))
        cell.number_format = "0%"
        return cell


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
