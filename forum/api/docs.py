"""/api/docs: Swagger UI for the JSON API, served by Agora itself. The CSP allows no other
origin (and a pilot's network may reach none), and no inline script: the page loads a
vendored copy of the npm package swagger-ui-dist and starts it from a file."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from forum.resources import STATIC_DIR

FILES = "/static/api-docs"
PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Agora API</title>
<link rel="stylesheet" href="{FILES}/swagger-ui.css">
</head>
<body>
<main id="swagger-ui"></main>
<script src="{FILES}/swagger-ui-bundle.js"></script>
<script src="{FILES}/init.js"></script>
</body>
</html>
"""

router = APIRouter(include_in_schema=False)


@router.get("/api/docs", response_class=HTMLResponse)
async def api_docs() -> HTMLResponse:
    return HTMLResponse(PAGE)


# The files are large and only this page needs them: apart from the static files that every
# page uses (forum.web.assets), which phones keep offline.
files = StaticFiles(directory=STATIC_DIR / "api-docs")
