"""The pilot leader's journey, with JavaScript on and off: from a region's page to its summary,
a narrower period, and the CSV download, which has one row for each concern the summary counts.

Then who else may look: a citizen is refused, a visitor is asked to log in first.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, expect

from forum import labels
from forum.summaries.records import COLUMNS
from tests.browser.conftest import Server
from tests.browser.test_journeys import (
    REGION,
    Forum,
    log_in,
    registered_citizen,
    say,
    switch_language,
    unique,
)

BOM = b"\xef\xbb\xbf"
SUMMARY = f"/r/{REGION}/summary"


@pytest.fixture(scope="module")
def neighbour(playwright: Playwright, server: Server) -> Iterator[Forum]:
    """A citizen, in a browser of their own, who raises the concern the leader will count."""
    with registered_citizen(playwright, server, "Neighbour") as forum:
        yield forum


def raised_on(forum: Forum, concern_id: int) -> str:
    """The day (UTC, as the summary counts days) a concern was raised: 2025-03-31."""
    response = forum.request.get(f"/api/concerns/{concern_id}")
    assert response.ok, response.status
    return str(response.json()["created_at"])[:10]


def number(text: str) -> int:
    """A count as the page writes it ('1,234' in English)."""
    digits = re.sub(r"\D", "", text)
    assert digits, f"no number in {text!r}"
    return int(digits)


def concerns_raised(page: Page) -> int:
    figure = page.locator("#figures .figure").filter(has_text=say("en", "Concerns raised"))
    return number(figure.locator(".figure-number").inner_text())


def by_status(page: Page) -> dict[str, int]:
    """The status chart's table (read by screen readers): status name -> concerns."""
    rows = page.locator("section[aria-labelledby='status-title'] table tbody tr")
    counts = {}
    for row in rows.all():
        name = row.locator("th").inner_text()
        counts[name] = number(row.locator("td").inner_text())
    return {name: count for name, count in counts.items() if count}


def test_a_pilot_leader_downloads_what_the_summary_counts(
    journey_context: BrowserContext, neighbour: Forum
) -> None:
    title = unique("The charging point app shows the wrong price")
    concern_id = neighbour.raise_concern(REGION, title, "It said 2 euros and took 5.")
    day = raised_on(neighbour, concern_id)

    page = journey_context.new_page()
    page.goto(f"/r/{REGION}")
    log_in(page, "leader")
    switch_language(page, "en")
    page.get_by_role("link", name=say("en", "Summary and downloads for pilot leaders")).click()
    expect(page).to_have_url(SUMMARY)
    expect(page.locator("h1")).to_have_text(say("en", "Summary for %(region)s", region="Alentejo"))

    everything = concerns_raised(page)
    assert everything >= 1
    figures = page.locator("#figures .figure")
    answered = figures.filter(has_text=say("en", "Have an official answer"))
    expect(answered).to_contain_text(re.compile(rf"\b\d[\d,]* of {everything:,}\b"))
    assert sum(by_status(page).values()) == everything

    page.locator("#since").fill(day)  # from the day the neighbour raised it
    page.locator("form.summary-filters button").click()
    expect(page).to_have_url(re.compile(rf"since={day}"))
    period = page.locator("#report-facts > div").filter(has_text=say("en", "Period"))
    expect(period.locator(f"time[datetime='{day}']")).to_have_count(1)
    counted = concerns_raised(page)
    assert 1 <= counted < everything  # the demo's older concerns are left out
    statuses = by_status(page)

    link = page.locator("#downloads a[href*='export.csv']")
    href = link.get_attribute("href")
    assert href is not None and parse_qs(urlsplit(href).query)["since"] == [day]
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv"), download.suggested_filename
    path = download.path()
    content = path.read_bytes()

    assert content.startswith(BOM), content[:20]
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    header, rows = table[0], table[1:]
    assert tuple(header) == COLUMNS
    concerns = [dict(zip(header, row, strict=True)) for row in rows]
    assert len(concerns) == counted, "one row for each concern the summary counts"
    assert all(concern["created_at"][:10] >= day for concern in concerns)
    ours = [concern for concern in concerns if concern["id"] == str(concern_id)]
    assert len(ours) == 1, f"concern {concern_id} is not in the download"
    assert ours[0]["title"] == title
    assert ours[0]["url"].endswith(f"/c/{concern_id}")
    assert ours[0]["status"] == "open"
    in_the_file = Counter(concern["status"] for concern in concerns)
    assert {
        say("en", labels.STATUS[status].msgid): count for status, count in in_the_file.items()
    } == statuses


def test_a_citizen_cannot_open_the_summary(journey_context: BrowserContext) -> None:
    page = journey_context.new_page()
    page.goto(f"/r/{REGION}")
    log_in(page, "citizen")
    switch_language(page, "en")
    summary_link = say("en", "Summary and downloads for pilot leaders")
    expect(page.get_by_role("link", name=summary_link)).to_have_count(0)

    response = page.goto(SUMMARY)
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_have_text(say("en", "You cannot do this"))
    expect(page.locator("#figures")).to_have_count(0)
    response = page.goto(f"/r/{REGION}/export.csv")
    assert response is not None and response.status == 403


def test_a_visitor_is_asked_to_log_in_and_then_sees_the_summary(
    journey_context: BrowserContext,
) -> None:
    page = journey_context.new_page()
    page.goto(SUMMARY)
    expect(page).to_have_url(re.compile(r"/login\?next=/r/alentejo/summary$"))
    expect(page.locator("#figures")).to_have_count(0)

    page.locator("#name").fill("leader")
    page.locator("#password").fill("demo-password")
    page.locator("form[action='/login'] button").click()
    expect(page).to_have_url(SUMMARY)
    expect(page.locator("#figures")).to_be_visible()
