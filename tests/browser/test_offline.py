"""On a weak signal: pages read offline, drafts kept on the phone, each sent once.

Playwright's offline mode cuts the browser (and its service worker) off the network, as a
phone that loses its signal in a valley. What a person sees is matched through the app's own
catalogs (`say`).
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
from PIL import Image
from playwright.sync_api import BrowserContext, Page, Route, expect

from tests.browser.conftest import SECRET_KEY, Server, _free_port, _wait_until_healthy
from tests.browser.test_journeys import CONCERN_URL, REGION, log_in, register, say, unique

WAITING = (
    "There is no connection. What you wrote is kept on this phone, and it will be sent "
    "when the connection is back."
)
RESTORED = "What you wrote before is back: it was kept on this phone. It is not sent yet."


def controlled_by_the_service_worker(page: Page) -> None:
    """Wait until the worker is active and controls this page. It claims the pages open when
    it starts; a page whose loading began just before that is controlled from its reload."""
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("() => Boolean(navigator.serviceWorker.controller)"):
        page.reload()
    page.wait_for_function("() => Boolean(navigator.serviceWorker.controller)")


def eventually(page: Page, script: str, arg: object = None, timeout: float = 20) -> None:
    """Poll `script` (which may return a promise: page.evaluate awaits it, unlike
    wait_for_function) until it is true."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script, arg):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {script}"
        page.wait_for_timeout(100)


def saved_offline(page: Page, path: str) -> None:
    """Wait until the worker has saved `path` in the pages it keeps."""
    eventually(
        page,
        """path => caches.open("agora-pages")
            .then(cache => cache.match(new URL(path, location.href).href, {ignoreVary: true}))
            .then(Boolean)""",
        path,
    )


def opened_and_kept(page: Page, url: str) -> None:
    """Open the site once (the worker installs), then `url`, and wait until it is kept."""
    page.goto(urljoin(url, "/"))
    controlled_by_the_service_worker(page)
    page.goto(url)
    saved_offline(page, url)


def concerns_titled(page: Page, title: str) -> int:
    """How many concerns of the region carry `title`, as the JSON API counts them."""
    response = page.request.get(f"/api/regions/{REGION}/concerns", params={"q": title})
    assert response.ok
    return sum(1 for concern in response.json()["concerns"] if concern["title"] == title)


NEW_CONCERN = f"**/r/{REGION}/new"


def cut_off(context: BrowserContext, page: Page) -> None:
    """No signal: the browser offline, and a concern sent from `page` refused at the network.
    Chromium's offline mode alone let such a request reach the server while the page was
    told the network had failed: twice in CI, in each test that sends a concern offline (one
    concern raised while "offline"; one draft that reached the server twice)."""
    context.set_offline(True)
    page.route(NEW_CONCERN, _refused_if_sent)


def _refused_if_sent(route: Route) -> None:
    if route.request.method == "POST":
        route.abort("internetdisconnected")
    else:
        route.fallback()  # pages are the service worker's and the offline mode's to answer


def signal_back(context: BrowserContext, page: Page) -> None:
    page.unroute(NEW_CONCERN)
    context.set_offline(False)


@pytest.fixture
def answered_concern(page: Page) -> tuple[str, str]:
    """The path and title of a demo concern with an official answer."""
    page.goto(f"/r/{REGION}?status=answered")
    link = page.locator(".concern-row h3 a").first
    href = link.get_attribute("href")
    assert href is not None
    return href, link.inner_text().strip()


@pytest.fixture
def citizen(context: BrowserContext, page: Page) -> Page:
    page.goto(f"/r/{REGION}")
    register(page, unique("Aldina"))
    return page


# --- reading without a signal ----------------------------------------------------------------


def test_a_concern_read_earlier_can_be_read_offline_with_a_notice(
    context: BrowserContext, page: Page, answered_concern: tuple[str, str]
) -> None:
    path, title = answered_concern
    opened_and_kept(page, path)
    expect(page.locator("#offline-notice")).to_be_hidden()

    context.set_offline(True)
    page.reload()

    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator("#offline-notice")).to_be_visible()
    expect(page.locator("#offline-notice")).to_have_text(
        say("en", "You are offline. What you see may be out of date.")
    )
    expect(page.locator("link[rel=stylesheet]")).to_have_count(1)
    assert page.evaluate("() => getComputedStyle(document.body).fontFamily") != "Times New Roman"


