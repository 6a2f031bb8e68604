"""Reports from readers: /c/{id}/flag, for the concern or one of its replies. Thin."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from forum.errors import NotAllowed
from forum.i18n import N_, Message
from forum.ids import parse_id
from forum.moderation import queries, service
from forum.permissions import Action, Viewer, can
from forum.web.actions import Done, Failure, Paced, act
from forum.web.deps import DB, Pages, SignedIn, signed_in
from forum.web.flash import flash
from forum.web.forms import Text
from forum.web.htmx import redirect
from forum.web.templating import Pages as PageRenderer

router = APIRouter()


def _reported(db: DB, concern_id: str, reply: str) -> queries.PostItem:
    """The concern, or one of its replies, that a reader reports; never a hidden one."""
    concern_number = parse_id(concern_id)
    number = parse_id(reply) if reply else concern_number
    found = queries.post_items(db, [("reply" if reply else "concern", number)]) if number else []
    item = found[0] if found else None
    if (
        item is None
        or item.concern.id != concern_number
        or item.concern.hidden
        or item.post.hidden
        or not item.region.active
    ):
        raise HTTPException(404)
    return item


def reported_on_page(
    concern_id: str, db: DB, reply: Annotated[str, Query()] = ""
) -> queries.PostItem:
    return _reported(db, concern_id, reply)


def reported_in_form(concern_id: str, db: DB, reply: Text = "") -> queries.PostItem:
    return _reported(db, concern_id, reply)


def _flag_page(
    pages: PageRenderer,
    item: queries.PostItem,
    typed: dict[str, str],
    errors: dict[str, Message] | None = None,
    status_code: int | None = None,
) -> HTMLResponse:
    return pages.render(
        "moderation/flag.html",
        {"item": item, "typed": typed, "errors": errors or {}},
        region=item.region,
        status_code=status_code or (400 if errors else 200),
    )


@router.get("/c/{concern_id}/flag", response_class=HTMLResponse)
def flag_form(
    item: Annotated[queries.PostItem, Depends(reported_on_page)], viewer: SignedIn, pages: Pages
) -> Response:
    if not can(viewer, Action.flag, item.region.id or 0, item.concern):
        raise NotAllowed(Action.flag)
    return _flag_page(pages, item, {"reason": "", "text": ""})


def _not_again(request: Request, failure: Failure, back: str) -> Response:
    """Already reported, or already hidden: said on the page the person came from."""
    assert failure.problem is not None
    flash(request, failure.problem, kind="info")
    return redirect(request, back)


@router.post("/c/{concern_id}/flag")
def flag(
    request: Request,
    item: Annotated[queries.PostItem, Depends(reported_in_form)],
    viewer: Annotated[Viewer, Depends(signed_in("/c/{concern_id}"))],
    db: DB,
    pages: Pages,
    reason: Text = "",
    text: Text = "",
) -> Response:
    back = f"/c/{item.concern.id}" + (f"#reply-{item.reply.id}" if item.reply else "")
    thanks = N_("Thank you. The moderators will look at it. Nobody else sees your report.")
    typed = {"reason": reason, "text": text}
    return act(
        request,
        db,
        lambda: service.flag(db, viewer, item.concern, item.reply, reason=reason, text=text),
        done=lambda _report: Done(thanks, back),
        failed=lambda failure: (
            _not_again(request, failure, back)
            if failure.problem
            else _flag_page(pages, item, typed, failure.errors, failure.status_code)
        ),
        paced=Paced("flag", "reason"),
    )
