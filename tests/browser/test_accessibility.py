"""Accessibility checks that are usually done by hand, made into tests, on a phone.

For the main page types, in English and in Portuguese:

- reflow: at 320 px wide, and at 200% zoom (a 1280x1024 screen shows 640x512 CSS pixels),
  nothing scrolls sideways, nothing sticks out of the screen and no text is cut off;
- the keyboard: Tab reaches every control on the page, and each shows where the focus is,
  differently from how it looks without the focus;
- a citizen raises a concern with the keyboard alone;
- form errors: each wrong field points (aria-describedby) at its message, the error summary is
  announced (role=alert) and its links move the focus to the field;
- status messages: what was done is said in a live region, and an inline (htmx) change is said
  in a live region that was on the page before the change, so that screen readers announce it;
- contrast in the focused state of the main button and of links.

The axe-core sweep and the 44 px tap targets are in test_journeys.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, Playwright, expect

from tests.browser.conftest import Server
from tests.browser.test_journeys import (
    AXE,
    DEMO_PASSWORD,
    LONG_URL,
    LONG_WORD,
    REGION,
    Forum,
    log_in,
    register,
    registered_citizen,
    say,
    switch_language,
    unique,
)

LOCALES = ["en", "pt_PT"]
NARROW = {"width": 320, "height": 568}
# 1280x1024 at 200% zoom: the same CSS pixels as a 640x512 window.
ZOOMED = {"width": 640, "height": 512}


# --- what the checks look at, in the page ---------------------------------------------------

REFLOW = """() => {
  const problems = [];
  const root = document.documentElement;
  const width = root.clientWidth;
  const name = el => {
    const text = (el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 40);
    return `<${el.tagName.toLowerCase()} class="${el.getAttribute("class") || ""}"> "${text}"`;
  };
  const scrolls = style => style.overflowX === "auto" || style.overflowX === "scroll";
  const cuts = overflow => overflow === "hidden" || overflow === "clip";
  // A data table may scroll inside a box of its own (WCAG 1.4.10 allows it); nothing else.
  const inScrollingBox = el => {
    for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
      if (scrolls(getComputedStyle(box))) return true;
    }
    return false;
  };
  if (root.scrollWidth > width) {
    problems.push(`the page is ${root.scrollWidth}px wide on a ${width}px screen`);
  }
  for (const el of document.body.querySelectorAll("*")) {
    // Hidden on purpose: text for screen readers only, and the skip link until it has focus.
    if (el.closest(".visually-hidden, .skip-link, script, style, template")) continue;
    if (!el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if ((box.left < -1 || box.right > width + 1) && !inScrollingBox(el)) {
      const from = Math.round(box.left), to = Math.round(box.right);
      problems.push(`${name(el)} reaches from ${from} to ${to}px`);
    }
    if (el.matches("input, textarea, select") || !(el.textContent || "").trim()) continue;
    if (scrolls(style) && el.scrollWidth > el.clientWidth + 1 && !el.querySelector("table")) {
      problems.push(`${name(el)} scrolls sideways inside the page`);
    }
    if (cuts(style.overflowX) && el.scrollWidth > el.clientWidth + 1) {
      const widths = `${el.scrollWidth} > ${el.clientWidth}`;
      problems.push(`${name(el)} cuts its text off at the side (${widths})`);
    }
    if (cuts(style.overflowY) && el.scrollHeight > el.clientHeight + 1) {
      problems.push(`${name(el)} cuts its text off at the bottom`);
    }
  }
  return problems;
}"""

# Every control a keyboard should reach, each with a key (a group of radio buttons is one stop)
# and how it looks without the focus; then a listener that notes each element the focus reaches
# and how it looks then.
WATCH_FOCUS = """() => {
  // Start from the top, as on a fresh page: a page with errors has focused its summary.
  document.activeElement?.blur();
  const start = document.createElement("span");
  start.tabIndex = -1;
  document.body.prepend(start);
  start.focus();
  start.remove();
  const selector =
    "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]";
  const look = el => {
    const style = getComputedStyle(el);
    return {outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0,
            outlineColor: style.outlineColor, boxShadow: style.boxShadow};
  };
  const name = el => {
    const text = (el.textContent || el.value || el.name || "").trim().replace(/\\s+/g, " ");
    return `<${el.tagName.toLowerCase()}${el.id ? " id=" + el.id : ""}> "${text.slice(0, 40)}"`;
  };
  const keys = new Map();
  const controls = {};
  let number = 0;
  for (const el of document.querySelectorAll(selector)) {
    if (el.disabled || el.tabIndex < 0 || el.closest("[inert]")) continue;
    if (!el.checkVisibility({visibilityProperty: true}) || !el.getClientRects().length) continue;
    const key = el.matches("input[type=radio]")
      ? `radios ${el.form ? [...document.forms].indexOf(el.form) : "-"} ${el.name}`
      : `${number++} ${name(el)}`;
    keys.set(el, key);
    controls[key] = {name: name(el), unfocused: look(el)};
  }
  const reached = [];
  document.addEventListener("focusin", event => {
    const el = event.target;
    const key = keys.get(el);
    reached.push({key: key ?? `not a control: ${name(el)}`, name: name(el), focused: look(el),
                  unfocused: key ? controls[key].unfocused : null});
  });
  window.agoraFocus = {controls, reached};
  return Object.keys(controls).length;
}"""


@dataclass
class FocusWalk:
    controls: dict[str, dict[str, Any]]
    reached: list[dict[str, Any]]


def walk_with_tab(page: Page) -> FocusWalk:
    """Press Tab through the whole page, until the focus comes round to the start again.

    A control may take several presses (a date field has a stop for the day, the month and
    the year), so the walk goes on in rounds, up to a few times the number of controls."""
    count: int = page.evaluate(WATCH_FOCUS)
    for _ in range(4):
        for _ in range(count + 2):
            page.keyboard.press("Tab")
        walk = page.evaluate("() => window.agoraFocus")
        keys = [step["key"] for step in walk["reached"]]
        if keys and keys[0] in keys[1:]:
            break
    return FocusWalk(walk["controls"], walk["reached"])


def shows_focus(focused: dict[str, Any], unfocused: dict[str, Any]) -> bool:
    """An outline, or a shadow, that the element does not have without the focus."""
    outline = focused["outlineStyle"] != "none" and focused["outlineWidth"] > 0
    outline_before = unfocused["outlineStyle"] != "none" and unfocused["outlineWidth"] > 0
    new_outline = outline and (
        not outline_before
        or (focused["outlineWidth"], focused["outlineColor"])
        != (unfocused["outlineWidth"], unfocused["outlineColor"])
    )
    new_shadow = focused["boxShadow"] != "none" and focused["boxShadow"] != unfocused["boxShadow"]
    return new_outline or new_shadow


def check_reflow(page: Page) -> None:
    phone = page.viewport_size
    for viewport in (NARROW, ZOOMED):
        page.set_viewport_size(viewport)
        problems = page.evaluate(REFLOW)
        where = f"{page.url} at {viewport['width']}x{viewport['height']}"
        assert not problems, f"{where}:\n" + "\n".join(problems)
    assert phone is not None
    page.set_viewport_size(phone)


def check_keyboard(page: Page) -> None:
    walk = walk_with_tab(page)
    where = page.url
    reached = {step["key"] for step in walk.reached}
    missed = [control["name"] for key, control in walk.controls.items() if key not in reached]
    assert not missed, f"{where}: Tab never reaches:\n" + "\n".join(missed)
    strays = sorted(key for key in reached if key not in walk.controls)
    assert not strays, f"{where}: Tab stops where no control is:\n" + "\n".join(strays)
    unseen = sorted(
        {
            step["name"]
            for step in walk.reached
            if not shows_focus(step["focused"], step["unfocused"])
        }
    )
    assert not unseen, f"{where}: no visible focus on:\n" + "\n".join(unseen)


# --- the pages ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def neighbour(playwright: Playwright, server: Server) -> Iterator[Forum]:
    """A citizen, who raises the concern the pages show: long words break narrow screens."""
    with registered_citizen(playwright, server, "Neighbour") as forum:
        yield forum


@pytest.fixture(scope="module")
def concern_path(neighbour: Forum) -> str:
    concern_id = neighbour.raise_concern(
        REGION, f"Die {LONG_WORD} ist zu klein", f"{LONG_WORD} {LONG_WORD}\nSee {LONG_URL}"
    )
    return f"/c/{concern_id}"


def go(path: str) -> Callable[[Page], None]:
    def open_page(page: Page) -> None:
        response = page.goto(path)
        assert response is not None

    return open_page


def new_concern_with_errors(page: Page) -> None:
    page.goto(f"/r/{REGION}/new")
    page.locator(f"form[action='/r/{REGION}/new'] button").click()
    expect(page.locator(".error-summary")).to_be_focused()  # it takes the focus
    # htmx focuses it after the swap, and the browser may again at its next rendering step
    # (autofocus): let both happen before a test walks the page with Tab.
    page.evaluate(
        "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
    )


def pages_for(role: str, concern_path: str) -> list[Callable[[Page], None]]:
    if role == "visitor":
        paths = ["/", f"/r/{REGION}", concern_path, "/login", "/register", "/no-such-page"]
        return [go(path) for path in paths]
    if role == "citizen":
        return [go(concern_path), new_concern_with_errors, go("/account")]
    return [go("/moderation"), go("/partner"), go(f"/r/{REGION}/summary")]


def arrive_as(page: Page, role: str, locale: str) -> None:
    """A visitor, a new citizen, or staff (the admin sees every staff page), in `locale`."""
    page.goto("/")
    if role == "citizen":
        register(page, unique("Keyboard user"))
    elif role == "staff":
        log_in(page, "admin")
    switch_language(page, locale)


ROLES = ["visitor", "citizen", "staff"]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("role", ROLES)
def test_pages_reflow_at_320_px_and_at_200_percent_zoom(
    page: Page, role: str, locale: str, concern_path: str
) -> None:
    arrive_as(page, role, locale)
    for open_page in pages_for(role, concern_path):
        open_page(page)
        check_reflow(page)


def test_the_reflow_check_finds_a_box_too_wide_and_text_cut_off(page: Page) -> None:
    page.goto("/login")
    page.set_viewport_size(NARROW)
    # Styles set from a script: the Content-Security-Policy refuses style attributes.
    page.evaluate(
        """() => {
          const main = document.querySelector("main");
          const wide = main.appendChild(document.createElement("div"));
          wide.textContent = "A box as wide as an old desktop screen";
          wide.style.width = "400px";
          const cut = main.appendChild(document.createElement("p"));
          cut.textContent = "A sentence that does not fit in its box";
          Object.assign(cut.style, {width: "10rem", whiteSpace: "nowrap", overflow: "hidden"});
        }"""
    )
    problems = "\n".join(page.evaluate(REFLOW))
    assert "the page is" in problems
    assert "A box as wide" in problems
    assert "A sentence that does not fit" in problems and "cuts its text off" in problems


def test_the_keyboard_check_finds_a_control_without_a_visible_focus(page: Page) -> None:
    page.goto("/login")
    page.evaluate(
        """() => {
          const sheet = new CSSStyleSheet();
          sheet.replaceSync("form button:focus-visible { outline: none; box-shadow: none; }");
          document.adoptedStyleSheets = [sheet];
        }"""
    )
    with pytest.raises(AssertionError, match=r'no visible focus on:\s+<button> "Log in"'):
        check_keyboard(page)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("role", ROLES)
def test_tab_reaches_every_control_and_shows_where_the_focus_is(
    page: Page, role: str, locale: str, concern_path: str
) -> None:
    arrive_as(page, role, locale)
    for open_page in pages_for(role, concern_path):
        open_page(page)
        check_keyboard(page)


# --- the keyboard alone -----------------------------------------------------------------------


def tab_to(page: Page, target: Locator, limit: int = 80) -> None:
    """Press Tab until `target` has the focus, as a person who cannot use a mouse does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


