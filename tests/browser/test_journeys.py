"""Journeys as people make them, in a real browser on a phone-sized screen.

Each journey runs with JavaScript on (htmx makes the common actions inline) and off (plain
forms and redirects), and logs in through the real /login form. Then: axe-core on every page
type in every offered locale, the skip link, and the phone layout (no sideways scrolling,
tap targets at least 44 px).

Text is matched through the app's own catalogs (`say`), so the tests keep passing when a
translation changes.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import APIRequestContext, BrowserContext, Page, Playwright, expect

from forum.i18n import OFFERED_LOCALES, autonym, bcp47, translator
from tests.browser.conftest import Server

DEMO_PASSWORD = "demo-password"
PARTNER_ORGANISATION = "Agora Pilot Partners"
REGION = "alentejo"
# A region the journeys leave alone, filled with enough concerns for a second page.
CROWDED_REGION = "piemonte"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
CONCERN_URL = re.compile(r"/c/(\d+)$")
# Long words happen: compound words in German and Finnish, and web addresses.
LONG_WORD = "Gemeindeamtssolarpaneelleistungsüberwachungsanwendungsbenutzeroberfläche"
LONG_URL = "https://example.org/" + "very-long-path-segment-" * 6

AXE = Axe()


def say(locale: str, msgid: str, **params: object) -> str:
    """What the page shows for `msgid` in `locale`."""
    text = translator(locale).gettext(msgid)
    return text % params if params else text


def say_n(locale: str, singular: str, plural: str, n: int, **params: object) -> str:
    return translator(locale).ngettext(singular, plural, n) % params


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


# --- what a person does in the browser ------------------------------------------------------


def switch_language(page: Page, locale: str) -> None:
    """Use the footer's language switcher, as a person would: a link for a visitor, a button
    (a form that saves the choice) for someone logged in."""
    footer = page.locator("footer")
    choice = footer.get_by_role("link", name=autonym(locale), exact=True).or_(
        footer.get_by_role("button", name=autonym(locale), exact=True)
    )
    choice.click()
    expect(page.locator("html")).to_have_attribute("lang", bcp47(locale))


def log_in(page: Page, name: str, password: str = DEMO_PASSWORD) -> None:
    """From the page we are on: the header's Log in link, the form, and back to that page."""
    back_to = page.url
    page.locator("header a[href^='/login']").click()
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.locator("#name").fill(name)
    page.locator("#password").fill(password)
    page.locator("form[action='/login'] button").click()
    expect(page).to_have_url(back_to)
    expect(page.locator("header a[href='/account']")).to_have_text(name)


def register(page: Page, name: str, password: str = "a long enough password") -> None:
    back_to = page.url
    page.locator("header a[href^='/register']").click()
    page.locator("#name").fill(name)
    page.locator("#password").fill(password)
    page.locator("form[action='/register'] button").click()
    expect(page).to_have_url(back_to)
    expect(page.locator("header a[href='/account']")).to_have_text(name)


def raise_concern(page: Page, region: str, title: str, body: str) -> int:
    """From the region's page: its main button, the form, and the new concern's page."""
    expect(page).to_have_url(f"/r/{region}")
    page.locator("main a.button[href$='/new']").click()
    expect(page).to_have_url(f"/r/{region}/new")
    page.locator("#title").fill(title)
    page.locator("#body").fill(body)
    page.locator(f"form[action='/r/{region}/new'] button").click()
    expect(page).to_have_url(CONCERN_URL)
    match = CONCERN_URL.search(page.url)
    assert match is not None
    return int(match.group(1))


def mark_window(page: Page) -> str:
    """A marker on this document: it survives an inline update, not a navigation."""
    marker = uuid.uuid4().hex
    page.evaluate("marker => { window.agoraTestMarker = marker; }", marker)
    return marker


def window_marker(page: Page) -> str | None:
    marker: str | None = page.evaluate("() => window.agoraTestMarker ?? null")
    return marker


def support_count(page: Page) -> int:
    match = re.search(r"\d+", page.locator("#support .count").inner_text())
    assert match is not None
    return int(match.group(0))


# --- setting the stage over plain HTTP --------------------------------------------------------


