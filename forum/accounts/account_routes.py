"""The account page (settings, one's own concerns), changing the password, and the language
switcher. Thin: parse, call, render."""

from dataclasses import asdict, dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from forum.accounts import passwords, privacy, queries, service
from forum.accounts.routes import form_page
from forum.i18n import LANG_COOKIE, N_, Message, normalize
from forum.ids import parse_id
from forum.notifications import preferences
from forum.permissions import Viewer
from forum.web.actions import Done, act
from forum.web.deps import DB, SESSION_TOKEN, CurrentViewer, Pages, photo_store, signed_in
from forum.web.forms import Text
from forum.web.htmx import safe_next
from forum.web.templating import Pages as PageRenderer

router = APIRouter()
ONE_YEAR = 60 * 60 * 24 * 365
AccountHolder = Annotated[Viewer, Depends(signed_in("/account"))]


def account_page(
    pages: PageRenderer,
    db: Session,
    viewer: Viewer,
    *,
    typed: dict[str, str] | None = None,
    typed_emails: dict[str, str] | None = None,
    errors: dict[str, Message] | None = None,
    older: str = "",
) -> HTMLResponse:
    """The account page: the person's settings, their choice of emails, their concerns."""
    assert viewer.user is not None and viewer.id is not None
    user = viewer.user
    concerns, next_before = queries.concerns_of(db, viewer.id, before=parse_id(older))
    return form_page(
        pages,
        "accounts/account.html",
        typed or {"locale": user.locale or "", "email": user.email or ""},
        errors=errors,
        emails=preferences.rows(db, viewer, typed_emails),
        deliveries=preferences.DELIVERY_LABEL,
        own_concerns=concerns,
        older=next_before,
    )


@router.get("/account", response_class=HTMLResponse)
def account(
    viewer: AccountHolder, db: DB, pages: Pages, older: Annotated[str, Query()] = ""
) -> Response:
    return account_page(pages, db, viewer, older=older)


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


@router.get("/account/data")
def download_data(viewer: AccountHolder, request: Request, db: DB) -> Response:
    """Everything the person wrote and set, with their photos, as a ZIP."""
    assert viewer.user is not None
    return Response(
        privacy.my_data(db, viewer.user, photo_store(request)),
        media_type="application/zip",
        headers={
            "Content-Disposition": 'attachment; filename="agora-data.zip"',
            "Cache-Control": "no-store",
        },
    )


EraseHolder = Annotated[Viewer, Depends(signed_in("/account/delete"))]


@router.get("/account/delete", response_class=HTMLResponse)
def erase_form(viewer: EraseHolder, pages: Pages) -> Response:
    return form_page(pages, "accounts/delete.html", {"remove_posts": ""})


@dataclass
class EraseForm:
    confirm: Text = ""
    remove_posts: Text = ""


def _erased(request: Request, photos: list[str]) -> Done:
    store = photo_store(request)
    for token in photos:
        store.delete(token)
    request.session.clear()
    return Done(N_("Your account is erased. Thank you for taking part."), "/")


@router.post("/account/delete")
def erase_account(
    request: Request, viewer: EraseHolder, form: Annotated[EraseForm, Depends()], db: DB
) -> Response:
    assert viewer.user is not None
    user, pages = viewer.user, PageRenderer(request)
    confirmed, remove_posts = bool(form.confirm), bool(form.remove_posts)
    return act(
        request,
        db,
        lambda: privacy.erase(db, user, confirmed=confirmed, remove_posts=remove_posts),
        done=lambda photos: _erased(request, photos),
        failed=lambda failure: form_page(
            pages, "accounts/delete.html", asdict(form), errors=failure.errors
        ),
    )


PasswordHolder = Annotated[Viewer, Depends(signed_in("/account/password"))]


@router.get("/account/password", response_class=HTMLResponse)
def password_form(viewer: PasswordHolder, pages: Pages) -> Response:
    return form_page(pages, "accounts/password.html", {})


@dataclass
class PasswordForm:
    current_password: Text = ""
    password: Text = ""


@router.post("/account/password")
def change_password(
    request: Request, viewer: PasswordHolder, form: Annotated[PasswordForm, Depends()], db: DB
) -> Response:
    assert viewer.user is not None
    user, pages = viewer.user, PageRenderer(request)
    keep = str(request.session.get(SESSION_TOKEN, ""))
    done = N_("Your password is changed. You are logged out everywhere else.")
    return act(
        request,
        db,
        lambda: passwords.change(
            db, user, current=form.current_password, new=form.password, keep=keep
        ),
        done=lambda _result: Done(done, "/account"),
        failed=lambda failure: form_page(
            pages, "accounts/password.html", {}, errors=failure.errors
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
    lang: Annotated[str, Query()] = "",
    next: Annotated[str, Query()] = "/",
) -> Response:
    """A visitor's switcher links: remember the choice in this browser and go back to the
    same page. A link changes nothing saved: another site may link here too."""
    response = RedirectResponse(safe_next(next), status_code=303)
    if locale := normalize(lang):
        remember_language(request, response, locale)
    return response


@router.post("/language")
def save_language(
    request: Request, db: DB, viewer: CurrentViewer, lang: Text = "", next: Text = "/"
) -> Response:
    """The switcher of someone logged in, a form: the choice is also saved with their account
    (it outranks the cookie, and their emails speak it)."""
    response = RedirectResponse(safe_next(next), status_code=303)
    locale = normalize(lang)
    if locale is None:
        return response
    remember_language(request, response, locale)
    if viewer.user is not None and viewer.user.locale != locale:
        viewer.user.locale = locale
        db.add(viewer.user)
        db.commit()
    return response
    remember_language(request, response, locale)
    if viewer.user is not None and viewer.user.locale != locale:
        # A saved preference outranks the cookie, so the switcher updates it too.
        viewer.user.locale = locale
        db.add(viewer.user)
        db.commit()
    return response