def test_a_page_never_opened_shows_the_offline_page_with_what_can_be_read(
    context: BrowserContext, page: Page, answered_concern: tuple[str, str]
) -> None:
    path, title = answered_concern
    opened_and_kept(page, path)

    context.set_offline(True)
    page.goto("/c/1000000")  # never opened on this phone

    expect(page.locator("h1")).to_have_text(say("en", "You are offline"))
    saved = page.locator("#saved-pages")
    expect(saved).to_be_visible()
    expect(saved.get_by_role("link", name=title)).to_have_attribute("href", re.compile(path))


def test_the_notice_shows_while_the_signal_is_gone_and_goes_when_it_is_back(
    context: BrowserContext, page: Page
) -> None:
    page.goto(f"/r/{REGION}")
    notice = page.locator("#offline-notice")
    expect(notice).to_be_hidden()
    context.set_offline(True)
    expect(notice).to_be_visible()
    context.set_offline(False)
    expect(notice).to_be_hidden()


# --- writing without a signal ----------------------------------------------------------------


def test_a_concern_written_offline_is_kept_and_sent_once_when_the_signal_is_back(
    context: BrowserContext, citizen: Page
) -> None:
    page = citizen
    title = unique("Sem rede no posto médico")
    opened_and_kept(page, f"/r/{REGION}/new")
    page.locator("#title").fill(title)
    page.locator("#body").fill("Desde maio não há rede no posto médico.")

    cut_off(context, page)
    page.locator(f"form[action='/r/{REGION}/new'] button.button-main").click()
    status = page.locator(".draft-status")
    expect(status).to_contain_text(say("en", WAITING))
    expect(status.get_by_role("button", name=say("en", "Send now"))).to_be_visible()
    send = page.locator(f"form[action='/r/{REGION}/new'] button.button-main:not(.send-now)")
    expect(send).to_be_hidden()  # one button while it waits: "Send now"

    page.reload()  # the phone reopens the page, still without a signal
    expect(page.locator("#title")).to_have_value(title)
    expect(page.locator("#body")).to_have_value("Desde maio não há rede no posto médico.")
    expect(status).to_contain_text(say("en", WAITING))
    assert concerns_titled(page, title) == 0  # nothing was sent while offline

    signal_back(context, page)  # it is sent by itself
    expect(page).to_have_url(CONCERN_URL, timeout=20_000)
    expect(page.locator("h1")).to_have_text(title)
    thanks = say("en", "Thank you. Your concern is now public.")
    expect(page.get_by_role("status").filter(has_text=thanks)).to_be_visible()
    assert concerns_titled(page, title) == 1
    page.goto(f"/r/{REGION}/new")
    expect(page.locator("#title")).to_have_value("")  # the draft is gone once sent


def test_a_concern_whose_answer_was_lost_is_not_raised_twice(citizen: Page) -> None:
    """The server got it, but the signal dropped before the answer came back: the person is
    told it is waiting, taps "Send now", and finds the one concern."""
    page = citizen
    title = unique("O autocarro não para na aldeia")
    page.goto(f"/r/{REGION}/new")
    page.locator("#title").fill(title)
    page.locator("#body").fill("Desde maio o autocarro não para aqui.")

    def answer_lost(route: Route) -> None:
        route.fetch()  # it reaches the server, which raises the concern
        route.abort("internetdisconnected")

    page.route(f"**/r/{REGION}/new", answer_lost)
    page.locator(f"form[action='/r/{REGION}/new'] button.button-main").click()
    status = page.locator(".draft-status")
    expect(status).to_contain_text(say("en", WAITING))
    assert concerns_titled(page, title) == 1

    page.unroute(f"**/r/{REGION}/new")
    status.get_by_role("button", name=say("en", "Send now")).click()

    # One concern, and its page. (Which thank-you shows is not asked here: Playwright keeps
    # the cookie of the answer it aborted, which a real lost answer never delivers.)
    expect(page).to_have_url(CONCERN_URL)
    expect(page.locator("h1")).to_have_text(title)
    assert concerns_titled(page, title) == 1


