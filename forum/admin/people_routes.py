"""A region's people: who holds which role, giving and taking roles, and inviting by email.
Administrators manage every region; pilot leaders the regions they lead. Thin."""

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from forum.admin import invitations, queries, service
from forum.admin.deps import Manager, managed_region, managed_regions
from forum.i18n import N_
from forum.ids import parse_id
from forum.models import Region, User
from forum.web.actions import Done, Failure, act
from forum.web.deps import DB, Pages
from forum.web.forms import Text
from forum.web.templating import Pages as PageRenderer

router = APIRouter()


@dataclass
class Forms:
    """What the page's forms show: what was typed into each, and the messages of the one
    that did not go through (its name: grant, revoke or invite)."""

    grant: dict[str, str] = field(
        default_factory=lambda: {"name": "", "role": "", "organisation": ""}
    )
    invite: dict[str, str] = field(
        default_factory=lambda: {"email": "", "role": "", "organisation": ""}
    )
    failed: str = ""
    failure: Failure | None = None


def people_page(
    pages: PageRenderer, db: DB, viewer: Manager, region: Region, forms: Forms | None = None
) -> HTMLResponse:
    assert region.id is not None
    forms = forms or Forms()
    context: dict[str, Any] = {
        "chosen": region,
        "regions": managed_regions(db, viewer),
        "holders": queries.holders(db, region.id),
        "invited": queries.open_invitations(db, region.id),
        "organisations": queries.organisations(db),
        "forms": forms,
        # Each form's fields have ids of their own: "invite-email", "grant-role"...
        "errors": {
            f"{forms.failed}-{name}": message
            for name, message in (forms.failure.errors if forms.failure else {}).items()
        },
    }
    status_code = forms.failure.status_code if forms.failure else 200
    return pages.render("admin/people.html", context, status_code=status_code)


@router.get("/admin/people", response_class=HTMLResponse)
def people(viewer: Manager, db: DB, pages: Pages, region: Annotated[str, Query()] = "") -> Response:
    """The people of the region asked for, else of the first region this person manages."""
    regions = managed_regions(db, viewer)
    if not region and regions:
        region = regions[0].slug
    if not region:
        raise HTTPException(404)
    return people_page(pages, db, viewer, managed_region(db, viewer, region))


@dataclass
class GrantForm:
    region: Text = ""
    name: Text = ""
    role: Text = ""
    organisation: Text = ""


def _back(region: Region) -> str:
    return f"/admin/people?region={region.slug}"


@router.post("/admin/people")
def give_role(
    request: Request, viewer: Manager, form: Annotated[GrantForm, Depends()], db: DB
) -> Response:
    region, pages = managed_region(db, viewer, form.region), PageRenderer(request)
    grant = service.Grant(form.name, form.role, form.organisation)
    typed = {"name": form.name, "role": form.role, "organisation": form.organisation}
    return act(
        request,
        db,
        lambda: service.give_role(db, viewer, region, grant),
        done=lambda person: Done(N_("%(name)s has the role now.", name=person.name), _back(region)),
        failed=lambda failure: people_page(
            pages, db, viewer, region, Forms(grant=typed, failed="grant", failure=failure)
        ),
    )


@dataclass
class PersonForm:
    region: Text = ""
    person: Text = ""  # the person's number


@dataclass
class RevokeForm(PersonForm):
    role: Text = ""


def _person(db: Session, form: PersonForm) -> User:
    """The person the form names by number (a 404 for one that does not exist)."""
    number = parse_id(form.person)
    person = db.get(User, number) if number else None
    if person is None:
        raise HTTPException(404)
    return person


@router.post("/admin/people/revoke")
def take_role(
    request: Request, viewer: Manager, form: Annotated[RevokeForm, Depends()], db: DB
) -> Response:
    region, pages = managed_region(db, viewer, form.region), PageRenderer(request)
    person = _person(db, form)
    return act(
        request,
        db,
        lambda: service.take_role(db, viewer, region, person, form.role),
        done=lambda _result: Done(N_("The role is taken away."), _back(region)),
        failed=lambda failure: people_page(
            pages, db, viewer, region, Forms(failed="revoke", failure=failure)
        ),
    )


@router.post("/admin/people/logout")
def log_out(
    request: Request, viewer: Manager, form: Annotated[PersonForm, Depends()], db: DB
) -> Response:
    region, pages = managed_region(db, viewer, form.region), PageRenderer(request)
    person = _person(db, form)
    done = N_("%(name)s is logged out on every device.", name=person.name)
    return act(
        request,
        db,
        lambda: service.log_out(db, viewer, region, person),
        done=lambda _ended: Done(done, _back(region)),
        failed=lambda failure: people_page(
            pages, db, viewer, region, Forms(failed="logout", failure=failure)
        ),
    )


@dataclass
class InviteForm:
    region: Text = ""
    email: Text = ""
    role: Text = ""
    organisation: Text = ""


@router.post("/admin/invitations")
def invite(
    request: Request, viewer: Manager, form: Annotated[InviteForm, Depends()], db: DB
) -> Response:
    region, pages = managed_region(db, viewer, form.region), PageRenderer(request)
    typed = {"email": form.email, "role": form.role, "organisation": form.organisation}
    return act(
        request,
        db,
        lambda: invitations.invite(
            db, viewer, region, email=form.email, role=form.role, organisation=form.organisation
        ),
        done=lambda sent: Done(
            N_("The invitation is sent to %(email)s.", email=sent.email), _back(region)
        ),
        failed=lambda failure: people_page(
            pages, db, viewer, region, Forms(invite=typed, failed="invite", failure=failure)
        ),
    )
