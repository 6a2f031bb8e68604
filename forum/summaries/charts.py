"""The summary's infographics, drawn on the server as inline SVG: no JavaScript, no library.

Each chart is an <svg role="img"> named by its <title> and <desc>, and carries the same
numbers as a table for screen readers. Bars are labelled with their words and numbers, and
the two series of the weekly trend differ by pattern (solid and hatched), so a chart reads the
same in black-and-white print. Widths are percentages of the page's width and text keeps the
page's size, so a chart fits a phone and a laptop alike. No inline styles: the page's
Content-Security-Policy forbids them; colours are SVG attributes, sizes come from agora.css.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from babel.numbers import format_percent
from babel.units import format_unit
from markupsafe import Markup

from forum import labels
from forum.i18n import N_, Message, Translator, autonym
from forum.summaries.figures import LONGER, NO_ANSWER, Count, Summary, Week

INK = "#1d5c3a"
SECOND = "#1a4d8f"
# The weekly trend shows at most this many weeks: the last ones of the period.
TREND_WEEKS = 52
BAR_ROW = 52
TREND_PLOT = 150
# The legend takes two lines, one under the other: side by side, a translated "Answered
# concerns" runs off a 320 px screen. The plot starts below it.
TREND_TOP = 64

NO_AUDIENCE = N_("Not chosen yet")
NO_TOPIC = N_("No topic")
NO_SERVICE = N_("No service")
WAITS: dict[str, Message] = {
    "day": N_("Within a day"),
    "three_days": N_("1 to 3 days"),
    "week": N_("3 to 7 days"),
    "two_weeks": N_("1 to 2 weeks"),
    "four_weeks": N_("2 to 4 weeks"),
    LONGER: N_("More than 4 weeks"),
    NO_ANSWER: N_("No official answer yet"),
}


class Wording:
    """Numbers, shares, durations and dates as a person reads them, in their language."""

    def __init__(self, i18n: Translator) -> None:
        self.i18n = i18n

    def count(self, value: int | None) -> str:
        if value is None:
            return self.i18n.message(N_("fewer than 5"))
        return self.i18n.number(value)

    def percent(self, value: float | None) -> str:
        if value is None:
            return self.i18n.message(N_("no concerns yet"))
        return format_percent(value, locale=self.i18n.babel)

    def hours(self, hours: float | None) -> str:
        """'5.5 hours' under two days, '3.2 days' from then on."""
        if hours is None:
            return self.i18n.message(N_("no answers yet"))
        if hours < 48:
            return format_unit(round(hours, 1), "duration-hour", locale=self.i18n.babel)
        return format_unit(round(hours / 24, 1), "duration-day", locale=self.i18n.babel)

    def time_of(self, hours: float | None) -> Markup:
        """The hours in words inside <time>, with the duration machines read (PT5H30M)."""
        if hours is None:
            return Markup("{}").format(self.hours(hours))
        minutes = round(hours * 60)
        return Markup('<time datetime="PT{}H{}M">{}</time>').format(
            minutes // 60, minutes % 60, self.hours(hours)
        )

    def day(self, day: date, format: str = "long") -> str:
        return format_date(day, format, locale=self.i18n.babel)

    def name(self, dimension: str, line: Count) -> str:
        """The words for one line of a breakdown."""
        message: Message | str
        if dimension == "status":
            message = labels.STATUS.get(line.key, line.key)
        elif dimension == "source":
            message = labels.SOURCE.get(line.key, line.key)
        elif dimension == "audience":
            message = (
                labels.label(labels.AUDIENCE, line.key, line.name) if line.key else NO_AUDIENCE
            )
        elif dimension == "service":
            return line.name if line.key and line.name else self.i18n.message(NO_SERVICE)
        elif dimension == "topic":
            message = labels.label(labels.TOPIC, line.key, line.name) if line.key else NO_TOPIC
        elif dimension == "wait":
            message = WAITS[line.key]
        else:  # a language, named in itself as on a concern's page
            return autonym(line.key)
        return self.i18n.message(message)


@dataclass(frozen=True)
class Chart:
    """A figure and the same numbers as a table."""

    id: str
    title: str
    description: str
    svg: Markup
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]


def bars(
    chart_id: str,
    title: str,
    description: str,
    headers: tuple[str, str],
    lines: Sequence[tuple[str, int | None]],
    wording: Wording,
) -> Chart:
    """Horizontal bars, each with its words and number written above it."""
    values = [value for _, value in lines]
    largest = max((value for value in values if value), default=0)
    parts = []
    for row, (name, value) in enumerate(lines):
        top = row * BAR_ROW
        parts.append(
            Markup('<text x="0" y="{}" class="chart-label">{}: {}</text>').format(
                top + 18, name, wording.count(value)
            )
        )
        if value and largest:
            width = max(round(100 * value / largest, 2), 0.5)
            parts.append(
                Markup(
                    '<rect x="0" y="{}" width="{}%" height="18" fill="{}" class="chart-bar"/>'
                ).format(top + 26, width, INK)
            )
    svg = _svg(chart_id, title, description, len(lines) * BAR_ROW, Markup("").join(parts))
    rows = [(name, wording.count(value)) for name, value in lines]
    return Chart(chart_id, title, description, svg, headers, rows)


def breakdown(
    chart_id: str,
    dimension: str,
    title: str,
    headers: tuple[str, str],
    lines: list[Count],
    wording: Wording,
    *,
    lead: str = "",
) -> Chart:
    """Bars for one breakdown of the summary; the description says every number, after
    `lead` when there is one."""
    named = [(wording.name(dimension, line), line.count) for line in lines]
    listed = "; ".join(f"{name}: {wording.count(value)}" for name, value in named) + "."
    description = f"{lead} {listed}" if lead else listed
    return bars(chart_id, title, description, headers, named, wording)


def by_audience(summary: Summary, wording: Wording) -> Chart:
    t = wording.i18n.message
    return breakdown(
        "chart-audience",
        "audience",
        t(N_("Concerns by who should answer")),
        (t(N_("Who should answer")), t(N_("Concerns"))),
        summary.by_audience,
        wording,
    )


def by_status(summary: Summary, wording: Wording) -> Chart:
    t = wording.i18n.message
    return breakdown(
        "chart-status",
        "status",
        t(N_("Concerns by status")),
        (t(N_("Status")), t(N_("Concerns"))),
        summary.by_status,
        wording,
    )


def answer_times(summary: Summary, wording: Wording) -> Chart:
    """How long people waited for a first official answer, in steps, with the median and the
    90th percentile said in words."""
    t = wording.i18n.message
    lead = t(
        N_(
            "Half of the answered concerns had an official answer within %(median)s, "
            "and 9 in 10 within %(p90)s.",
            median=wording.hours(summary.times.median_hours),
            p90=wording.hours(summary.times.p90_hours),
        )
    )
    return breakdown(
        "chart-waits",
        "wait",
        t(N_("How long people waited for a first official answer")),
        (t(N_("Time waited")), t(N_("Concerns"))),
        summary.waits,
        wording,
        lead=lead,
    )


def trend(summary: Summary, wording: Wording) -> Chart:
    """New concerns against first official answers, week by week: solid and hatched bars."""
    t = wording.i18n.message
    weeks = summary.weeks[-TREND_WEEKS:]
    title = t(N_("New concerns and official answers, week by week"))
    new_words, answered_words = t(N_("New concerns")), t(N_("Answered concerns"))
    headers = (t(N_("Week starting")), new_words, answered_words)
    rows = [
        (wording.day(week.monday, "short"), wording.count(week.new), wording.count(week.answered))
        for week in weeks
    ]
    if not weeks:
        description = t(N_("No concerns in this period."))
        return Chart(
            "chart-trend",
            title,
            description,
            _svg("chart-trend", title, description, 0, Markup("")),
            headers,
            rows,
        )
    description = t(
        N_(
            "Each week from %(first)s to %(last)s: a solid bar for the new concerns and a "
            "hatched bar for the concerns that had their first official answer. "
            "In all, %(new)s new and %(answered)s answered.",
            first=wording.day(weeks[0].monday, "short"),
            last=wording.day(weeks[-1].monday, "short"),
            new=wording.count(sum(week.new or 0 for week in weeks)),
            answered=wording.count(sum(week.answered or 0 for week in weeks)),
        )
    )
    svg = _svg(
        "chart-trend",
        title,
        description,
        TREND_TOP + TREND_PLOT + 40,
        _trend_marks(weeks, new_words, answered_words, wording),
    )
    return Chart("chart-trend", title, description, svg, headers, rows)


def _trend_marks(
    weeks: list[Week], new_words: str, answered_words: str, wording: Wording
) -> Markup:
    hatch = "chart-trend-hatch"
    largest = max([week.new or 0 for week in weeks] + [week.answered or 0 for week in weeks] + [1])
    slot = 100 / len(weeks)
    base = TREND_TOP + TREND_PLOT
    parts = [
        Markup(
            '<defs><pattern id="{0}" width="6" height="6" patternUnits="userSpaceOnUse" '
            'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
            '<rect width="3" height="6" fill="{1}"/></pattern></defs>'
        ).format(hatch, SECOND),
        Markup('<rect x="0" y="4" width="18" height="18" fill="{}"/>').format(INK),
        Markup('<text x="24" y="19" class="chart-label">{}</text>').format(new_words),
        Markup('<rect x="0" y="28" width="18" height="18" fill="url(#{})" stroke="{}"/>').format(
            hatch, SECOND
        ),
        Markup('<text x="24" y="43" class="chart-label">{}</text>').format(answered_words),
        Markup('<text x="0" y="{}" class="chart-axis">{}</text>').format(
            TREND_TOP - 4, wording.count(largest)
        ),
        Markup(
            '<line x1="0" y1="{0}" x2="100%" y2="{0}" stroke="#b1b4b6" stroke-dasharray="4 4"/>'
        ).format(TREND_TOP),
        Markup('<line x1="0" y1="{0}" x2="100%" y2="{0}" stroke="#1b1b1b"/>').format(base),
    ]
    for index, week in enumerate(weeks):
        for offset, value, fill, stroke in (
            (0.1, week.new, INK, INK),
            (0.5, week.answered, f"url(#{hatch})", SECOND),
        ):
            if not value:
                continue
            height = max(round(TREND_PLOT * value / largest, 1), 1)
            parts.append(
                Markup(
                    '<rect x="{}%" y="{}" width="{}%" height="{}" fill="{}" stroke="{}" '
                    'stroke-width="0.5"/>'
                ).format(
                    round(slot * (index + offset), 3),
                    base - height,
                    round(slot * 0.4, 3),
                    height,
                    fill,
                    stroke,
                )
            )
    parts.append(
        Markup('<text x="0" y="{}" class="chart-axis">{}</text>').format(
            base + 22, wording.day(weeks[0].monday, "short")
        )
    )
    if len(weeks) > 1:
        parts.append(
            Markup('<text x="100%" y="{}" text-anchor="end" class="chart-axis">{}</text>').format(
                base + 22, wording.day(weeks[-1].monday, "short")
            )
        )
    return Markup("").join(parts)


def _svg(chart_id: str, title: str, description: str, height: int, marks: Markup) -> Markup:
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" width="100%" '
        'height="{height}" aria-labelledby="{id}-title {id}-desc">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{description}</desc>'
        "{marks}</svg>"
    ).format(id=chart_id, title=title, description=description, height=height, marks=marks)
