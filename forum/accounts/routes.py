"""Register, log in, log out, the account page, and the language switcher. Thin."""

import math
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from forum.accounts import service
from forum.accounts.throttle import LoginThrottle
from forum.errors import FormErrors
from forum.i18n import LANG_COOKIE, N_, Message, normalize
from forum.models import User
from forum.notifications import preferences
from forum.permissions import Viewer
from forum.web.actions import Done, act
from forum.web.csrf import SESSION_KEY as CSRF_KEY
from forum.web.deps import DB, SESSION_USER, CurrentViewer, Pages, signed_in
from forum.web.flash import flash
from forum.web.forms import Text
from forum.web.htmx import safe_next
from forum.web.templating import Pages as PageRenderer

router = APIRouter()
ONE_YEAR = 60 * 60 * 24 * 365
AccountHolder = Annotated[Viewer, Depends(signed_in("/account"))]


def _log_in(request: Request, user_id: int) -> None:
    # A new session on login: an old, possibly planted, session identity does not survive.
    request.session.clear()
    request.session[SESSION_USER] = user_id


def _page(
    pages: PageRenderer,
    template: str,
    typed: dict[str, str],
    *,
    next: str = "/",
    errors: dict[str, Message] | None = None,
    extra: dict[str, Any] | None = None,
    status_code: int | None = None,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    return pages.render(
        template,
        {"typed": typed, "errors": errors or {}, "next": safe_next(next), **(extra or {})},
        status_code=status_code or (400 if errors else 200),
        headers=headers,
    )


@router.get("/login", response_class=HTMLResponse)
def login_form(pages: Pages, next: str = "/") -> HTMLResponse:
    return _page(pages, "accounts/login.html", {"name": ""}, next=next)


def _too_many_tries(pages: PageRenderer, name: str, next: str, wait: timedelta) -> HTMLResponse:
    """429: the login form again, with the name kept and how long to wait."""
    seconds = math.ceil(wait.total_seconds())
    message = N_(
        "Too many wrong passwords were tried. To keep accounts safe, "
        "logging in from here is paused for a while."
    )
    return _page(
        pages,
        "accounts/login.html",
        {"name": name},
        next=next,
        errors={"password": message},
        extra={"wait_minutes": math.ceil(seconds / 60)},
        status_code=429,
        headers={"Retry-After": str(seconds)},
    )


@dataclass
class LoginForm:
    name: Text = ""
    password: Text = ""
    next: Text = "/"  # where to go once logged in


@router.post("/login")
def login(
    request: Request, form: Annotated[LoginForm, Depends()], db: DB, pages: Pages
) -> Response:
    throttle: LoginThrottle = request.app.state.login_throttle
    client, name = request.client.host if request.client else "", form.name
    if wait := throttle.wait(db, client=client, name=name):
        return _too_many_tries(pages, name, form.next, wait)
    try:
        user = service.authenticate(db, name=name, password=form.password)
    except FormErrors as invalid:
        throttle.failed(db, client=client, name=name)
        db.commit()
        errors = invalid.errors
        return _page(pages, "accounts/login.html", {"name": name}, next=form.next, errors=errors)
    throttle.succeeded(db, name=name)
    db.commit()
    assert user.id is not None
    _log_in(request, user.id)
    flash(request, N_("You are logged in."))
    return RedirectResponse(safe_next(form.next), status_code=303)


@router.get("/register", response_class=HTMLResponse)
def register_form(pages: Pages, next: str = "/") -> HTMLResponse:
    return _page(pages, "accounts/register.html", {"name": "", "email": ""}, next=next)


def _welcome(request: Request, user: User, next: str) -> Done:
    assert user.id is not None
    _log_in(request, user.id)
    return Done(N_("Welcome! Your account is ready."), safe_next(next))


@dataclass
class RegisterForm(LoginForm):
    email: Text = ""


@router.post("/register")
def register(
    request: Request, form: Annotated[RegisterForm, Depends()], db: DB, pages: Pages
) -> Response:
    # Only a language the person chose with the switcher becomes their preference: saving
    # the negotiated one would pin English over their region's language for good.
    chosen = normalize(request.cookies.get(LANG_COOKIE))
    typed = {"name": form.name, "email": form.email}
    return act(
        request,
        db,
        lambda: service.register(
            db, name=form.name, password=form.password, email=form.email, locale=chosen
        ),
        done=lambda user: _welcome(request, user, form.next),
        failed=lambda failure: _page(
            pages, "accounts/register.html", typed, next=form.next, errors=failure.errors
        ),
    )


@router.post("/logout")
def logout(request: Request) -> Response:
    request.session.pop(SESSION_USER, None)
    request.session.pop(CSRF_KEY, None)
    flash(request, N_("You are logged out."))
    return RedirectResponse("/", status_code=303)


def account_page(
    pages: PageRenderer,
    db: Session,
    viewer: Viewer,
    *,
    typed: dict[str, str] | None = None,
    typed_emails: dict[str, str] | None = None,
    errors: dict[str, Message] | None = None,
) -> HTMLResponse:
    """The account page: the person's settings, and their choice of emails."""
    assert viewer.user is not None
    user = viewer.user
    extra = {
        "emails": preferences.rows(db, viewer, typed_emails),
        "deliveries": preferences.DELIVERY_LABEL,
    }
    typed = typed or {"locale": user.locale or "", "email": user.email or ""}
    return _page(pages, "accounts/account.html", typed, errors=errors, extra=extra)


@router.get("/account", response_class=HTMLResponse)
def account(viewer: AccountHolder, db: DB, pages: Pages) -> Response:
    return account_page(pages, db, viewer)


@dataclass
class SettingsForm:
    """Its fields are what accounts.service.update_preferences takes."""

    locale: Text = ""
    email: Text = ""


@router.post("/account")
def save_account(
    request: Request, viewer: AccountHolder, form: Annotated[SettingsForm, Depends()], db: DB
) -> Response:
    assert viewer.user is not None
    user, pages = viewer.user, PageRenderer(request)
    return act(
        request,
        db,
        lambda: service.update_preferences(db, user, **asdict(form)),
        done=lambda _result: Done(N_("Your settings are saved."), "/account"),
        failed=lambda failure: account_page(
            pages, db, viewer, typed=asdict(form), errors=failure.errors
        ),
    )


def remember_language(request: Request, response: Response, locale: str) -> None:
    """The switcher's choice, in a cookie kept for a year."""
    response.set_cookie(
        LANG_COOKIE,
        locale,
        max_age=ONE_YEAR,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies,
    )


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
    remember_language(request, response, locale)
    if viewer.user is not None and viewer.user.locale != locale:
        # A saved preference outranks the cookie, so the switcher updates it too.
        viewer.user.locale = locale
        db.add(viewer.user)
        db.commit()
    return response
