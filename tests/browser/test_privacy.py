"""Trust, tried as a new user would: a concern with a phone photo that has GPS in it, with
JavaScript and without; the photo served small and without metadata; the data downloaded;
the account erased and the concern left to a former member. The new pages pass axe in
every language."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from PIL import Image
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.test_journeys import (
    REGION,
    check_page,
    register,
    switch_language,
    unique,
    visit,
)
from tests.browser.test_journeys import (
    locale as locale,
)
from tests.test_photos import phone_photo


def test_a_citizen_raises_a_concern_with_a_photo_downloads_it_and_erases_the_account(
    journey_context: BrowserContext, js: bool
) -> None:
    page = journey_context.new_page()
    page.goto(f"/r/{REGION}")
    name = unique("Photographer")
    register(page, name)
    page.goto(f"/r/{REGION}/new")
    title = unique("The bench by the church is broken")
    page.locator("#title").fill(title)
    page.locator("#body").fill("One of its legs is gone.")
    page.locator("#photo").set_input_files(
        files=[{"name": "IMG_2041.JPG", "mimeType": "image/jpeg", "buffer": phone_photo()}]
    )
    page.locator("#photo_alt").fill("A bench with three legs")
    page.locator(f"form[action='/r/{REGION}/new'] button.button-main").click()

    expect(page).to_have_url(re.compile(r"/c/\d+$"))
    picture = page.locator("figure.photo img")
    expect(picture).to_have_attribute("alt", "A bench with three legs")
    picture.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('figure.photo img').naturalWidth > 0")
    served = page.request.get(picture.get_attribute("src") or "")
    assert served.ok and len(served.body()) < 100_000
    assert not Image.open(io.BytesIO(served.body())).getexif()  # no GPS, no camera
    concern_url = page.url

    page.goto("/account")
    with page.expect_download() as download:
        page.locator("a[href='/account/data']").first.click()
    archive = zipfile.ZipFile(download.value.path())
    data = json.loads(archive.read("agora-data.json"))
    assert [concern["title"] for concern in data["concerns"]] == [title]
    assert data["concerns"][0]["photo"] in archive.namelist()

    page.goto("/account/delete")
    page.locator("#confirm").check()
    page.locator("form[action='/account/delete'] button").click()
    expect(page).to_have_url(re.compile(r"/$"))
    page.goto(concern_url)
    expect(page.locator("article.concern .meta")).to_contain_text("former member")
    expect(page.locator("article.concern")).not_to_contain_text(name)


def test_the_privacy_pages_pass_axe_and_fit_a_phone(page: Page, locale: str) -> None:
    page.goto("/privacy")
    switch_language(page, locale)
    check_page(page, locale)
    visit(page, "/accessibility", locale)
    register(page, unique("Careful"))
    switch_language(page, locale)
    for path in ("/account/delete", "/account", f"/r/{REGION}/new"):
        visit(page, path, locale)
    page.goto(f"/r/{REGION}/new")
    page.locator("#title").fill("A photo that is not one")
    page.locator("#body").fill("It is a text file.")
    page.locator("#photo").set_input_files(
        files=[{"name": "a.jpg", "mimeType": "image/jpeg", "buffer": b"not a picture"}]
    )
    page.locator(f"form[action='/r/{REGION}/new'] button.button-main").click()
    expect(page.locator("#photo")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#title")).to_have_value("A photo that is not one")
    check_page(page, locale)


@pytest.fixture(autouse=True)
def _quiet() -> None:
    """Nothing to set up: the server's demo region has what these journeys need."""
