"""A forgotten password: ask for a link by email, then choose a new one with it. Thin."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from forum.accounts import passwords
from forum.accounts.routes import form_page, log_in
from forum.errors import Refused
from forum.i18n import N_
from forum.models import PasswordReset, User
from forum.web.actions import Done, act
from forum.web.deps import DB, Pages
from forum.web.forms import Text
from forum.web.templating import Pages as PageRenderer

router = APIRouter()
FORGOT, RESET = "accounts/password_forgot.html", "accounts/password_reset.html"
# Said whether or not an account has the address: the page does not tell who is here.
SENT = N_(
    "If an account on Agora has this email address, we have sent it a link to choose a new "
    "password. The link works for one hour."
)


@router.get("/password/forgot", response_class=HTMLResponse)
def forgot_form(pages: Pages) -> HTMLResponse:
    return form_page(pages, FORGOT, {"email": ""})


@router.post("/password/forgot")
def forgot(request: Request, db: DB, pages: Pages, email: Text = "") -> Response:
    return act(
        request,
        db,
        lambda: passwords.request_reset(db, email),
        done=lambda _count: Done(SENT, "/login", "info"),
        failed=lambda failure: form_page(pages, FORGOT, {"email": email}, errors=failure.errors),
    )


def usable_reset(token: str, db: DB) -> PasswordReset | Refused:
    """The reset the link names, or why it cannot be used (said plainly on the page)."""
    try:
        return passwords.reset_for(db, token)
    except Refused as refused:
        return refused


Link = Annotated[PasswordReset | Refused, Depends(usable_reset)]


def _reset_page(pages: PageRenderer, link: PasswordReset | Refused, **state: object) -> Response:
    if isinstance(link, Refused):
        return form_page(pages, RESET, {}, status_code=410, problem=link.message)
    return form_page(pages, RESET, {}, problem=None, **state)  # type: ignore[arg-type]


@router.get("/password/reset/{token}", response_class=HTMLResponse)
def reset_form(link: Link, pages: Pages) -> Response:
    return _reset_page(pages, link)


def _welcome_back(request: Request, db: DB, user: User) -> Done:
    log_in(request, db, user)
    return Done(N_("Your new password is saved. You are logged in."), "/account")


@router.post("/password/reset/{token}")
def reset(
    request: Request, token: str, link: Link, db: DB, pages: Pages, password: Text = ""
) -> Response:
    if isinstance(link, Refused):
        return _reset_page(pages, link)
    return act(
        request,
        db,
        lambda: passwords.reset(db, token, password),
        done=lambda user: _welcome_back(request, db, user),
        failed=lambda failure: form_page(
            pages,
            RESET,
            {},
            errors=failure.errors,
            problem=failure.problem,
            status_code=410 if failure.problem else 400,
        ),
    )