def test_a_citizen_raises_a_concern_with_the_keyboard_alone(page: Page) -> None:
    name = unique("Keys")
    page.goto("/")
    register(page, name)
    page.goto(f"/r/{REGION}")
    switch_language(page, "en")

    tab_to(page, page.locator("main a.button[href$='/new']"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"/r/{REGION}/new")
    title = unique("The health tablet letters are too small")
    tab_to(page, page.locator("#title"))
    page.keyboard.type(title)
    page.keyboard.press("Tab")
    expect(page.locator("#body")).to_be_focused()
    page.keyboard.type("My mother cannot read them.")
    page.keyboard.press("Tab")
    expect(page.locator("#topic")).to_be_focused()
    for field in ("#service", "#photo", "#photo_alt", "#language"):  # the optional ones, in order
        page.keyboard.press("Tab")
        expect(page.locator(field)).to_be_focused()
    page.keyboard.press("Tab")
    send = page.locator(f"form[action='/r/{REGION}/new'] button")
    expect(send).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/c/\d+$"))
    expect(page.locator("article.concern h1")).to_have_text(title)
    expect(page.locator("article.concern")).to_contain_text(
        say("en", "Raised by %(name)s", name=name)
    )


# --- form errors ------------------------------------------------------------------------------


def check_form_errors(page: Page, form: str) -> None:
    """Every wrong field points at its message; the summary is announced and its links lead
    to the fields."""
    summary = page.locator(f"{form} .error-summary, main > .error-summary")
    expect(summary).to_have_count(1)
    expect(summary).to_have_attribute("role", "alert")
    links = summary.locator("a")
    wrong = page.locator(f"{form} [aria-invalid='true']")
    expect(wrong).not_to_have_count(0)
    assert wrong.count() == links.count(), "one link in the summary for each wrong field"
    for field in wrong.all():
        field_id = field.get_attribute("id")
        message = summary.locator(f"a[href='#{field_id}']").inner_text().strip()
        described_by = (field.get_attribute("aria-describedby") or "").split()
        assert described_by, f"#{field_id} does not point at its message"
        said = []
        for described in described_by:
            target = page.locator(f"[id='{described}']")
            expect(target).to_have_count(1)
            said.append(target.inner_text())
        assert message in " ".join(said), f"#{field_id} is described by {said}, not {message!r}"
    for index in range(links.count()):
        link = links.nth(index)
        field_id = (link.get_attribute("href") or "").removeprefix("#")
        link.click()
        expect(page.locator(f"[id='{field_id}']")).to_be_focused()


def test_form_errors_point_at_the_fields_and_lead_to_them(
    journey_context: BrowserContext, make_page: Callable[..., Page], concern_path: str
) -> None:
    page = journey_context.new_page()
    page.goto("/register")
    switch_language(page, "en")
    page.locator("#password").fill("short")
    page.locator("#email").fill("not an email address")
    page.locator("form[action='/register'] button").click()
    check_form_errors(page, "form[action='/register']")

    page.goto("/login")
    page.locator("#name").fill("nobody")
    page.locator("#password").fill("not the password")
    page.locator("form[action='/login'] button").click()
    check_form_errors(page, "form[action='/login']")

    page.locator("#name").fill("citizen")
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("form[action='/login'] button").click()
    page.goto(f"/r/{REGION}/new")
    page.locator("#title").fill("x" * 300)
    page.locator(f"form[action='/r/{REGION}/new'] button").click()
    check_form_errors(page, f"form[action='/r/{REGION}/new']")

    page.goto(concern_path)
    page.locator(".reply-form button").click()  # an empty reply
    expect(page.locator(".reply-form .error-summary")).to_be_visible()
    check_form_errors(page, ".reply-form")


# --- status messages --------------------------------------------------------------------------

LIVE = "[role=status], [role=alert], [role=log], [aria-live=polite], [aria-live=assertive]"


def mark_live_regions(page: Page) -> None:
    """Note the live regions on the page now: an inline change must be said in one of them."""
    page.evaluate(f"() => document.querySelectorAll('{LIVE}').forEach(el => el.agoraWasLive = 1)")


def said_in_a_live_region(text: Locator, *, already_there: bool) -> None:
    """`text` is inside a live region (one that was there before the change, if asked)."""
    live = text.evaluate(
        f"""el => {{
          for (let box = el; box; box = box.parentElement) {{
            if (box.matches('{LIVE}')) return {{live: true, before: Boolean(box.agoraWasLive)}};
          }}
          return {{live: false, before: false}};
        }}"""
    )
    assert live["live"], f"{text} is in no live region"
    if already_there:
        assert live["before"], f"{text} is in a live region made by the change: not announced"


def test_confirmations_are_said_in_a_live_region(journey_context: BrowserContext, js: bool) -> None:
    page = journey_context.new_page()
    page.goto(f"/r/{REGION}")
    register(page, unique("Status"))
    switch_language(page, "en")

    page.locator("main a.button[href$='/new']").click()
    page.locator("#title").fill(unique("The bus stop sign shows the wrong times"))
    page.locator("#body").fill("It says 9:00 but the bus comes at 9:30.")
    page.locator(f"form[action='/r/{REGION}/new'] button").click()
    raised = page.get_by_text(say("en", "Thank you. Your concern is now public."))
    expect(raised).to_be_visible()
    said_in_a_live_region(raised, already_there=False)

    if js:
        mark_live_regions(page)
    page.locator("#body").fill(unique("Also at the stop by the school."))
    page.locator(".reply-form button").click()
    published = page.get_by_text(say("en", "Your reply is published."))
    expect(published).to_be_visible()
    # Without JavaScript the page is new; with it, only the live regions already there speak.
    said_in_a_live_region(published, already_there=js)


def test_an_inline_me_too_keeps_the_focus_and_is_announced(page: Page, concern_path: str) -> None:
    page.goto(concern_path)
    register(page, unique("Me too"))
    switch_language(page, "en")
    button = page.locator("#support button")
    mark_live_regions(page)
    tab_to(page, button)
    with page.expect_response(f"**{concern_path}/support"):
        page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button).to_be_focused()  # the keyboard goes on from where it was
    said_in_a_live_region(page.locator("#support .count"), already_there=True)

    mark_live_regions(page)
    page.locator("#body").fill(unique("Me too, at the library."))
    page.locator("#send-reply").focus()
    page.keyboard.press("Enter")
    published = page.get_by_text(say("en", "Your reply is published."))
    expect(published).to_be_visible()
    said_in_a_live_region(published, already_there=True)
    expect(page.locator("#send-reply")).to_be_focused()


# --- contrast with the focus ------------------------------------------------------------------


def contrast_problems(page: Page) -> str:
    results = AXE.run(page, options={"runOnly": ["color-contrast"]})
    return "" if results.violations_count == 0 else results.generate_report()


def test_focused_buttons_and_links_keep_their_contrast(page: Page) -> None:
    page.goto(f"/r/{REGION}")
    register(page, unique("Contrast"))
    switch_language(page, "en")
    for control in (
        page.locator("main a.button-main"),  # the main button
        page.locator("main .concern-row h3 a").first,  # a link on white
        page.locator("header a[href='/account']"),  # a link on the green header
        page.locator("header form[action='/logout'] button"),  # a button that looks like a link
        page.locator("main form.filters button"),  # a secondary button
    ):
        tab_to(page, control)
        problems = contrast_problems(page)
        assert not problems, f"{control} focused:\n{problems}"