class Forum:
    """Another person, posting the same forms as a browser without JavaScript would."""

    def __init__(self, request: APIRequestContext) -> None:
        self.request = request

    def _token(self, path: str) -> str:
        response = self.request.get(path)
        assert response.ok, (path, response.status)
        match = CSRF.search(response.text())
        assert match is not None, path
        return match.group(1)

    def register(self, name: str) -> None:
        form = {"name": name, "password": "a long enough password", "next": "/"}
        response = self.request.post(
            "/register", form={**form, "csrf_token": self._token("/register")}, max_redirects=0
        )
        assert response.status == 303, response.text()

    def raise_concern(self, region: str, title: str, body: str = "") -> int:
        token = self._token(f"/r/{region}/new")
        response = self.request.post(
            f"/r/{region}/new",
            form={"csrf_token": token, "title": title, "body": body or title, "topic": ""},
            max_redirects=0,
        )
        assert response.status == 303, response.text()
        match = CONCERN_URL.search(response.headers["location"])
        assert match is not None
        return int(match.group(1))


@contextmanager
def registered_citizen(playwright: Playwright, server: Server, name: str) -> Iterator[Forum]:
    """A new citizen with an account, posting over HTTP from a browser of their own."""
    request = playwright.request.new_context(
        base_url=server.url, extra_http_headers={"Accept-Language": "en"}
    )
    try:
        forum = Forum(request)
        forum.register(unique(name))
        yield forum
    finally:
        request.dispose()


@pytest.fixture(scope="session")
def author(playwright: Playwright, server: Server) -> Iterator[Forum]:
    """A citizen who raises the concerns the other journeys act on."""
    with registered_citizen(playwright, server, "Setup author") as forum:
        yield forum


@pytest.fixture
def concern(author: Forum) -> tuple[int, str]:
    title = unique("The bus app has no phone booking")
    body = "My father cannot use the app.\nCan we book the bus by phone?"
    return author.raise_concern(REGION, title, body), title


@pytest.fixture(scope="session")
def crowded_region(author: Forum) -> str:
    """More concerns than one page shows (20)."""
    for number in range(21):
        author.raise_concern(CROWDED_REGION, unique(f"Older concern number {number}"))
    return CROWDED_REGION


@pytest.fixture(scope="session")
def long_words_concern(author: Forum) -> int:
    return author.raise_concern(
        REGION, f"Die {LONG_WORD} ist zu klein", f"{LONG_WORD} {LONG_WORD}\nSee {LONG_URL}"
    )


# --- 1 to 4: journeys, with JavaScript on and off -------------------------------------------


def test_a_new_person_raises_a_concern_in_portuguese(journey_context: BrowserContext) -> None:
    page = journey_context.new_page()
    name = unique("Maria")
    page.goto("/")
    register(page, name)

    page.get_by_role("link", name="Alentejo", exact=True).click()
    expect(page).to_have_url(f"/r/{REGION}")
    switch_language(page, "pt_PT")
    title = unique("A aplicação do autocarro não tem marcação por telefone")
    body = "O meu pai não consegue usar a aplicação.\nPodemos marcar o autocarro por telefone?"
    concern_id = raise_concern(page, REGION, title, body)

    expect(page).to_have_url(f"/c/{concern_id}")
    panel = page.locator(".panel-next")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("heading")).to_have_text(say("pt_PT", "What happens next"))
    concern = page.locator("article.concern")
    expect(concern.locator("h1")).to_have_text(title)
    expect(concern).to_have_attribute("lang", "pt-PT")
    expect(concern.locator(".language")).to_have_text(
        say("pt_PT", "Written in %(language)s", language="Português")
    )
    expect(concern.locator(".body")).to_contain_text("O meu pai não consegue usar a aplicação.")
    expect(concern).to_contain_text(say("pt_PT", "Raised by %(name)s", name=name))

    page.reload()
    expect(page.locator(".panel-next")).to_have_count(0)  # said once, after raising it
    page.goto(f"/r/{REGION}")
    expect(page.locator("#concerns").get_by_role("link", name=title)).to_have_attribute(
        "lang", "pt-PT"
    )


