"""Raising a concern, its page, replies, me too, status and audiences. Thin: parse, call, render.

Every action goes through web/actions.py: a form error comes back with 400, a refusal with
409, htmx gets the page's block and a plain form a redirect.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from forum.concerns import assisted, queries, service, status
from forum.concerns.forms import ConcernForm, RecordForm, ReplyForm, StatusForm
from forum.concerns.queries import Shown
from forum.concerns.replies import replies_of
from forum.errors import NotAllowed
from forum.i18n import N_, Message
from forum.models import Concern, Region
from forum.moderation import service as moderation
from forum.permissions import VISITOR, Action, Viewer, allowed, can
from forum.piloted import queries as piloted
from forum.web.actions import Done, Failure, Paced, act
from forum.web.deps import (
    DB,
    ActiveRegion,
    CurrentViewer,
    Pages,
    Reader,
    SignedIn,
    VisibleConcern,
    photo_store,
    readable_concern,
    signed_in,
)
from forum.web.forms import Text, Texts, typed
from forum.web.guards import NO_NUL
from forum.web.reads import made
from forum.web.templating import Pages as PageRenderer

router = APIRouter()
# A visitor who sends a form from a concern's page logs in and comes back to that page.
SignedInOnConcern = Annotated[Viewer, Depends(signed_in("/c/{concern_id}"))]
NEW, RECORD = "concerns/new.html", "concerns/record.html"


@dataclass
class Writing:
    """Someone signed in, writing in the region of the URL."""

    request: Request
    region: Region
    viewer: Viewer
    db: Session
    pages: PageRenderer


async def writing(
    request: Request, region: ActiveRegion, viewer: SignedIn, db: DB, pages: Pages
) -> Writing:
    return Writing(request, region, viewer, db, pages)


InRegion = Annotated[Writing, Depends(writing)]


def _form_page(
    at: Writing, form: ConcernForm, failure: Failure | None = None, template: str = NEW
) -> HTMLResponse:
    """The form to raise a concern (or to record one for someone), with what was typed."""
    errors = failure.errors if failure else {}
    shown = typed(form)
    shown["language"] = shown["language"] or at.pages.locale(at.region)
    assert at.region.id is not None
    locale, default = at.pages.locale(at.region), at.region.default_locale
    services = piloted.region_services(at.db, at.region.id, locale, default)
    return at.pages.render(
        template,
        {"typed": shown, "errors": errors, "topics": queries.topics(at.db), "services": services},
        region=at.region,
        status_code=failure.status_code if failure else 200,
    )


def _send(
    at: Writing,
    form: ConcernForm,
    create: Callable[..., tuple[Concern, bool]],
    done: Callable[[tuple[Concern, bool]], Done],
    template: str,
) -> Response:
    """Raise (or record) the concern in the language of the page; the form again on error."""
    language = at.pages.locale(at.region)
    store = photo_store(at.request)
    return act(
        at.request,
        at.db,
        lambda: create(language=language, store=store),
        done=done,
        failed=lambda failure: _form_page(at, form, failure, template),
        paced=Paced("concern", "title"),
    )


def _raised(result: tuple[Concern, bool]) -> Done:
    concern, new = result
    if new:
        return Done(N_("Thank you. Your concern is now public."), f"/c/{concern.id}", "raised")
    return Done(N_("You already raised this concern. Here it is."), f"/c/{concern.id}", "info")


def _recorded(result: tuple[Concern, bool]) -> Done:
    concern, new = result
    if new:
        number = concern.id
        message = N_("The concern is recorded and now public as number %(number)s.", number=number)
        return Done(message, f"/c/{concern.id}")
    return Done(N_("You already recorded this concern. Here it is."), f"/c/{concern.id}", "info")


@router.get("/r/{slug}/new", response_class=HTMLResponse)
def new_concern(at: InRegion, service: Annotated[str, Query(pattern=NO_NUL)] = "") -> Response:
    return _form_page(at, ConcernForm(service=service))


@router.post("/r/{slug}/new")
def raise_concern(form: Annotated[ConcernForm, Depends()], at: InRegion) -> Response:
    create = partial(service.raise_concern, at.db, at.viewer, at.region, form.draft())
    return _send(at, form, create, _raised, NEW)


async def recorder(at: InRegion) -> Writing:
    """Someone who may record concerns for people in this region (its moderators)."""
    assert at.region.id is not None
    if not can(at.viewer, Action.record_assisted, at.region.id):
        raise NotAllowed(Action.record_assisted)
    return at


Recording = Annotated[Writing, Depends(recorder)]


@router.get("/r/{slug}/record", response_class=HTMLResponse)
def record_form(at: Recording) -> Response:
    return _form_page(at, RecordForm(), template=RECORD)


@router.post("/r/{slug}/record")
def record_assisted(form: Annotated[RecordForm, Depends()], at: InRegion) -> Response:
    draft, met = form.draft(), form.met()
    create = partial(assisted.record_assisted, at.db, at.viewer, at.region, draft, met)
    return _send(at, form, create, _recorded, RECORD)


@dataclass
class ConcernPage:
    """The page of the concern in the URL, for the person asking: rendered whole, or one of
    its blocks for htmx, with what a form sent left to show (`state`: typed_reply,
    reply_errors, problems, status_errors, typed_status, done)."""

    pages: PageRenderer
    db: Session
    viewer: Viewer
    shown: Shown

    @property
    def concern(self) -> Concern:
        return self.shown.view.concern

    @property
    def url(self) -> str:
        return f"/c/{self.concern.id}"

    def language(self) -> str:
        return self.pages.locale(self.shown.region)

    def again(self) -> "ConcernPage":
        """The same page, read afresh (after a change it shows)."""
        fresh = queries.concern_view(self.db, self.concern.id or 0) or self.shown
        return ConcernPage(self.pages, self.db, self.viewer, fresh)

    def __call__(
        self, *, block: str | None = None, status_code: int = 200, **state: Any
    ) -> HTMLResponse:
        view, region = self.shown
        concern = view.concern
        assert concern.id is not None and region.id is not None
        db, viewer = self.db, self.viewer
        locale = self.pages.locale(region)
        official_answers, replies = replies_of(db, concern.id)
        # A hidden concern (its author's view of it) is read, never acted on.
        may = allowed(VISITOR if concern.hidden else viewer, region.id, concern)
        context: dict[str, Any] = {
            "view": view,
            "concern": concern,
            "official_answers": official_answers,
            "replies": replies,
            "supported": queries.has_supported(db, concern.id, viewer.id),
            "duplicate_title": queries.concern_title(db, concern.duplicate_of_id),
            "duplicates": queries.duplicates_of(db, concern.id),
            "about": piloted.name_of(db, concern.service_id, locale, region.default_locale),
            "services": piloted.region_services(db, region.id, locale, region.default_locale)
            if may["moderate"]
            else [],
            "all_audiences": queries.audiences(db) if may["tag"] else [],
            "may": may,
            "typed_reply": "",
            "reply_errors": {},
            "problems": {},
            "status_errors": {},
            "typed_status": {"reason": "", "duplicate_of": ""},
            "done": None,
            **state,
        }
        return self.pages.render(
            "concerns/show.html", context, block=block, region=region, status_code=status_code
        )


async def concern_page(
    shown: VisibleConcern, db: DB, viewer: CurrentViewer, pages: Pages
) -> ConcernPage:
    return ConcernPage(pages, db, viewer, shown)


ThisConcern = Annotated[ConcernPage, Depends(concern_page)]


def _problem(name: str, failure: Failure) -> dict[str, Message]:
    """A refusal, said beside the part of the page it is about."""
    return {name: failure.problem} if failure.problem else {}


@router.get("/c/{concern_id}", response_class=HTMLResponse)
async def show_concern(concern_id: str, reader: Reader) -> Response:
    db, viewer, pages = reader

    def page() -> Response:
        return ConcernPage(pages, db, viewer, readable_concern(concern_id, db, viewer))()

    return await made(db, page)


@router.post("/c/{concern_id}/replies")
def reply(
    request: Request,
    page: ThisConcern,
    viewer: SignedInOnConcern,
    form: Annotated[ReplyForm, Depends()],
    db: DB,
) -> Response:
    block = "conversation" if page.pages.htmx else None
    sent = N_("Your reply is published.")
    language = page.language()
    return act(
        request,
        db,
        lambda: service.post_reply(db, viewer, page.concern, form.draft(), language=language),
        done=lambda result: Done(sent if result[1] else SENT_BEFORE, f"{page.url}#replies"),
        failed=lambda failure: page(
            block=block,
            status_code=failure.status_code,
            typed_reply=form.body,
            reply_errors=failure.errors,
            problems=_problem("reply", failure),
        ),
        inline=lambda _reply, done: page(block=block, done=done.message),
        paced=Paced("reply", "body"),
    )


SENT_BEFORE = N_("You already sent this reply.")


@router.post("/c/{concern_id}/support")
def support(request: Request, page: ThisConcern, viewer: SignedInOnConcern, db: DB) -> Response:
    return act(
        request,
        db,
        lambda: service.toggle_support(db, viewer, page.concern),
        done=lambda _supported: Done(None, page.url),
        failed=lambda _failure: page(),
        inline=lambda _supported, _done: page(block="support"),
    )


@router.post("/c/{concern_id}/audiences")
def tag(
    request: Request,
    page: ThisConcern,
    viewer: SignedInOnConcern,
    db: DB,
    audience: Texts = [],  # noqa: B006 (FastAPI copies defaults)
) -> Response:
    block = "audiences" if page.pages.htmx else None
    return act(
        request,
        db,
        lambda: service.set_audiences(db, viewer, page.concern, audience),
        done=lambda _result: Done(N_("The audiences are saved."), page.url),
        failed=lambda failure: page(
            block=block, status_code=failure.status_code, problems=_problem("audiences", failure)
        ),
        inline=lambda _result, done: page.again()(block="audiences", done=done.message),
    )


@router.post("/c/{concern_id}/service")
def set_service(
    request: Request, page: ThisConcern, viewer: SignedInOnConcern, db: DB, service: Text = ""
) -> Response:
    return act(
        request,
        db,
        lambda: moderation.set_service(db, viewer, page.concern, service),
        done=lambda _result: Done(N_("The service is saved."), page.url),
        failed=lambda failure: page(
            status_code=failure.status_code, problems=_problem("service", failure)
        ),
    )


@router.post("/c/{concern_id}/status")
def change_status(
    request: Request,
    page: ThisConcern,
    viewer: SignedInOnConcern,
    form: Annotated[StatusForm, Depends()],
    db: DB,
) -> Response:
    return act(
        request,
        db,
        lambda: status.change_status(db, viewer, page.concern, **asdict(form)),
        done=lambda _result: Done(N_("The status is saved."), page.url),
        failed=lambda failure: page(
            status_code=failure.status_code,
            problems=_problem("status", failure),
            status_errors=failure.errors,
            typed_status={"reason": form.reason, "duplicate_of": form.duplicate_of},
        ),
    )
