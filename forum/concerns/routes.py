"""Raising a concern, its page, replies, me too, status and audiences. Thin: parse, call, render."""

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from forum.concerns import queries, service
from forum.errors import FormErrors, NotAllowed, Refused
from forum.i18n import N_, Message
from forum.models import MAX_ID, Region
from forum.permissions import Action, Viewer, can
from forum.web.deps import DB, CurrentViewer
from forum.web.flash import flash
from forum.web.htmx import is_htmx, redirect
from forum.web.lookups import login_first, region_or_404
from forum.web.templating import locale_of

router = APIRouter()
Text = Annotated[str, Form()]


def _concern_or_404(db: Session, concern_id: int) -> tuple[queries.ConcernView, Region]:
    found = queries.concern_view(db, concern_id) if 0 < concern_id <= MAX_ID else None
    if found is None or found[0].concern.hidden:
        raise HTTPException(404)
    return found


@router.get("/r/{slug}/new", response_class=HTMLResponse)
def new_concern(request: Request, slug: str, db: DB, viewer: CurrentViewer) -> Response:
    region = region_or_404(db, slug)
    if not viewer.is_authenticated:
        return login_first(request)
    return _concern_form(request, db, region, {"title": "", "body": "", "topic": ""})


def _concern_form(
    request: Request,
    db: Session,
    region: Region,
    typed: dict[str, str],
    errors: dict[str, Message] | None = None,
    *,
    template: str = "concerns/new.html",
) -> HTMLResponse:
    """The form to raise a concern (or to record one for someone), with what was typed."""
    return request.app.state.templates.render(
        request,
        template,
        {"typed": typed, "errors": errors or {}, "topics": queries.topics(db)},
        region=region,
        status_code=400 if errors else 200,
    )


@router.post("/r/{slug}/new")
def raise_concern(
    request: Request,
    slug: str,
    db: DB,
    viewer: CurrentViewer,
    title: Text = "",
    body: Text = "",
    topic: Text = "",
    client_key: Text = "",
) -> Response:
    region = region_or_404(db, slug)
    if not viewer.is_authenticated:
        return login_first(request)
    typed = {"title": title, "body": body, "topic": topic}
    try:
        concern, created = service.raise_concern(
            db,
            viewer,
            region,
            title=title,
            body=body,
            topic=topic,
            language=locale_of(request, region),
            key=service.client_key(client_key),
        )
    except FormErrors as invalid:
        return _concern_form(request, db, region, typed, invalid.errors)
    db.commit()
    if created:
        flash(request, N_("Thank you. Your concern is now public."), kind="raised")
    else:
        flash(request, N_("You already raised this concern. Here it is."), kind="info")
    return redirect(request, f"/c/{concern.id}")


RECORD_FIELDS = ("source", "person", "meeting", "date", "title", "body", "topic", "consent")


@router.get("/r/{slug}/record", response_class=HTMLResponse)
def record_form(request: Request, slug: str, db: DB, viewer: CurrentViewer) -> Response:
    region = region_or_404(db, slug)
    if not viewer.is_authenticated:
        return login_first(request)
    assert region.id is not None
    if not can(viewer, Action.record_assisted, region.id):
        raise NotAllowed(Action.record_assisted)
    return _record_form(request, db, region, dict.fromkeys(RECORD_FIELDS, ""))


def _record_form(
    request: Request,
    db: Session,
    region: Region,
    typed: dict[str, str],
    errors: dict[str, Message] | None = None,
) -> HTMLResponse:
    return _concern_form(request, db, region, typed, errors, template="concerns/record.html")


@router.post("/r/{slug}/record")
def record_assisted(
    request: Request,
    slug: str,
    db: DB,
    viewer: CurrentViewer,
    source: Text = "",
    person: Text = "",
    meeting: Text = "",
    date: Text = "",
    title: Text = "",
    body: Text = "",
    topic: Text = "",
    consent: Text = "",
    client_key: Text = "",
) -> Response:
    region = region_or_404(db, slug)
    if not viewer.is_authenticated:
        return login_first(request)
    typed = {
        "source": source,
        "person": person,
        "meeting": meeting,
        "date": date,
        "title": title,
        "body": body,
        "topic": topic,
        "consent": consent,
    }
    try:
        concern, created = service.record_assisted(
            db,
            viewer,
            region,
            title=title,
            body=body,
            topic=topic,
            language=locale_of(request, region),
            source=source,
            person=person,
            meeting=meeting,
            day=date,
            consent=bool(consent),
            key=service.client_key(client_key),
        )
    except FormErrors as invalid:
        return _record_form(request, db, region, typed, invalid.errors)
    db.commit()
    if created:
        flash(
            request,
            N_("The concern is recorded and now public as number %(number)s.", number=concern.id),
        )
    else:
        flash(request, N_("You already recorded this concern. Here it is."), kind="info")
    return redirect(request, f"/c/{concern.id}")


@router.get("/c/{concern_id}", response_class=HTMLResponse)
def show_concern(request: Request, concern_id: int, db: DB, viewer: CurrentViewer) -> Response:
    view, region = _concern_or_404(db, concern_id)
    return _concern_page(request, db, viewer, view, region)