def test_a_partner_answers_officially(
    journey_context: BrowserContext, concern: tuple[int, str]
) -> None:
    concern_id, _title = concern
    page = journey_context.new_page()
    page.goto(f"/c/{concern_id}")
    log_in(page, "partner")
    switch_language(page, "en")
    status = page.locator("article.concern .status")
    expect(status).to_contain_text(say("en", "Waiting for an answer"))
    expect(page.locator("#conversation")).to_contain_text(say("en", "No official answer yet."))

    answer = unique("We will add phone booking next month.")
    page.locator("#body").fill(answer)
    page.locator("#official").check()
    page.locator(".reply-form button").click()

    first = page.locator("#conversation article").first
    expect(first).to_contain_text(answer)
    expect(first).to_have_class(re.compile(r"\breply-official\b"))
    expect(first.locator(".badge-official")).to_contain_text(
        say("en", "Official answer from %(organisation)s", organisation=PARTNER_ORGANISATION)
    )
    expect(status).to_contain_text(say("en", "Answered"))
    expect(status).to_have_class(re.compile(r"\bstatus-answered\b"))

    page.reload()  # and it stays so
    expect(page.locator("#conversation article").first).to_contain_text(answer)
    expect(status).to_contain_text(say("en", "Answered"))


def test_a_moderator_tags_a_concern_for_technology_providers(
    journey_context: BrowserContext, concern: tuple[int, str]
) -> None:
    concern_id, title = concern
    page = journey_context.new_page()
    page.goto(f"/c/{concern_id}")
    log_in(page, "moderator")
    switch_language(page, "en")
    audiences = page.locator("#audiences")
    expect(audiences).to_contain_text(say("en", "A moderator has not chosen yet."))

    audiences.locator("#audience-technology_providers").check()
    audiences.get_by_role("button", name=say("en", "Save audiences")).click()

    expect(audiences.locator(".tags")).to_have_text(say("en", "Technology providers"))
    expect(audiences.locator("#audience-technology_providers")).to_be_checked()
    page.goto(f"/r/{REGION}?audience=technology_providers")
    expect(page.locator("#audience")).to_have_value("technology_providers")
    row = page.locator(".concern-row", has=page.get_by_role("link", name=title, exact=True))
    expect(row).to_have_count(1)
    expect(row.locator(".tags")).to_contain_text(say("en", "Technology providers"))
    page.goto(f"/r/{REGION}?audience=local_administration")
    expect(page.get_by_role("link", name=title, exact=True)).to_have_count(0)


def test_a_citizen_says_me_too_and_takes_it_back(
    journey_context: BrowserContext, concern: tuple[int, str]
) -> None:
    concern_id, _title = concern
    page = journey_context.new_page()
    page.goto(f"/c/{concern_id}")
    log_in(page, "citizen")
    switch_language(page, "en")
    button = page.locator("#support button")
    count = page.locator("#support .count")
    expect(button).to_have_attribute("aria-pressed", "false")
    before = support_count(page)

    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(count).to_have_text(re.compile(rf"^{before + 1}\D"))

    button.click()
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(count).to_have_text(re.compile(rf"^{before}\D"))


# --- 5: with JavaScript, the common actions are inline --------------------------------------


