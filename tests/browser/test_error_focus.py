"""A form sent with mistakes: the list of problems takes the focus, so a screen reader reads
it first and a keyboard user starts from it (GOV.UK's pattern), with JavaScript and without."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, expect

from tests.browser.test_journeys import REGION, register, unique


def test_the_error_summary_takes_the_focus(journey_context: BrowserContext) -> None:
    page = journey_context.new_page()
    page.goto(f"/r/{REGION}")
    register(page, unique("Graça"))
    page.goto(f"/r/{REGION}/new")

    page.locator(f"form[action='/r/{REGION}/new'] button.button-main").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page.locator("#title")).to_have_attribute("aria-invalid", "true")


def test_the_login_error_summary_takes_the_focus(journey_context: BrowserContext) -> None:
    page = journey_context.new_page()
    page.goto("/login")
    page.locator("#name").fill(unique("nobody"))
    page.locator("#password").fill("not the password")
    page.locator("form[action='/login'] button").click()

    expect(page.locator(".error-summary")).to_be_focused()
