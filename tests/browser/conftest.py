"""Browser tests: Debian's Chromium driven by Playwright against a real `forum serve --demo`.

One server per session, on its own fresh database (SQLite, or PostgreSQL when
FORUM_TEST_DATABASE_URL is set); a fresh browser context per test, on a phone-sized viewport.
Never run `playwright install`: the tests launch Debian's /usr/bin/chromium (apt-get install
chromium). Without Chromium the tests skip, except in CI (CI=true), where they fail.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page

from tests.browser.chromium import CHROMIUM, FLAGS, LOCALE, PHONE, chromium_missing

SECRET_KEY = "browser-test-secret-key-that-is-long-enough-for-production-use"
STARTUP_TIMEOUT = 60.0
SERVE = [sys.executable, "-m", "forum.cli", "serve", "--demo"]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session", autouse=True)
def _chromium_is_installed() -> None:
    """Skip every browser test without Chromium; in CI a skip is a failure, so fail."""
    if not chromium_missing():
        return
    message = "Chromium is not installed (apt-get install chromium); never `playwright install`"
    if IN_CI:
        pytest.fail(f"CI=true and {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any], server: Server) -> dict[str, Any]:
    return {
        **browser_context_args,
        "viewport": PHONE,
        "base_url": server.url,
        "locale": LOCALE,
    }


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """A running `forum serve --demo`: its base URL and its log."""

    def __init__(self, url: str, log: Path) -> None:
        self.url = url
        self.log = log

    def log_size(self) -> int:
        return self.log.stat().st_size

    def log_since(self, offset: int) -> str:
        with self.log.open("rb") as log:
            log.seek(offset)
            return log.read().decode("utf-8", "replace")


def _wait_until_healthy(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"`forum serve` exited with {process.returncode}:\n{log.read_text()}",
                pytrace=False,
            )
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                # Our process must still be alive: another server on a reused port
                # could answer for it.
                if response.status == 200 and process.poll() is None:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    pytest.fail(
        f"`forum serve` did not answer /healthz in {STARTUP_TIMEOUT:.0f} s:\n{log.read_text()}",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def server(databases: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`python -m forum.cli serve --demo` on a fresh database and a free port."""
    database_url = databases.create()
    folder = tmp_path_factory.mktemp("server")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {name: value for name, value in os.environ.items() if not name.startswith("FORUM_")}
    env |= {
        "FORUM_DATABASE_URL": database_url,
        "FORUM_SECRET_KEY": SECRET_KEY,
        "FORUM_BASE_URL": url,
        "FORUM_UPLOAD_DIR": str(folder / "uploads"),
        # The browser tests send wrong passwords on purpose, many times, from one address.
        "FORUM_LOGIN_LIMIT_PER_CLIENT": "100000",
        "FORUM_LOGIN_LIMIT_PER_ACCOUNT": "100000",
        # ...and register, post and report many times from that one address too.
        "FORUM_REGISTRATIONS_PER_HOUR": "100000",
        "FORUM_CONCERNS_PER_HOUR": "100000",
        "FORUM_REPLIES_PER_HOUR": "100000",
        "FORUM_FLAGS_PER_HOUR": "100000",
        "PYTHONUNBUFFERED": "1",
    }
    log = folder / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*SERVE, "--host", "127.0.0.1", "--port", str(port)],
            cwd=folder,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_healthy(process, url, log)
        yield Server(url, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        databases.drop(database_url)


@pytest.fixture(autouse=True)
def _server_did_not_crash(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test fails when the server logged an unhandled error while it ran."""
    if "server" not in request.fixturenames:
        yield
        return
    server: Server = request.getfixturevalue("server")
    offset = server.log_size()
    yield
    logged = server.log_since(offset)
    assert "Traceback" not in logged and "unhandled error" not in logged, logged


@pytest.fixture
def nojs_context(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    """A fresh context whose pages run no JavaScript (the no-JS path of every form)."""
    return new_context(java_script_enabled=False)


@pytest.fixture
def nojs_page(nojs_context: BrowserContext) -> Page:
    return nojs_context.new_page()


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def js(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@pytest.fixture
def journey_context(new_context: Callable[..., BrowserContext], js: bool) -> BrowserContext:
    """A fresh context, with JavaScript on and then off."""
    return new_context(java_script_enabled=js)


@pytest.fixture
def make_page(new_context: Callable[..., BrowserContext]) -> Callable[..., Page]:
    """Another person at another phone: a page in a context of its own."""

    def make(*, js: bool = True) -> Page:
        return new_context(java_script_enabled=js).new_page()

    return make
