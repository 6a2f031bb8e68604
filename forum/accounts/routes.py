"""Register, log in and log out. Thin: parse, call, render."""

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from forum.accounts import service, sessions
from forum.accounts.throttle import LoginThrottle
from forum.errors import FormErrors
from forum.i18n import LANG_COOKIE, N_, Message, normalize
from forum.models import User
from forum.web.actions import Done, Paced, act
from forum.web.csrf import SESSION_KEY as CSRF_KEY
from forum.web.deps import DB, SESSION_TOKEN, Pages
from forum.web.flash import flash
from forum.web.forms import Text
from forum.web.htmx import safe_next
from forum.web.templating import Pages as PageRenderer

router = APIRouter()


def log_in(request: Request, db: Session, user: User) -> None:
    """A new session for the person, in the database and in their cookie. Nothing of the
    session before survives (an old, possibly planted, identity)."""
    assert user.id is not None
    token = sessions.start(db, user.id)
    db.commit()
    request.session.clear()
    request.session[SESSION_TOKEN] = token


def form_page(
    pages: PageRenderer,
    template: str,
    typed: dict[str, str],
    *,
    errors: dict[str, Message] | None = None,
    status_code: int | None = None,
    **extra: Any,
) -> HTMLResponse:
    """A page with a form: what was typed, a message beside each wrong field."""
    headers = extra.pop("headers", None)
    return pages.render(
        template,
        {"typed": typed, "errors": errors or {}, **extra},
        status_code=status_code or (400 if errors else 200),
        headers=headers,
    )


@router.get("/login", response_class=HTMLResponse)
def login_form(pages: Pages, next: str = "/") -> HTMLResponse:
    return form_page(pages, "accounts/login.html", {"name": ""}, next=safe_next(next))


def _too_many_tries(pages: PageRenderer, name: str, next: str, wait: timedelta) -> HTMLResponse:
    """429: the login form again, with the name kept and how long to wait."""
    seconds = math.ceil(wait.total_seconds())
    message = N_(
        "Too many wrong passwords were tried. To keep accounts safe, "
        "logging in from here is paused for a while."
    )
    return form_page(
        pages,
        "accounts/login.html",
        {"name": name},
        errors={"password": message},
        status_code=429,
        next=safe_next(next),
        wait_minutes=math.ceil(seconds / 60),
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
        typed, next = {"name": name}, safe_next(form.next)
        return form_page(pages, "accounts/login.html", typed, errors=invalid.errors, next=next)
    throttle.succeeded(db, name=name)
    log_in(request, db, user)
    flash(request, N_("You are logged in."))
    return RedirectResponse(safe_next(form.next), status_code=303)


@router.get("/register", response_class=HTMLResponse)
def register_form(pages: Pages, next: str = "/") -> HTMLResponse:
    typed = {"name": "", "email": ""}
    return form_page(pages, "accounts/register.html", typed, next=safe_next(next))


@dataclass
class RegisterForm(LoginForm):
    email: Text = ""


def _welcome(request: Request, db: Session, user: User, next: str) -> Done:
    log_in(request, db, user)
    return Done(N_("Welcome! Your account is ready."), safe_next(next))


@router.post("/register")
def register(
    request: Request, form: Annotated[RegisterForm, Depends()], db: DB, pages: Pages
) -> Response:
    # Only a language the person chose with the switcher becomes their preference: saving
    # the negotiated one would pin English over their region's language for good.
    chosen = normalize(request.cookies.get(LANG_COOKIE))
    typed, next = {"name": form.name, "email": form.email}, safe_next(form.next)
    return act(
        request,
        db,
        lambda: service.register(
            db, name=form.name, password=form.password, email=form.email, locale=chosen
        ),
        done=lambda user: _welcome(request, db, user, form.next),
        failed=lambda failure: form_page(
            pages,
            "accounts/register.html",
            typed,
            errors=failure.errors,
            status_code=failure.status_code,
            next=next,
        ),
        paced=Paced("register", "name"),
    )


@router.post("/logout")
def logout(request: Request, db: DB) -> Response:
    """This browser's session ends for good: its cookie, copied or not, opens nothing now."""
    token = request.session.pop(SESSION_TOKEN, None)
    if isinstance(token, str):
        sessions.end(db, token)
        db.commit()
    request.session.pop(CSRF_KEY, None)
    flash(request, N_("You are logged out."))
    return RedirectResponse("/", status_code=303)
