"""The service worker (`/sw.js`) and the page it shows when a page is not saved offline.

The worker keeps the app shell (the hashed static files and the offline page) and the pages
a person opened recently, so they can be read without a signal. It is named after everything
that makes up a release, so a phone with an older worker installs the new one on its next
visit and drops the old shell (see templates/offline/sw.js).
"""

from __future__ import annotations

import hashlib

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from forum.resources import resource_dir
from forum.web.assets import Assets
from forum.web.deps import Pages

router = APIRouter()
OFFLINE_PAGE = "/offline"


def _files_digest() -> str:
    """The templates and catalogs of this installation: the offline page is made of them."""
    digest = hashlib.sha256()
    for folder in (resource_dir("templates"), resource_dir("locales")):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in (".html", ".js", ".po"):
                digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def release_version(assets: Assets, release: str) -> str:
    """Changes with any static file, template or catalog, or with FORUM_RELEASE. Computed
    once, when the app starts: every worker process of one release gives the same."""
    parts = f"{assets.digest} {_files_digest()} {release}"
    return hashlib.sha256(parts.encode()).hexdigest()[:12]


@router.get("/sw.js", include_in_schema=False)
def service_worker(request: Request) -> Response:
    assets: Assets = request.app.state.assets
    script = request.app.state.templates.env.get_template("offline/sw.js").render(
        version=request.app.state.release_version, shell=[*assets.urls(), OFFLINE_PAGE]
    )
    # Browsers look for a new worker on every visit; never from a cache.
    headers = {"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"}
    return Response(script, media_type="text/javascript", headers=headers)


@router.get(OFFLINE_PAGE, response_class=HTMLResponse, include_in_schema=False)
def offline_page(pages: Pages) -> HTMLResponse:
    return pages.render("offline/offline.html")