def test_with_javascript_me_too_and_replies_stay_on_the_page(
    page: Page, concern: tuple[int, str]
) -> None:
    concern_id, _title = concern
    page.goto(f"/c/{concern_id}")
    log_in(page, "citizen")
    switch_language(page, "en")
    url, marker = page.url, mark_window(page)

    with page.expect_response(f"**/c/{concern_id}/support") as support:
        page.locator("#support button").click()
    assert support.value.request.headers.get("hx-request") == "true"
    expect(page.locator("#support button")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#support .count")).to_have_text(re.compile(r"^1\D"))
    assert (page.url, window_marker(page)) == (url, marker)

    reply = unique("Me too: my mother has the same problem.")
    page.locator("#body").fill(reply)
    with page.expect_response(f"**/c/{concern_id}/replies") as replied:
        page.locator(".reply-form button").click()
    assert replied.value.request.headers.get("hx-request") == "true"
    expect(page.locator("#conversation article").last).to_contain_text(reply)
    expect(page.locator("#body")).to_have_value("")
    expect(page.locator("#replies")).to_have_text(
        say_n("en", "%(num)s reply", "%(num)s replies", 1, num="1")
    )
    assert (page.url, window_marker(page)) == (url, marker)

    page.locator(".reply-form button").click()  # empty: the error shows inline too
    expect(page.locator(".reply-form .error-summary")).to_be_visible()
    expect(page.locator("#body")).to_have_attribute("aria-invalid", "true")
    assert (page.url, window_marker(page)) == (url, marker)


def test_show_older_concerns(
    journey_context: BrowserContext, js: bool, crowded_region: str
) -> None:
    page = journey_context.new_page()
    page.goto(f"/r/{crowded_region}")
    rows = page.locator("#concerns > .concern-row")
    shown = rows.count()
    more = page.locator("#concerns .more a")
    expect(more).to_have_count(1)
    first_titles = rows.locator("h3").all_inner_texts()
    url = page.url
    marker = mark_window(page) if js else None

    more.click()

    if js:  # appended in place
        expect(rows).not_to_have_count(shown)
        titles = rows.locator("h3").all_inner_texts()
        assert titles[:shown] == first_titles
        assert len(titles) > shown
        assert (page.url, window_marker(page)) == (url, marker)
    else:  # the next page
        expect(page).to_have_url(re.compile(r"\?after="))
        titles = rows.locator("h3").all_inner_texts()
        assert titles
        assert not set(titles) & set(first_titles)


# --- 6 and 8: axe-core on every page type, in every locale; the phone layout ----------------

TAP_TARGETS = """() => {
  const small = [];
  for (const el of document.querySelectorAll("main a[href], main button")) {
    const box = el.getBoundingClientRect();
    if (!box.width && !box.height) continue;  // not shown
    if (el.closest(".body")) continue;  // a web address in what someone wrote
    const control = el.matches("button, .button");
    if (!control) {
      // A link inside a sentence may be as tall as the text around it.
      const block = el.parentElement.closest("p, li, h1, h2, h3, div, td, dd, span");
      const inText = block && block.textContent.trim() !== el.textContent.trim();
      if (getComputedStyle(el).display === "inline" && inText) continue;
    }
    if (box.height < 43.5 || (control && box.width < 43.5)) {
      const size = `${Math.round(box.width)}x${Math.round(box.height)}`;
      small.push(`${el.outerHTML.slice(0, 80)}: ${size}`);
    }
  }
  return small;
}"""


def check_page(page: Page, locale: str) -> None:
    """axe-core finds nothing; nothing scrolls sideways; every tap target is big enough."""
    where = f"{page.url} in {locale}"
    expect(page.locator("html")).to_have_attribute("lang", bcp47(locale))
    results = AXE.run(page)
    assert results.violations_count == 0, f"{where}\n{results.generate_report()}"
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{where} scrolls sideways: {widths}"
    small = page.evaluate(TAP_TARGETS)
    assert not small, f"{where}: tap targets under 44 px:\n" + "\n".join(small)


def visit(page: Page, path: str, locale: str) -> None:
    response = page.goto(path)
    assert response is not None
    check_page(page, locale)


@pytest.fixture
def answered_concern_path(page: Page) -> str:
    """A concern with an official answer (the newest answered one in the region)."""
    page.goto(f"/r/{REGION}?status=answered")
    href = page.locator(".concern-row h3 a").first.get_attribute("href")
    assert href is not None
    return href


@pytest.fixture(params=OFFERED_LOCALES)
def locale(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_pages_for_visitors_pass_axe_and_fit_a_phone(
    page: Page, locale: str, answered_concern_path: str, long_words_concern: int
) -> None:
    page.goto("/")
    switch_language(page, locale)
    for path in (
        "/",
        f"/r/{REGION}",
        f"/r/{REGION}?status=open&audience=citizens",
        answered_concern_path,
        f"/c/{long_words_concern}",
        "/login",
        "/register",
        "/this-page-does-not-exist",
        "/c/999999999",
    ):
        visit(page, path, locale)

    page.goto("/register")
    page.locator("#password").fill("short")
    page.locator("form[action='/register'] button").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#name")).to_have_attribute("aria-invalid", "true")
    check_page(page, locale)

    page.goto("/login")
    page.locator("#name").fill("nobody-" + uuid.uuid4().hex)
    page.locator("#password").fill("wrong password")
    page.locator("form[action='/login'] button").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check_page(page, locale)


def test_pages_for_citizens_pass_axe_and_fit_a_phone(
    page: Page, locale: str, answered_concern_path: str, long_words_concern: int
) -> None:
    page.goto("/")
    switch_language(page, locale)
    register(page, unique("Pessoa"))
    for path in (f"/r/{REGION}/new", "/account", answered_concern_path):
        visit(page, path, locale)
    visit(page, f"/c/{long_words_concern}", locale)
    page.locator("#support button").click()  # pressed: another look
    expect(page.locator("#support button")).to_have_attribute("aria-pressed", "true")
    check_page(page, locale)
    page.locator(".reply-form button").click()  # empty reply: errors
    expect(page.locator(".reply-form .error-summary")).to_be_visible()
    check_page(page, locale)

    page.goto(f"/r/{REGION}/new")
    page.locator(f"form[action='/r/{REGION}/new'] button").click()  # empty: errors
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#title")).to_have_attribute("aria-invalid", "true")
    check_page(page, locale)

    page.goto("/account")
    page.locator("#email").fill("not an email address")
    page.locator("form[action='/account'] button").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check_page(page, locale)


def test_pages_for_moderators_and_partners_pass_axe_and_fit_a_phone(
    page: Page, make_page: Callable[..., Page], locale: str, answered_concern_path: str
) -> None:
    page.goto(answered_concern_path)
    log_in(page, "moderator")
    switch_language(page, locale)
    expect(page.locator("#audiences form")).to_be_visible()
    expect(page.locator(".close-form")).to_be_visible()
    check_page(page, locale)
    page.locator(".close-form button").click()  # no reason: errors beside the fields
    expect(page.locator(".status-actions .error-summary")).to_be_visible()
    check_page(page, locale)

    partner = make_page()
    partner.goto(answered_concern_path)
    log_in(partner, "partner")
    switch_language(partner, locale)
    expect(partner.locator("#official")).to_be_visible()
    check_page(partner, locale)


def test_pages_for_staff_pass_axe_and_fit_a_phone(page: Page, locale: str) -> None:
    """The moderation queue and log, the partner queue, the recording form and the leaders'
    summary with its charts: no axe violation, no sideways scrolling, in every language."""
    page.goto("/")
    log_in(page, "admin")
    switch_language(page, locale)
    for path in (
        "/moderation",
        "/moderation/log",
        "/partner",
        f"/r/{REGION}/record",
        f"/r/{REGION}/summary",
    ):
        page.goto(path)
        check_page(page, locale)


def test_pages_for_setting_up_a_region_pass_axe_and_fit_a_phone(page: Page, locale: str) -> None:
    """The administration pages, changing a password and asking for a new one: no axe
    violation, no sideways scrolling, in every language; with errors on the form too."""
    page.goto("/password/forgot")
    switch_language(page, locale)
    check_page(page, locale)
    log_in(page, "admin")
    switch_language(page, locale)
    for path in (
        "/admin",
        "/admin/regions",
        f"/admin/regions/{REGION}",
        "/admin/topics",
        "/admin/organisations",
        f"/admin/people?region={REGION}",
        "/account/password",
    ):
        visit(page, path, locale)
    page.goto(f"/admin/people?region={REGION}")
    page.locator("#grant-name").fill("nobody-" + uuid.uuid4().hex)
    page.locator("form[method='post'][action='/admin/people'] button").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#grant-name")).to_have_attribute("aria-invalid", "true")
    check_page(page, locale)


# --- 7: the keyboard ----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", f"/r/{REGION}", "/login"])
def test_the_first_tab_reaches_the_skip_link_and_it_moves_focus_to_main(
    journey_context: BrowserContext, path: str
) -> None:
    page = journey_context.new_page()
    page.goto(path)
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, f"not on screen: {box}"

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    expect(page).to_have_url(re.compile(r"#main$"))
