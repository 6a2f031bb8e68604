"""How Agora launches Chromium, shared by the browser tests and docs/screenshots.py.

Debian's /usr/bin/chromium (apt-get install chromium), never `playwright install`, which
downloads a browser and fails here. The flags keep Chromium from reaching outside hosts and
from needing a GPU or a sandbox; the viewport is a common phone's.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from playwright.sync_api import ViewportSize

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE: ViewportSize = {"width": 390, "height": 844}
# The language the browser asks for, so that pages are in English unless a test switches.
LOCALE = "en-GB"


def chromium_missing() -> bool:
    return shutil.which("chromium") is None and not Path(CHROMIUM).is_file()
