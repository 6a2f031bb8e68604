"""The piloted services in a real browser on a phone-sized screen: the done-when journey of
issue 12, and axe-core on the services, monitoring and guide pages in every locale."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from playwright.sync_api import Page, expect

from forum.i18n import OFFERED_LOCALES
from tests.browser.test_journeys import REGION, check_page, log_in, say, switch_language

SERVICE = "telecare-tablet"  # a demo service of REGION


def describe(page: Page, slug: str, lang: str, name: str, steps: str) -> None:
    """Fill the service form as a leader does, in the language `lang`."""
    if page.locator("#slug").count():
        page.locator("#lang").select_option(lang)
        page.locator("#slug").fill(slug)
    page.locator("#name").fill(name)
    page.locator("#summary").fill(f"{name}: a meter that warns of leaks.")
    page.locator("#value_citizens").fill(f"{name}: lower bills.")
    page.locator("#steps").fill(steps)
    page.locator("#stage").select_option("testing")
    page.locator("main form[method='post'] button.button-main").click()


def test_a_leader_describes_a_service_that_readers_and_partners_judge(
    make_page, nojs_page: Page
) -> None:
    slug = f"water-{uuid.uuid4().hex[:6]}"
    leader = nojs_page
    leader.goto(f"/r/{REGION}/services")
    log_in(leader, "leader")
    switch_language(leader, "en")
    leader.goto(f"/r/{REGION}/services/new")
    describe(leader, slug, "en", "Water meters", "Sensor: measures\nRadio: sends it\nApp: warns")
    expect(leader).to_have_url(f"{leader.url.split('/r/')[0]}/r/{REGION}/services/{slug}")
    leader.goto(f"/r/{REGION}/services/{slug}/edit?lang=pt_PT")
    describe(leader, slug, "pt_PT", "Contadores de água", "Sensor: mede\nRádio: envia\nApp: avisa")

    reader = make_page(js=False)
    reader.goto(f"/r/{REGION}/services/{slug}")
    switch_language(reader, "pt_PT")
    expect(reader.locator("h1")).to_have_text("Contadores de água")
    diagram = reader.locator("svg.diagram")
    expect(diagram.locator(".diagram-label")).to_have_text(["1. Sensor", "2. Rádio", "3. App"])
    expect(diagram.locator("title")).to_have_text(
        say("pt_PT", "How %(service)s works", service="Contadores de água")
    )

    citizen = make_page()
    citizen.goto(f"/r/{REGION}/services/{slug}")
    log_in(citizen, "citizen")
    switch_language(citizen, "en")
    citizen.get_by_role("link", name=say("en", "Raise a concern about this service")).click()
    expect(citizen.locator("#service")).to_have_value(slug)
    citizen.locator("#title").fill(f"The water meter beeps {slug}")
    citizen.locator("#body").fill("It wakes us up at night.")
    citizen.locator(f"form[action='/r/{REGION}/new'] button.button-main").click()
    expect(citizen.locator("h1")).to_have_text(f"The water meter beeps {slug}")
    citizen.goto(f"/r/{REGION}/services/{slug}")
    citizen.locator("#verdict-partly").check()
    citizen.locator("#why").fill("It beeps at night.")
    citizen.locator("#verdicts form button").click()
    expect(citizen.locator("table.verdicts tbody tr").nth(0).locator("td").nth(1)).to_have_text("1")
    expect(citizen.locator("main")).to_contain_text(f"The water meter beeps {slug}")

    partner = make_page()
    partner.goto(f"/r/{REGION}/services/{slug}")
    log_in(partner, "partner")
    switch_language(partner, "en")
    partner.locator("#verdict-works").check()
    partner.locator("#verdicts form button").click()
    providers = partner.locator("table.verdicts tbody tr").nth(1)
    expect(providers.locator("td").nth(0)).to_have_text("1")

    leader.goto("/monitoring")
    expect(leader.locator("main")).to_contain_text("Water meters")
    exported = leader.request.get(leader.url.replace("/monitoring", "/monitoring.csv"))
    rows = list(csv.DictReader(io.StringIO(exported.text())))
    row = next(row for row in rows if row["service"] == slug)
    assert row["citizens_partly"] == "1" and row["technology_providers_works"] == "1"


@pytest.fixture(params=OFFERED_LOCALES)
def locale(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_the_services_monitoring_and_guide_pages_pass_axe_and_fit_a_phone(
    page: Page, locale: str
) -> None:
    page.goto("/guide")
    switch_language(page, locale)
    for path in ("/guide", f"/r/{REGION}/services"):  # the service page: as an admin, below
        page.goto(path)
        check_page(page, locale)
    log_in(page, "admin")
    switch_language(page, locale)
    for path in (
        f"/r/{REGION}/services/{SERVICE}",
        "/monitoring",
        f"/r/{REGION}/services/{SERVICE}/edit?lang={locale}",
    ):
        page.goto(path)
        check_page(page, locale)
    page.goto(f"/r/{REGION}/services/new")
    page.locator("main form[method='post'] button.button-main").click()  # empty: errors
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#name")).to_have_attribute("aria-invalid", "true")
    check_page(page, locale)