def test_a_reply_being_written_survives_a_reload(citizen: Page) -> None:
    page = citizen
    page.goto(f"/r/{REGION}")
    page.locator(".concern-row h3 a").first.click()
    concern = page.url
    page.locator("#body").fill("Aqui também, todas as manhãs.")

    page.goto(concern)  # closed by mistake, opened again

    expect(page.locator("#body")).to_have_value("Aqui também, todas as manhãs.")
    expect(page.locator(".reply-form .draft-status")).to_have_text(say("en", RESTORED))
    page.locator("#send-reply").click()
    expect(page.locator("#conversation")).to_contain_text("Aqui também, todas as manhãs.")
    page.goto(concern)
    expect(page.locator("#body")).to_have_value("")
    expect(page.locator("#conversation .reply").filter(has_text="Aqui também")).to_have_count(1)


def test_a_reply_sent_after_its_concern_closed_comes_back_to_copy(
    citizen: Page, make_page: Callable[..., Page]
) -> None:
    page = citizen
    page.goto(f"/r/{REGION}")
    page.locator("main a.button[href$='/new']").click()
    title = unique("Fechada entretanto")
    page.locator("#title").fill(title)
    page.locator("#body").fill("Vai ser fechada.")
    page.locator(f"form[action='/r/{REGION}/new'] button.button-main").click()
    expect(page).to_have_url(CONCERN_URL)
    concern = page.url
    page.locator("#body").fill("Escrita no autocarro, enviada em casa.")

    moderator = make_page()
    moderator.goto(concern)
    log_in(moderator, "moderator")
    moderator.locator(".close-form input[value=off_topic]").check()
    moderator.locator(".close-form button").click()
    expect(moderator.locator("#concern-status .status-closed")).to_be_visible()

    page.locator("#send-reply").click()

    expect(page.locator("#conversation")).to_contain_text(
        say("en", "This concern is closed, so it takes no more replies.")
    )
    expect(page.locator("#unsent")).to_have_value("Escrita no autocarro, enviada em casa.")
    page.goto(concern)
    expect(page.locator("#unsent")).to_have_count(0)  # shown back once; the draft is done


def test_with_htmx_missing_a_form_sent_twice_makes_one_concern(citizen: Page) -> None:
    """JavaScript half-loaded (htmx never arrived): the browser sends the form itself, and
    the form's key still makes a second send harmless."""
    page = citizen
    page.route("**/static/htmx-*.js", lambda route: route.abort())
    title = unique("Sem htmx")
    page.goto(f"/r/{REGION}/new")
    page.locator("#title").fill(title)
    page.locator("#body").fill("O formulário foi enviado duas vezes.")
    page.locator(f"form[action='/r/{REGION}/new'] button.button-main").click()
    expect(page).to_have_url(CONCERN_URL)
    first = page.url

    page.go_back()  # the same form, with the same key, sent again
    expect(page.locator("#title")).to_have_value(title)
    page.locator(f"form[action='/r/{REGION}/new'] button.button-main").click()

    expect(page).to_have_url(first)
    expect(page.locator("main")).to_contain_text(
        say("en", "You already raised this concern. Here it is.")
    )
    assert concerns_titled(page, title) == 1


# --- a new release ---------------------------------------------------------------------------


