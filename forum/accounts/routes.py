"""Register, log in, log out, the account page, and the language switcher."""

import math
from datetime import timedelta
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from forum.accounts import service
from forum.accounts.throttle import LoginThrottle
from forum.errors import FormErrors
from forum.i18n import LANG_COOKIE, N_, normalize
from forum.notifications import preferences
from forum.permissions import Viewer
from forum.web.csrf import SESSION_KEY as CSRF_KEY
from forum.web.deps import DB, SESSION_USER, CurrentViewer
from forum.web.flash import flash

router = APIRouter()
Text = Annotated[str, Form()]
ONE_YEAR = 60 * 60 * 24 * 365


def safe_next(target: str | None) -> str:
    """Only a path on this site: never send someone elsewhere after logging in."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    if "\\" in target or any(ord(char) < 32 for char in target):
        return "/"
    return target


def _log_in(request: Request, user_id: int) -> None:
    # A new session on login: an old, possibly planted, session identity does not survive.
    request.session.clear()
    request.session[SESSION_USER] = user_id


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, viewer: CurrentViewer, next: str = "/") -> HTMLResponse:
    return _page(request, "accounts/login.html", {"name": ""}, next=next)


def _page(
    request: Request,
    template: str,
    typed: dict[str, str],
    *,
    next: str = "/",
    errors: dict | None = None,
    extra: dict | None = None,
    status_code: int | None = None,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    return request.app.state.templates.render(
        request,
        template,
        {"typed": typed, "errors": errors or {}, "next": safe_next(next), **(extra or {})},
        status_code=status_code or (400 if errors else 200),
        headers=headers,
    )


def _too_many_tries(request: Request, name: str, next: str, wait: timedelta) -> HTMLResponse:
    """429: the login form again, with the name kept and how long to wait."""
    seconds = math.ceil(wait.total_seconds())
    return _page(
        request,
        "accounts/login.html",
        {"name": name},
        next=next,
        errors={
            "password": N_(
                "Too many wrong passwords were tried. To keep accounts safe, "
                "logging in from here is paused for a while."
            )
        },
        extra={"wait_minutes": math.ceil(seconds / 60)},
        status_code=429,
        headers={"Retry-After": str(seconds)},
    )


@router.post("/login")
def login(
    request: Request,
    db: DB,
    viewer: CurrentViewer,
    name: Text = "",
    password: Text = "",
    next: Text = "/",
) -> Response:
    throttle: LoginThrottle = request.app.state.login_throttle
    client = request.client.host if request.client else ""
    wait = throttle.wait(db, client=client, name=name)
    if wait:
        return _too_many_tries(request, name, next, wait)
    try:
        user = service.authenticate(db, name=name, password=password)
    except FormErrors as invalid:
        throttle.failed(db, client=client, name=name)
        db.commit()
        return _page(
            request, "accounts/login.html", {"name": name}, next=next, errors=invalid.errors
        )
    throttle.succeeded(db, name=name)
    db.commit()
    assert user.id is not None
    _log_in(request, user.id)
    flash(request, N_("You are logged in."))
    return RedirectResponse(safe_next(next), status_code=303)


@router.get("/register", response_class=HTMLResponse)
def register_form(request: Request, viewer: CurrentViewer, next: str = "/") -> HTMLResponse:
    return _page(request, "accounts/register.html", {"name": "", "email": ""}, next=next)


@router.post("/register")
def register(
    request: Request,
    db: DB,
    viewer: CurrentViewer,
    name: Text = "",
    password: Text = "",
    email: Text = "",
    next: Text = "/",
) -> Response:
    try:
        # Only a language the person chose with the switcher becomes their preference: saving
        # the negotiated one would pin English over their region's language for good.
        chosen = normalize(request.cookies.get(LANG_COOKIE))
        user = service.register(db, name=name, password=password, email=email, locale=chosen)
    except FormErrors as invalid:
        typed = {"name": name, "email": email}
        return _page(request, "accounts/register.html", typed, next=next, errors=invalid.errors)
    db.commit()
    assert user.id is not None
    _log_in(request, user.id)
    flash(request, N_("Welcome! Your account is ready."))
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    request.session.pop(SESSION_USER, None)
    request.session.pop(CSRF_KEY, None)
    flash(request, N_("You are logged out."))
    return RedirectResponse("/", status_code=303)


def _email_choices(db: Session, viewer: Viewer) -> dict:
    """The account page's Emails section: each kind that applies, and what was chosen."""
    return {"emails": preferences.rows(db, viewer), "deliveries": preferences.DELIVERY_LABEL}


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, db: DB, viewer: CurrentViewer) -> Response:
    if viewer.user is None:
        return RedirectResponse("/login?next=/account", status_code=303)
    typed = {"locale": viewer.user.locale or "", "email": viewer.user.email or ""}
    return _page(request, "accounts/account.html", typed, extra=_email_choices(db, viewer))


@router.post("/account")
def save_account(
    request: Request, db: DB, viewer: CurrentViewer, locale: Text = "", email: Text = ""
) -> Response:
    if viewer.user is None:
        return RedirectResponse("/login?next=/account", status_code=303)
    try:
        service.update_preferences(db, viewer.user, locale=locale, email=email)
    except FormErrors as invalid:
        db.rollback()
        typed = {"locale": locale, "email": email}
        extra = _email_choices(db, viewer)
        return _page(request, "accounts/account.html", typed, errors=invalid.errors, extra=extra)
    db.commit()
    flash(request, N_("Your settings are saved."))
    return RedirectResponse("/account", status_code=303)


@router.get("/language")
def switch_language(
    request: Request,
    db: DB,
    viewer: CurrentViewer,
    lang: Annotated[str, Query()] = "",
    next: Annotated[str, Query()] = "/",
) -> Response:
    """The switcher's links: remember the choice and go back to the same page."""
    response = RedirectResponse(safe_next(next), status_code=303)
    locale = normalize(lang)
    if locale is None:
        return response
    response.set_cookie(
        LANG_COOKIE,
        locale,
        max_age=ONE_YEAR,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies,
    )
    if viewer.user is not None and viewer.user.locale != locale:
        # A saved preference outranks the cookie, so the switcher updates it too.
        viewer.user.locale = locale
        db.add(viewer.user)
        db.commit()
    return response
