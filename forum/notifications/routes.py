"""Choosing one's emails on the account page, and the unsubscribe link. Thin: parse, call,
render."""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from forum.errors import FormErrors
from forum.i18n import N_, Message
from forum.models import User
from forum.notifications import emails, preferences, tokens
from forum.permissions import Viewer
from forum.web.deps import DB, CurrentViewer
from forum.web.flash import flash

router = APIRouter()
MAX_TOKEN = 500


@router.post("/account/emails")
def save_emails(
    request: Request,
    db: DB,
    viewer: CurrentViewer,
    own_concerns: Annotated[str, Form(alias="delivery-own_concerns")] = "",
    supported_concerns: Annotated[str, Form(alias="delivery-supported_concerns")] = "",
    flags: Annotated[str, Form(alias="delivery-flags")] = "",
    partner_tags: Annotated[str, Form(alias="delivery-partner_tags")] = "",
) -> Response:
    if viewer.user is None:
        return RedirectResponse("/login?next=/account", status_code=303)
    typed = {
        "delivery-own_concerns": own_concerns,
        "delivery-supported_concerns": supported_concerns,
        "delivery-flags": flags,
        "delivery-partner_tags": partner_tags,
    }
    try:
        preferences.save_choices(db, viewer, typed)
    except FormErrors as invalid:
        db.rollback()
        return _account_page(request, db, viewer, typed, invalid.errors)
    db.commit()
    flash(request, N_("Your email choices are saved."))
    return RedirectResponse("/account#emails", status_code=303)


def _account_page(
    request: Request,
    db: Session,
    viewer: Viewer,
    typed_emails: dict[str, str],
    errors: dict[str, Message],
) -> HTMLResponse:
    assert viewer.user is not None
    context = {
        "typed": {"locale": viewer.user.locale or "", "email": viewer.user.email or ""},
        "errors": errors,
        "next": "/",
        "emails": preferences.rows(db, viewer, typed_emails),
        "deliveries": preferences.DELIVERY_LABEL,
    }
    return request.app.state.templates.render(
        request, "accounts/account.html", context, status_code=400
    )


@router.get("/unsubscribe", response_class=HTMLResponse)
def unsubscribe_page(
    request: Request, db: DB, viewer: CurrentViewer, token: Annotated[str, Query()] = ""
) -> HTMLResponse:
    """What the link will stop, and a button to confirm: a link alone changes nothing, as mail
    scanners open links."""
    found = _read(db, token)
    if isinstance(found, str):
        return _page(request, found, token, status_code=400)
    person, scope = found
    assert person.id is not None
    kinds = preferences.stopping(db, person.id, scope)
    return _page(request, "confirm" if kinds else "nothing", token, kinds=kinds)


@router.post("/unsubscribe", response_class=HTMLResponse)
def unsubscribe(
    request: Request, db: DB, viewer: CurrentViewer, token: Annotated[str, Form()] = ""
) -> HTMLResponse:
    found = _read(db, token)
    if isinstance(found, str):
        return _page(request, found, token, status_code=400)
    person, scope = found
    assert person.id is not None
    kinds = preferences.unsubscribe(db, person.id, scope)
    db.commit()
    return _page(request, "done" if kinds else "nothing", token, kinds=kinds)


def _read(db: Session, token: str) -> tuple[User, str] | str:
    """The person and what to stop, or why the link does not work: 'bad' or 'expired'."""
    if not token or len(token) > MAX_TOKEN:
        return "bad"
    try:
        link = tokens.read(emails.links_for(db).secret, token)
    except tokens.ExpiredToken:
        return "expired"
    except tokens.BadToken:
        return "bad"
    person = db.get(User, link.user_id)
    return (person, link.scope) if person is not None else "bad"


def _page(
    request: Request,
    state: str,
    token: str,
    *,
    kinds: list[Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return request.app.state.templates.render(
        request,
        "notifications/unsubscribe.html",
        {
            "state": state,
            "token": token if state == "confirm" else "",
            "stopping": [preferences.KIND_LABEL[kind] for kind in kinds or []],
        },
        status_code=status_code,
    )
