"""Photos on concerns: a picture of the broken thing, and nothing else about the person.

A file is accepted when its content is a JPEG, PNG or WebP image (not its name or declared
type), at most 10 MB and of a sane number of pixels (a "decompression bomb" is refused). It
is re-encoded, never kept as sent: turned as its EXIF orientation says, then written without
any metadata (EXIF, GPS, camera, comments, colour profile), at most 1600 px on its long side,
and again at phone size for the concern page (under about 100 KB). The files are named by a
random token, so nobody can guess another's address.

No web framework here: bytes in, files and a token out.
"""

from __future__ import annotations

import io
import os
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from forum.i18n import N_, Message

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel phone photo; a bomb claims far more
ACCEPTED = {"JPEG", "PNG", "WEBP"}
LONG_SIDE, PHONE_SIDE = 1600, 720
PHONE_BUDGET = 100_000  # bytes
MAX_ALT = 300

TOO_BIG = N_("The photo is too large. Choose one of at most 10 MB.")
NOT_A_PHOTO = N_("This file is not a photo we can show. Choose a JPEG, PNG or WebP picture.")


@dataclass(frozen=True)
class Photo:
    """A photo made safe: its two JPEG encodings, and the size of the phone-sized one."""

    large: bytes
    phone: bytes
    width: int
    height: int


def prepare(data: bytes) -> Photo | Message:
    """The photo re-encoded without metadata, or why it cannot be taken."""
    if len(data) > MAX_BYTES:
        return TOO_BIG
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=sorted(ACCEPTED))
            if image.width * image.height > MAX_PIXELS:
                return NOT_A_PHOTO
            image.load()
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        ValueError,
        SyntaxError,
    ):
        return NOT_A_PHOTO
    upright = _flattened(ImageOps.exif_transpose(image))
    large = _encoded(_fitted(upright, LONG_SIDE), quality=85)
    phone_image = _fitted(upright, PHONE_SIDE)
    phone = _within_budget(phone_image)
    return Photo(large, phone, phone_image.width, phone_image.height)


def _flattened(image: Image.Image) -> Image.Image:
    """RGB on white: JPEG has no transparency, and a palette or CMYK photo reads the same."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return image.convert("RGB")


def _fitted(image: Image.Image, side: int) -> Image.Image:
    fitted = image.copy()
    fitted.thumbnail((side, side), Image.Resampling.LANCZOS)
    return fitted


def _encoded(image: Image.Image, *, quality: int) -> bytes:
    """JPEG with nothing but pixels: Pillow writes no EXIF, comment or ICC profile unless
    asked to, and `image` is a fresh copy that carries none in its `info`."""
    out = io.BytesIO()
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    clean.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def _within_budget(image: Image.Image) -> bytes:
    for quality in (75, 65, 55, 45):
        encoded = _encoded(image, quality=quality)
        if len(encoded) <= PHONE_BUDGET:
            return encoded
    return encoded


@dataclass(frozen=True)
class Store:
    """The folder of photo files (FORUM_UPLOAD_DIR/photos), shared by every app instance."""

    directory: Path

    @classmethod
    def under(cls, upload_dir: str) -> Store:
        return cls(Path(upload_dir) / "photos")

    def path(self, token: str, size: str) -> Path:
        return self.directory / f"{token}.{size}.jpg"

    def save(self, photo: Photo) -> str:
        """Write both files (each whole or not at all) under a new token, and return it."""
        self.directory.mkdir(parents=True, exist_ok=True)
        token = secrets.token_urlsafe(24)
        for size, data in (("large", photo.large), ("phone", photo.phone)):
            final = self.path(token, size)
            partial = final.with_suffix(".part")
            partial.write_bytes(data)
            os.replace(partial, final)
        return token

    def delete(self, token: str) -> None:
        for size in ("large", "phone"):
            self.path(token, size).unlink(missing_ok=True)
