"""The README's pictures: docs/screenshots.py still makes every one of them, phone-sized and small.

The script runs, as a developer runs it, against the session's test server, so that a page it
cannot reach any more (a renamed field, a moved link) fails here rather than on the day someone
refreshes the pictures. It runs in a process of its own: Playwright's sync API cannot start
inside the one pytest-playwright already runs.
"""

from __future__ import annotations

import re
import struct
import subprocess
import sys
import zlib
from pathlib import Path

from tests.browser.chromium import PHONE
from tests.browser.conftest import Server

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
SCRIPT = ROOT / "docs" / "screenshots.py"
# The aim is 60 KB a picture; the budget leaves room for a page that grows a little.
BUDGET = 80 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # PNG colour type -> samples per pixel


def readme_pictures() -> set[str]:
    return set(re.findall(r"docs/(screenshot-[a-z0-9-]+\.png)", README.read_text()))


def png_dimensions(path: Path) -> tuple[int, int]:
    """Width and height of a whole, valid 8-bit PNG: every chunk's CRC and the image data."""
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE), path
    position, chunks, image = len(PNG_SIGNATURE), [], b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length : position + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"{path}: bad {kind!r} chunk"
        chunks.append(kind)
        if kind == b"IDAT":
            image += body
        position += 12 + length
    assert chunks[0] == b"IHDR" and chunks[-1] == b"IEND", chunks
    header = data[16:29]
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in CHANNELS, (depth, colour)
    # One filter byte, then the samples, on each row.
    assert len(zlib.decompress(image)) == height * (1 + width * CHANNELS[colour])
    return width, height


def test_it_makes_every_picture_the_readme_shows(server: Server, tmp_path: Path) -> None:
    pictures = readme_pictures()
    assert len(pictures) >= 8, pictures

    subprocess.run(
        [sys.executable, str(SCRIPT), "--url", server.url, "--out", str(tmp_path)],
        check=True,
        timeout=120,
    )

    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(pictures)
    for name in pictures:
        path = tmp_path / name
        assert png_dimensions(path) == (PHONE["width"], PHONE["height"]), name
        assert path.stat().st_size < BUDGET, f"{name}: {path.stat().st_size} bytes"


def test_the_pictures_the_readme_shows_are_in_docs() -> None:
    for name in readme_pictures():
        path = ROOT / "docs" / name
        assert path.is_file(), f"{name}: run python docs/screenshots.py"
        assert png_dimensions(path) == (PHONE["width"], PHONE["height"]), name
        assert path.stat().st_size < BUDGET, name