@pytest.fixture
def release_server(server: Server, tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Start `forum serve` as release `name`, always on the same port and database."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    database = f"sqlite:///{tmp_path / 'release.db'}"
    running: list[subprocess.Popen[bytes]] = []

    def start(name: str) -> str:
        for process in running:
            process.terminate()
            process.wait(timeout=10)
        env = {key: value for key, value in os.environ.items() if not key.startswith("FORUM_")}
        env |= {
            "FORUM_DATABASE_URL": database,
            "FORUM_SECRET_KEY": SECRET_KEY,
            "FORUM_BASE_URL": url,
            "FORUM_WORKER": "off",
            "FORUM_RELEASE": name,
        }
        log = tmp_path / f"{name}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "forum.cli", "serve", "--demo", "--port", str(port)],
                cwd=tmp_path,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        running.append(process)
        _wait_until_healthy(process, url, log)
        return url

    yield start
    for process in running:
        process.terminate()
        process.wait(timeout=10)


def shell_caches(page: Page) -> list[str]:
    names: list[str] = page.evaluate(
        "() => caches.keys().then(names => names.filter(n => n.startsWith('agora-shell-')))"
    )
    return names


def worker_version(url: str) -> str:
    with urllib.request.urlopen(f"{url}/sw.js") as response:
        script = response.read().decode()
    return json.loads(script.split("const VERSION = ", 1)[1].split(";", 1)[0])


def test_a_phone_with_an_older_service_worker_updates_itself(
    new_context: Callable[..., BrowserContext], release_server: Callable[[str], str]
) -> None:
    url = release_server("2026.11.1")
    old = worker_version(url)
    page = new_context().new_page()
    opened_and_kept(page, f"{url}/r/{REGION}")
    assert shell_caches(page) == [f"agora-shell-{old}"]

    release_server("2026.12.1")  # the pilot deploys a new release
    new = worker_version(url)
    assert new != old
    page.goto(f"{url}/")  # the next visit finds the new worker, which takes over
    # The browser checks for a new worker after that visit in its own time; on a busy
    # machine that can be late, so ask for the same check now.
    page.evaluate("() => navigator.serviceWorker.getRegistration().then(r => r.update())")

    eventually(
        page,
        "name => caches.keys().then(names => names.filter(n => n.startsWith('agora-shell-')))"
        ".then(names => names.length === 1 && names[0] === name)",
        f"agora-shell-{new}",
        timeout=40,
    )
    page.wait_for_function(
        "url => navigator.serviceWorker.controller?.scriptURL === url", arg=f"{url}/sw.js"
    )

    # A page saved under the old release still reads well offline, with today's files.
    page.context.set_offline(True)
    page.goto(f"{url}/r/{REGION}")
    expect(page.locator("#offline-notice")).to_be_visible()
    background = page.evaluate(
        "() => getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    assert background not in ("rgba(0, 0, 0, 0)", "transparent"), "no stylesheet offline"


def _png_4x4() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


PNG_4x4 = _png_4x4()
PHOTO_WAITING = (
    "There is no connection. What you wrote and your photo will be sent when the connection "
    "is back, if this page stays open. The photo cannot be kept on this phone once the page "
    "is closed."
)
PHOTO_LOST = (
    "What you wrote before is back, but your photo could not be kept on this phone. Choose "
    "the photo again, then send."
)


def test_a_concern_with_a_photo_waits_while_the_page_is_open_and_says_when_the_photo_is_lost(
    context: BrowserContext, citizen: Page
) -> None:
    page = citizen
    title = unique("A pothole by the school")
    opened_and_kept(page, f"/r/{REGION}/new")
    page.locator("#title").fill(title)
    page.locator("#body").fill("Deep enough to break an ankle.")
    picture = {"name": "hole.png", "mimeType": "image/png", "buffer": PNG_4x4}
    page.locator("#photo").set_input_files(files=[picture])
    page.locator("#photo_alt").fill("A deep hole in the road")

    cut_off(context, page)
    page.locator(f"form[action='/r/{REGION}/new'] button.button-main").click()
    status = page.locator(".draft-status")
    expect(status).to_contain_text(say("en", PHOTO_WAITING))

    page.reload()  # the page was closed: the text comes back, the photo cannot
    expect(page.locator("#title")).to_have_value(title)
    expect(status).to_contain_text(say("en", PHOTO_LOST))
    signal_back(context, page)
    page.wait_for_timeout(1500)  # not sent without the photo the person meant to send
    assert concerns_titled(page, title) == 0

    page.locator("#photo").set_input_files(files=[picture])
    page.locator(f"form[action='/r/{REGION}/new'] button.button-main").click()
    expect(page).to_have_url(CONCERN_URL)
    expect(page.locator("figure.photo img")).to_have_attribute("alt", "A deep hole in the road")
    assert concerns_titled(page, title) == 1
