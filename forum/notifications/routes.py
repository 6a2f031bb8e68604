"""Choosing one's emails on the account page, and the unsubscribe link. Thin: parse, call,
render."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from forum.accounts.account_routes import AccountHolder, account_page
from forum.i18n import N_
from forum.models import User
from forum.notifications import emails, preferences, tokens
from forum.web.actions import Done, act
from forum.web.csrf import read_form
from forum.web.deps import DB, Pages
from forum.web.templating import Pages as PageRenderer

router = APIRouter()
MAX_TOKEN = 500


async def delivery_choices(request: Request) -> dict[str, str]:
    """The choice made for each kind of email, by the form's field name (delivery-<kind>)."""
    form = await read_form(request)
    sent = {field: form.get(field) for field in preferences.FORM_FIELDS}
    return {field: value if isinstance(value, str) else "" for field, value in sent.items()}


@router.post("/account/emails")
def save_emails(
    request: Request,
    viewer: AccountHolder,
    typed: Annotated[dict[str, str], Depends(delivery_choices)],
    db: DB,
    pages: Pages,
) -> Response:
    return act(
        request,
        db,
        lambda: preferences.save_choices(db, viewer, typed),
        done=lambda _result: Done(N_("Your email choices are saved."), "/account#emails"),
        failed=lambda failure: account_page(
            pages, db, viewer, typed_emails=typed, errors=failure.errors
        ),
    )


@router.get("/unsubscribe", response_class=HTMLResponse)
def unsubscribe_page(db: DB, pages: Pages, token: Annotated[str, Query()] = "") -> HTMLResponse:
    """What the link will stop, and a button to confirm: a link alone changes nothing, as mail
    scanners open links."""
    return _unsubscribe(db, pages, token, confirmed=False)


@router.post("/unsubscribe", response_class=HTMLResponse)
def unsubscribe(db: DB, pages: Pages, token: Annotated[str, Form()] = "") -> HTMLResponse:
    return _unsubscribe(db, pages, token, confirmed=True)


def _unsubscribe(db: Session, pages: PageRenderer, token: str, *, confirmed: bool) -> HTMLResponse:
    """What the token's link stops (asked to confirm), or stopped (once confirmed)."""
    found = _read(db, token)
    if isinstance(found, str):
        return _page(pages, found, token, status_code=400)
    person, scope = found
    assert person.id is not None
    if not confirmed:
        kinds = preferences.stopping(db, person.id, scope)
        return _page(pages, "confirm" if kinds else "nothing", token, kinds=kinds)
    kinds = preferences.unsubscribe(db, person.id, scope)
    db.commit()
    return _page(pages, "done" if kinds else "nothing", token, kinds=kinds)


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
    pages: PageRenderer,
    state: str,
    token: str,
    *,
    kinds: list[Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return pages.render(
        "notifications/unsubscribe.html",
        {
            "state": state,
            "token": token if state == "confirm" else "",
            "stopping": [preferences.KIND_LABEL[kind] for kind in kinds or []],
        },
        status_code=status_code,
    )
