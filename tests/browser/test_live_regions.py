"""Inline actions on the queues and on a concern page, for screen readers and keyboards.

A partner answers from their queue, a moderator acts from the moderation queue, and a
moderator saves a concern's audiences. With JavaScript (htmx changes part of the page), what
was done is said in a live region that was on the page before the action (a region that the
change itself puts on the page is not reliably announced), and the focus stays on the page:
on the same control when it is still there, else on the item it acted on, never lost to
<body>. Without JavaScript the same forms post, redirect, and say it in a flash message.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, Playwright, expect

from tests.browser.conftest import Server
from tests.browser.test_accessibility import mark_live_regions, said_in_a_live_region
from tests.browser.test_journeys import (
    REGION,
    Forum,
    log_in,
    registered_citizen,
    say,
    switch_language,
    unique,
)

# Notes where the focus is once htmx has settled the swap (and run its `autofocus`).
WATCH_SETTLE = """() => {
  window.agoraSettled = new Promise(resolve => {
    document.addEventListener("htmx:afterSettle", () => {
      const el = document.activeElement;
      resolve(el ? `<${el.tagName.toLowerCase()}${el.id ? " id=" + el.id : ""}>` : "nothing");
    }, {once: true});
    setTimeout(() => resolve("no swap settled in 10 s"), 10000);
  });
}"""


@pytest.fixture(scope="module")
def citizen(playwright: Playwright, server: Server) -> Iterator[Forum]:
    """A citizen, who raises the concerns that the partner and the moderator act on."""
    with registered_citizen(playwright, server, "Live region citizen") as forum:
        yield forum


@pytest.fixture
def concern_id(citizen: Forum) -> int:
    return citizen.raise_concern(REGION, unique("The school app forgets my password"))


def arrive(context: BrowserContext, name: str, path: str) -> Page:
    """`name` logs in, in English, and opens `path`."""
    page = context.new_page()
    page.goto("/")
    log_in(page, name)
    switch_language(page, "en")
    page.goto(path)
    return page


def press(page: Page, button: Locator, *, js: bool) -> None:
    """Send a form with the keyboard: the focus on its button, then Enter."""
    if js:
        mark_live_regions(page)
        page.evaluate(WATCH_SETTLE)
    button.focus()
    page.keyboard.press("Enter")


def focus_after_the_swap(page: Page) -> str:
    """The element that has the focus when htmx has finished the swap."""
    focused: str = page.evaluate("() => window.agoraSettled")
    return focused


def check_said(page: Page, message: str, news: str, *, js: bool) -> None:
    """With htmx, `message` is in the live region `news`, which was on the page before the
    action; without JavaScript the page is new and a flash message says it."""
    if js:
        region = page.locator(news)
        expect(region).to_have_text(message)
        said_in_a_live_region(region.get_by_text(message), already_there=True)
    else:
        flash = page.locator("main > .notice").filter(has_text=message)
        expect(flash).to_be_visible()
        said_in_a_live_region(flash, already_there=False)
        expect(page.locator(news)).to_be_empty()  # on the page, with nothing to say


def check_focus(page: Page, where: Locator) -> None:
    """After the swap the focus is on `where`, not lost to <body>."""
    assert focus_after_the_swap(page) != "<body>"
    expect(where).to_be_focused()


# --- the partner's queue --------------------------------------------------------------------


def find_in_queue(page: Page, item: Locator) -> None:
    """Show more concerns until `item` is there: a new concern waits at the end of the queue."""
    for _ in range(30):
        if item.count():
            return
        more = page.locator("#queue .more a")
        href = more.get_attribute("href")
        more.click()
        expect(page.locator(f"#queue .more a[href='{href}']")).to_have_count(0)
    raise AssertionError(f"{item} is not in the queue")


def test_an_answer_from_the_partner_queue_is_announced_and_keeps_the_focus(
    journey_context: BrowserContext, js: bool, concern_id: int
) -> None:
    page = arrive(journey_context, "partner", "/partner")
    item = page.locator(f"#queue-{concern_id}")
    find_in_queue(page, item)

    item.locator("textarea").fill("We will look at the password reset this week.")
    press(page, item.get_by_role("button", name=say("en", "Send answer")), js=js)

    check_said(page, say("en", "Your official answer is published."), "#queue-news", js=js)
    if js:
        # In its place in the list: the answered concern's link, the next concern after it.
        check_focus(page, item.get_by_role("link"))
        expect(item.locator("form")).to_have_count(0)
    else:
        expect(item).to_have_count(0)  # answered: it left the queue


# --- the moderation queue -------------------------------------------------------------------


def test_actions_from_the_moderation_queue_are_announced_and_keep_the_focus(
    journey_context: BrowserContext, js: bool, concern_id: int
) -> None:
    page = arrive(journey_context, "moderator", f"/moderation?concern={concern_id}")
    item = page.locator(f"#concern-{concern_id}")

    # The control stays: the focus goes back to it.
    item.get_by_label(say("en", "Citizens"), exact=True).check()
    save = item.get_by_role("button", name=say("en", "Save audiences"))
    press(page, save, js=js)
    check_said(page, say("en", "The audiences are saved."), "#queue-news", js=js)
    if js:
        check_focus(page, save)

    # A toggle: the same place, with the other name.
    press(page, item.get_by_role("button", name=say("en", "Stop new replies")), js=js)
    check_said(page, say("en", "This concern takes no more replies."), "#queue-news", js=js)
    if js:
        check_focus(page, item.get_by_role("button", name=say("en", "Allow replies again")))

    # The control is gone (the concern is hidden): the focus goes to the item's heading.
    item.locator("summary").filter(has_text=say("en", "Hide this concern")).click()
    item.get_by_label(say("en", "Why you hide it")).fill("It names a teacher.")
    press(page, item.get_by_role("button", name=say("en", "Hide"), exact=True), js=js)
    hidden = say("en", "It is hidden. The person who wrote it is told why.")
    check_said(page, hidden, "#queue-news", js=js)
    if js:
        check_focus(page, item.get_by_role("heading"))
    expect(item.get_by_role("button", name=say("en", "Show it again"))).to_be_visible()


# --- the audiences on a concern page --------------------------------------------------------


def test_saving_the_audiences_on_a_concern_is_announced_and_keeps_the_focus(
    journey_context: BrowserContext, js: bool, concern_id: int
) -> None:
    page = arrive(journey_context, "moderator", f"/c/{concern_id}")
    audiences = page.locator("#audiences")

    audiences.get_by_label(say("en", "Technology providers")).check()
    save = audiences.get_by_role("button", name=say("en", "Save audiences"))
    press(page, save, js=js)

    check_said(page, say("en", "The audiences are saved."), "#audiences-news", js=js)
    expect(audiences.locator(".tags")).to_have_text(say("en", "Technology providers"))
    if js:
        check_focus(page, save)
