"""Rendering pages in the reader's language; an htmx request gets one named block."""

from __future__ import annotations

from typing import Any, TypedDict, Unpack
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2_fragments import render_block

from forum.i18n import LANG_COOKIE, OFFERED_LOCALES, PSEUDO_LOCALE, negotiate, translator
from forum.models import Region
from forum.permissions import VISITOR, Viewer
from forum.rendering import make_environment
from forum.web.assets import Assets
from forum.web.csrf import csrf_token
from forum.web.flash import pop_flashes


def viewer_of(request: Request) -> Viewer:
    viewer: Viewer = getattr(request.state, "viewer", VISITOR)
    return viewer


def locale_of(request: Request, region: Region | None = None) -> str:
    viewer = viewer_of(request)
    offered = OFFERED_LOCALES
    if request.app.state.settings.pseudo_locale:
        offered = (*OFFERED_LOCALES, PSEUDO_LOCALE)
    return negotiate(
        preference=viewer.user.locale if viewer.user else None,
        cookie=request.cookies.get(LANG_COOKIE),
        accept_language=request.headers.get("accept-language"),
        region_default=region.default_locale if region else None,
        offered=offered,
    )


def here(request: Request) -> str:
    """This page's path and query, for links that bring a person back to it. What
    `request.url` gives, without building the whole address (scheme, host) for each page."""
    scope = request.scope
    path: str = scope["path"].translate(_KEPT_IN_PATH)
    query: str = scope.get("query_string", b"").decode("latin-1")
    return path + (f"?{query}" if query else "")


# A decoded path's characters that would end it in an address, as Starlette's URL escapes them.
_KEPT_IN_PATH = str.maketrans({"?": "%3F", "#": "%23", "\\": "%5C"})


class LazyCsrfToken:
    """The session's CSRF token, made only when a page shows a form. A visitor who only reads
    gets no session and no cookie at all (and the server signs nothing for them)."""

    def __init__(self, request: Request) -> None:
        self._request = request

    def __str__(self) -> str:
        return csrf_token(self._request)

    def __bool__(self) -> bool:
        return True


class RenderOptions(TypedDict, total=False):
    block: str | None  # an htmx request's named block, rather than the whole page
    region: Region | None  # the page's region: its language comes before English
    status_code: int
    headers: dict[str, str] | None


class Templates:
    """The app's templates, rendered for one request: its language, its viewer, its token."""

    def __init__(self, assets: Assets, *, source_url: str = "") -> None:
        self.env = make_environment()
        self.env.globals["static"] = assets.url
        self.env.globals["source_url"] = source_url or "/source.tar.gz"

    def render(
        self,
        request: Request,
        name: str,
        context: dict[str, Any] | None = None,
        **options: Unpack[RenderOptions],
    ) -> HTMLResponse:
        region, block = options.get("region"), options.get("block")
        i18n = translator(locale_of(request, region))
        # Error pages for crashes are rendered outside the session middleware.
        has_session = "session" in request.scope
        full = {
            "request": request,
            "i18n": i18n,
            "viewer": viewer_of(request),
            "csrf_token": LazyCsrfToken(request) if has_session else "",
            "here": (page := here(request)),
            "here_quoted": quote(page, safe=""),  # ?next= of log in, register, each language
            "region": region,
            **(context or {}),
        }
        if block is None:
            full["flashes"] = pop_flashes(request) if has_session else []
            html = self.env.get_template(name).render(full)
        else:
            html = render_block(self.env, name, block, full)
        status_code, headers = options.get("status_code", 200), options.get("headers")
        response = HTMLResponse(html, status_code=status_code, headers=headers)
        response.headers["Content-Language"] = i18n.lang
        response.headers["Vary"] = "Accept-Language, Cookie, HX-Request"
        return response


class Pages:
    """The templates bound to the request being answered: what a route renders with."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self._templates: Templates = request.app.state.templates

    def render(
        self, name: str, context: dict[str, Any] | None = None, **options: Unpack[RenderOptions]
    ) -> HTMLResponse:
        return self._templates.render(self.request, name, context, **options)

    def locale(self, region: Region | None = None) -> str:
        """The reader's language: their choice, the switcher, the browser, then the region's."""
        return locale_of(self.request, region)

    @property
    def htmx(self) -> bool:
        """Whether htmx asks, for one block of the page rather than all of it."""
        return self.request.headers.get("HX-Request") == "true"
