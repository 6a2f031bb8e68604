"""Screenshots of Agora's main pages at phone size, for the README.

    python docs/screenshots.py                          # its own demo server, into docs/
    python docs/screenshots.py --url http://127.0.0.1:8000 --out /tmp/shots

Without --url it starts `python -m forum.cli serve --demo` on a throwaway SQLite database and a
free port, and stops it at the end, so that the pictures show the demo data and nothing else.
It launches Chromium as the browser tests do (tests/browser/chromium.py: Debian's
/usr/bin/chromium, never `playwright install`) on a 390x844 phone screen at one pixel per CSS
pixel, and saves what the screen shows of each page, without animations or a text caret, so
that running it again gives the same pictures unless a page changed.
tests/browser/test_screenshots.py runs it against the test server so that it cannot rot.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.chromium import CHROMIUM, FLAGS, LOCALE, PHONE  # noqa: E402

PASSWORD = "demo-password"  # every demo login's (demo data only)
REGION = "alentejo"
STARTUP_TIMEOUT = 60.0
SECRET_KEY = "screenshots-secret-key-for-a-throwaway-demo-database-only"


@dataclass(frozen=True)
class Shot:
    """One picture: its file name, who is logged in (None: a visitor), how to get to the page,
    and what to scroll to the top of the screen (None: the top of the page)."""

    name: str
    login: str | None
    show: Callable[[Page], None]
    scroll_to: str | None = None


def _home(page: Page) -> None:
    page.goto("/")


def _region(page: Page) -> None:
    page.goto(f"/r/{REGION}")


def _answered_concern(page: Page) -> None:
    """The newest concern of the region with an official answer."""
    page.goto(f"/r/{REGION}?status=answered")
    page.locator(".concern-row h3 a").first.click()
    page.wait_for_load_state()


def _raise_with_errors(page: Page) -> None:
    """The form sent empty: the error summary at the top and each message beside its field."""
    page.goto(f"/r/{REGION}/new")
    page.locator(f"form[action='/r/{REGION}/new'] button").click()
    page.locator(".error-summary").wait_for()


def _moderation(page: Page) -> None:
    page.goto("/moderation")


def _partner(page: Page) -> None:
    page.goto("/partner")


def _summary(page: Page) -> None:
    page.goto(f"/r/{REGION}/summary")


def _in_portuguese(page: Page) -> None:
    """The link the footer's language switcher offers, as a person would follow it."""
    page.goto(f"/language?lang=pt_PT&next=/r/{REGION}")


SHOTS = [
    Shot("screenshot-home.png", None, _home),
    Shot("screenshot-region.png", None, _region, scroll_to="#concerns"),
    Shot("screenshot-concern.png", None, _answered_concern, scroll_to="#conversation"),
    Shot("screenshot-raise-errors.png", "citizen", _raise_with_errors),
    Shot("screenshot-moderation.png", "moderator", _moderation),
    Shot("screenshot-partner.png", "partner", _partner),
    # The figures, not the date of the summary above them: that changes every day.
    Shot("screenshot-summary.png", "leader", _summary, scroll_to="#figures"),
    Shot("screenshot-region-pt.png", None, _in_portuguese),
]
# A little room above the element scrolled to, so that it does not touch the screen's edge.
SCROLL_MARGIN = 12


def log_in(page: Page, name: str) -> None:
    page.goto("/login")
    page.locator("#name").fill(name)
    page.locator("#password").fill(PASSWORD)
    page.locator("form[action='/login'] button").click()
    page.locator("header a[href='/account']").wait_for()


def scroll(page: Page, selector: str) -> None:
    page.locator(selector).evaluate(
        "(element, margin) => window.scrollTo(0,"
        " element.getBoundingClientRect().top + window.scrollY - margin)",
        SCROLL_MARGIN,
    )


def take(browser: Browser, url: str, out: Path) -> list[Path]:
    """Every shot, each in a fresh context (no cookies, no language choice carried over)."""
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    for shot in SHOTS:
        context = browser.new_context(
            base_url=url, viewport=PHONE, device_scale_factor=1, locale=LOCALE
        )
        try:
            page = context.new_page()
            if shot.login:
                log_in(page, shot.login)
            shot.show(page)
            page.wait_for_load_state("load")
            if shot.scroll_to:
                scroll(page, shot.scroll_to)
            path = out / shot.name
            page.screenshot(path=path, animations="disabled", caret="hide", scale="css")
            saved.append(path)
        finally:
            context.close()
    return saved


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_healthy(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"`forum serve` exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise SystemExit(f"`forum serve` did not answer /healthz in time:\n{log.read_text()}")


@contextmanager
def demo_server() -> Iterator[str]:
    """`forum serve --demo` on a throwaway SQLite database; yields its base URL."""
    with tempfile.TemporaryDirectory(prefix="agora-screenshots-") as folder:
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        env = {name: value for name, value in os.environ.items() if not name.startswith("FORUM_")}
        env |= {
            "FORUM_DATABASE_URL": f"sqlite:///{folder}/forum.db",
            "FORUM_SECRET_KEY": SECRET_KEY,
            "FORUM_BASE_URL": url,
            "FORUM_UPLOAD_DIR": f"{folder}/uploads",
            "FORUM_WORKER": "off",
            "PYTHONPATH": str(ROOT),
        }
        log = Path(folder) / "server.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "forum.cli", "serve", "--demo", "--port", str(port)],
                cwd=folder,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait_until_healthy(process, url, log)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def screenshots(url: str, out: Path) -> list[Path]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            return take(browser, url, out)
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--url", help="a running Agora (default: start a demo server)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="default: docs/")
    args = parser.parse_args(argv)
    if args.url:
        saved = screenshots(args.url.rstrip("/"), args.out)
    else:
        with demo_server() as url:
            saved = screenshots(url, args.out)
    for path in saved:
        print(f"{path}  {path.stat().st_size / 1024:.1f} KB")


if __name__ == "__main__":
    main()
