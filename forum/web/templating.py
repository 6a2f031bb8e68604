"""Rendering pages in the reader's language; an htmx request gets one named block."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from jinja2_fragments import render_block

from forum import labels
from forum.i18n import (
    LANG_COOKIE,
    OFFERED_LOCALES,
    PSEUDO_LOCALE,
    Message,
    Translator,
    autonym,
    bcp47,
    negotiate,
    translator,
)
from forum.models import Region
from forum.permissions import VISITOR, Viewer
from forum.resources import resource_dir
from forum.web.assets import Assets
from forum.web.csrf import csrf_token
from forum.web.flash import pop_flashes
from forum.web.text import plain_text


@pass_context
def _gettext(context: Context, msgid: str) -> str:
    i18n: Translator = context["i18n"]
    return i18n.gettext(msgid)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    i18n: Translator = context["i18n"]
    return i18n.ngettext(singular, plural, n)


@pass_context
def _translate(context: Context, message: Message | str) -> str:
    """`{{ error|t }}`: a message from Python code, in the reader's language."""
    i18n: Translator = context["i18n"]
    return i18n.message(message)


@pass_context
def _ago(context: Context, moment: datetime) -> str:
    i18n: Translator = context["i18n"]
    return i18n.ago(moment)


@pass_context
def _age(context: Context, moment: datetime) -> str:
    i18n: Translator = context["i18n"]
    return i18n.age(moment)


@pass_context
def _day(context: Context, value: date) -> str:
    i18n: Translator = context["i18n"]
    return i18n.day(value)


@pass_context
def _datetime(context: Context, moment: datetime, format: str = "medium") -> str:
    i18n: Translator = context["i18n"]
    return i18n.timestamp(moment, format)


@pass_context
def _number(context: Context, value: int) -> str:
    i18n: Translator = context["i18n"]
    return i18n.number(value)


def make_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(resource_dir("templates")),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.policies["ext.i18n.trimmed"] = True
    env.filters.update(
        t=_translate,
        ago=_ago,
        age=_age,
        day=_day,
        datetime=_datetime,
        number=_number,
        plain=plain_text,
        urlquote=lambda value: quote(str(value), safe=""),
        bcp47=bcp47,
    )
    env.globals.update(
        labels=labels,
        autonym=autonym,
        offered_locales=OFFERED_LOCALES,
        new_client_key=lambda: secrets.token_urlsafe(18),
    )
    return env


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
    """This page's path and query, for links that bring a person back to it."""
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


class LazyCsrfToken:
    """The session's CSRF token, made only when a page shows a form. A visitor who only reads
    gets no session and no cookie at all (and the server signs nothing for them)."""

    def __init__(self, request: Request) -> None:
        self._request = request

    def __str__(self) -> str:
        return csrf_token(self._request)

    def __bool__(self) -> bool:
        return True


class Templates:
    def __init__(self, assets: Assets, *, source_url: str = "") -> None:
        self.env = make_environment()
        self.env.globals["static"] = assets.url
        self.env.globals["source_url"] = source_url or "/source.tar.gz"

    def render(
        self,
        request: Request,
        name: str,
        context: dict[str, Any] | None = None,
        *,
        block: str | None = None,
        region: Region | None = None,
        status_code: int = 200,
        headers: dict[str, str] | None = None,
    ) -> HTMLResponse:
        i18n = translator(locale_of(request, region))
        # Error pages for crashes are rendered outside the session middleware.
        has_session = "session" in request.scope
        full = {
            "request": request,
            "i18n": i18n,
            "viewer": viewer_of(request),
            "csrf_token": LazyCsrfToken(request) if has_session else "",
            "here": here(request),
            "region": region,
            **(context or {}),
        }
        if block is None:
            full["flashes"] = pop_flashes(request) if has_session else []
            html = self.env.get_template(name).render(full)
        else:
            html = render_block(self.env, name, block, full)
        response = HTMLResponse(html, status_code=status_code, headers=headers)
        response.headers["Content-Language"] = i18n.lang
        response.headers["Vary"] = "Accept-Language, Cookie, HX-Request"
        return response
