"""The static files, served under names that carry a hash of their content.

`/static/agora.1a2b3c4d5e.css` never changes, so a phone keeps it for a year without asking
again (`immutable`); a new release has new names, so nobody is left with an old stylesheet.
The files are few and small: each is read and gzipped once, when the app starts, and served
from memory. The plain names (`/static/agora.css`) still work, revalidated on every use.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from forum.resources import STATIC_DIR

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}

router = APIRouter()


@dataclass(frozen=True)
class Asset:
    name: str
    hashed_name: str
    body: bytes
    gzipped: bytes
    media_type: str

    def etag(self, *, gzipped: bool) -> str:
        """Each encoding its own tag: the two bodies differ byte for byte."""
        return f'"{self.hashed_name}{"-gzip" if gzipped else ""}"'


def _load(path: Path) -> Asset:
    body = path.read_bytes()
    digest = hashlib.sha256(body).hexdigest()[:10]
    media_type = MEDIA_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
    return Asset(
        name=path.name,
        hashed_name=f"{path.stem}.{digest}{path.suffix}",
        body=body,
        gzipped=gzip.compress(body, compresslevel=9, mtime=0),
        media_type=media_type or "application/octet-stream",
    )


class Assets:
    """Every file of the static folder, by its plain and by its hashed name."""

    def __init__(self, directory: Path = STATIC_DIR) -> None:
        assets = [_load(path) for path in sorted(directory.iterdir()) if path.is_file()]
        self._by_name = {asset.name: asset for asset in assets}
        self._by_hashed_name = {asset.hashed_name: asset for asset in assets}
        # Changes whenever any file changes: the service worker's cache is named after it.
        self.digest = hashlib.sha256(
            " ".join(asset.hashed_name for asset in assets).encode()
        ).hexdigest()[:12]

    def url(self, name: str) -> str:
        """`/static/agora.1a2b3c4d5e.css` for `agora.css`; a KeyError for a file we do not have."""
        return f"/static/{self._by_name[name].hashed_name}"

    def urls(self) -> list[str]:
        return [self.url(name) for name in self._by_name]

    def find(self, name: str) -> tuple[Asset, bool] | None:
        """The asset a request names, and whether that name can be cached for ever."""
        if name in self._by_hashed_name:
            return self._by_hashed_name[name], True
        if name in self._by_name:
            return self._by_name[name], False
        return None


def matches(if_none_match: str, etag: str) -> bool:
    """Whether If-None-Match names this tag: one of a list, weak or strong, or `*`."""
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in tags or etag in tags


def accepts_gzip(accept_encoding: str) -> bool:
    for part in accept_encoding.split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            return params.replace(" ", "").lower() not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


@router.api_route("/static/{name}", methods=["GET", "HEAD"], include_in_schema=False)
async def static_file(request: Request, name: str) -> Response:
    assets: Assets = request.app.state.assets
    found = assets.find(name)
    if found is None:
        raise HTTPException(404)
    asset, immutable = found
    gzipped = accepts_gzip(request.headers.get("accept-encoding", "")) and len(asset.gzipped) < len(
        asset.body
    )
    headers = {
        "Cache-Control": IMMUTABLE if immutable else REVALIDATE,
        "ETag": asset.etag(gzipped=gzipped),
        "Vary": "Accept-Encoding",
    }
    if matches(request.headers.get("if-none-match", ""), headers["ETag"]):
        return Response(status_code=304, headers=headers)
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    return Response(
        asset.gzipped if gzipped else asset.body, media_type=asset.media_type, headers=headers
    )
