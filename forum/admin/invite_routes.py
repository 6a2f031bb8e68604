"""/invite/{token}: the page an invitation's email links to. Someone new chooses a name and
a password; someone logged in accepts with their account. Thin."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from forum.accounts.routes import log_in
from forum.admin import invitations
from forum.errors import Refused
from forum.i18n import N_
from forum.models import Invitation, Organisation, Region, User
from forum.permissions import Viewer
from forum.web.actions import Done, Failure, act
from forum.web.deps import DB, CurrentViewer, Pages
from forum.web.forms import Text
from forum.web.templating import Pages as PageRenderer

router = APIRouter()


def usable_invitation(token: str, db: DB) -> Invitation | Refused:
    """The invitation the link names, or why it cannot be accepted (said plainly)."""
    try:
        return invitations.usable(db, token)
    except Refused as refused:
        return refused


Link = Annotated[Invitation | Refused, Depends(usable_invitation)]


def _page(
    pages: PageRenderer,
    db: DB,
    link: Invitation | Refused,
    failure: Failure | None = None,
    name: str = "",
) -> HTMLResponse:
    if isinstance(link, Refused) or (failure and failure.problem):
        problem = link.message if isinstance(link, Refused) else failure.problem  # type: ignore[union-attr]
        return pages.render("accounts/invitation.html", {"problem": problem}, status_code=410)
    region = db.get(Region, link.region_id)
    organisation = db.get(Organisation, link.organisation_id) if link.organisation_id else None
    context = {
        "problem": None,
        "invitation": link,
        "invited_to": region,
        "organisation": organisation,
        "typed": {"name": name},
        "errors": failure.errors if failure else {},
    }
    status_code = failure.status_code if failure else 200
    return pages.render("accounts/invitation.html", context, status_code=status_code)


@router.get("/invite/{token}", response_class=HTMLResponse)
def invitation(link: Link, db: DB, pages: Pages) -> Response:
    return _page(pages, db, link)


@dataclass
class AcceptForm:
    name: Text = ""
    password: Text = ""


def _welcome(request: Request, db: DB, viewer: Viewer, person: User, region_id: int) -> Done:
    if viewer.user is None:
        log_in(request, db, person)
    region = db.get(Region, region_id)
    url = f"/r/{region.slug}" if region and region.active else "/"
    return Done(N_("Welcome! You have your role in the region now."), url)


@router.post("/invite/{token}")
def accept(
    request: Request,
    token: str,
    link: Link,
    viewer: CurrentViewer,
    form: Annotated[AcceptForm, Depends()],
    db: DB,
    pages: Pages,
) -> Response:
    if isinstance(link, Refused):
        return _page(pages, db, link)
    return act(
        request,
        db,
        lambda: invitations.accept(db, viewer, token, name=form.name, password=form.password),
        done=lambda person: _welcome(request, db, viewer, person, link.region_id),
        failed=lambda failure: _page(pages, db, link, failure, form.name),
    )