def _concern_page(
    request: Request,
    db: Session,
    viewer: Viewer,
    view: queries.ConcernView,
    region: Region,
    *,
    block: str | None = None,
    typed_reply: str = "",
    reply_errors: dict[str, Message] | None = None,
    problems: dict[str, Message] | None = None,
    status_errors: dict[str, Message] | None = None,
    typed_status: dict[str, str] | None = None,
    status_code: int = 200,
    done: Message | None = None,
) -> HTMLResponse:
    concern = view.concern
    assert concern.id is not None and region.id is not None
    official_answers, replies = queries.replies(db, concern.id)
    may = {action.value: can(viewer, action, region.id, concern) for action in Action}
    context: dict[str, Any] = {
        "view": view,
        "concern": concern,
        "official_answers": official_answers,
        "replies": replies,
        "supported": queries.has_supported(db, concern.id, viewer.id),
        "duplicate_title": queries.concern_title(db, concern.duplicate_of_id),
        "duplicates": queries.duplicates_of(db, concern.id),
        "all_audiences": queries.audiences(db) if may["tag"] else [],
        "may": may,
        "typed_reply": typed_reply,
        "reply_errors": reply_errors or {},
        "problems": problems or {},
        "status_errors": status_errors or {},
        "typed_status": typed_status or {"reason": "", "duplicate_of": ""},
        "done": done,
    }
    return request.app.state.templates.render(
        request,
        "concerns/show.html",
        context,
        block=block,
        region=region,
        status_code=status_code,
    )


@router.post("/c/{concern_id}/replies")
def reply(
    request: Request,
    concern_id: int,
    db: DB,
    viewer: CurrentViewer,
    body: Text = "",
    official: Text = "",
    client_key: Text = "",
) -> Response:
    view, region = _concern_or_404(db, concern_id)
    if not viewer.is_authenticated:
        return login_first(request, f"/c/{concern_id}")
    block = "conversation" if is_htmx(request) else None
    try:
        _reply, created = service.post_reply(
            db,
            viewer,
            view.concern,
            body=body,
            official=bool(official),
            language=locale_of(request, region),
            key=service.client_key(client_key),
        )
    except FormErrors as invalid:
        return _concern_page(
            request,
            db,
            viewer,
            view,
            region,
            block=block,
            typed_reply=body,
            reply_errors=invalid.errors,
            status_code=400,
        )
    except Refused as refused:
        return _concern_page(
            request,
            db,
            viewer,
            view,
            region,
            block=block,
            typed_reply=body,
            problems={"reply": refused.message},
            status_code=409,
        )
    db.commit()
    done = N_("Your reply is published.") if created else N_("You already sent this reply.")
    if block:
        return _concern_page(request, db, viewer, view, region, block=block, done=done)
    flash(request, done)
    return RedirectResponse(f"/c/{concern_id}#replies", status_code=303)


@router.post("/c/{concern_id}/support")
def support(request: Request, concern_id: int, db: DB, viewer: CurrentViewer) -> Response:
    view, region = _concern_or_404(db, concern_id)
    if not viewer.is_authenticated:
        return login_first(request, f"/c/{concern_id}")
    service.toggle_support(db, viewer, view.concern)
    db.commit()
    if is_htmx(request):
        return _concern_page(request, db, viewer, view, region, block="support")
    return RedirectResponse(f"/c/{concern_id}", status_code=303)


@router.post("/c/{concern_id}/audiences")
def tag(
    request: Request,
    concern_id: int,
    db: DB,
    viewer: CurrentViewer,
    audience: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
) -> Response:
    view, region = _concern_or_404(db, concern_id)
    if not viewer.is_authenticated:
        return login_first(request)
    block = "audiences" if is_htmx(request) else None
    try:
        service.set_audiences(db, viewer, view.concern, audience)
    except Refused as refused:
        return _concern_page(
            request,
            db,
            viewer,
            view,
            region,
            block=block,
            problems={"audiences": refused.message},
            status_code=400,
        )
    db.commit()
    view, region = _concern_or_404(db, concern_id)
    done = N_("The audiences are saved.")
    if block:
        return _concern_page(request, db, viewer, view, region, block=block, done=done)
    flash(request, done)
    return RedirectResponse(f"/c/{concern_id}", status_code=303)


@router.post("/c/{concern_id}/status")
def change_status(
    request: Request,
    concern_id: int,
    db: DB,
    viewer: CurrentViewer,
    status: Text = "",
    reason: Text = "",
    duplicate_of: Text = "",
) -> Response:
    view, region = _concern_or_404(db, concern_id)
    if not viewer.is_authenticated:
        return login_first(request, f"/c/{concern_id}")
    try:
        service.change_status(
            db, viewer, view.concern, status=status, reason=reason, duplicate_of=duplicate_of
        )
    except FormErrors as invalid:
        db.rollback()
        view, region = _concern_or_404(db, concern_id)
        typed = {"reason": reason, "duplicate_of": duplicate_of}
        return _concern_page(
            request,
            db,
            viewer,
            view,
            region,
            status_errors=invalid.errors,
            typed_status=typed,
            status_code=400,
        )
    except Refused as refused:
        db.rollback()
        view, region = _concern_or_404(db, concern_id)
        return _concern_page(
            request,
            db,
            viewer,
            view,
            region,
            problems={"status": refused.message},
            status_code=409,
        )
    db.commit()
    flash(request, N_("The status is saved."))
    return redirect(request, f"/c/{concern_id}")
