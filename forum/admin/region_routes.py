"""/admin, and the regions: the list, a new one, changing one or taking it off the site.
Thin: parse, call, render."""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from forum.admin import queries, service
from forum.admin.deps import Administrator, Manager, managed_regions
from forum.i18n import N_
from forum.models import Region
from forum.web.actions import Done, Failure, act
from forum.web.deps import DB, Pages
from forum.web.forms import Text, typed
from forum.web.templating import Pages as PageRenderer

router = APIRouter()


@router.get("/admin", response_class=HTMLResponse)
def admin(viewer: Manager, db: DB, pages: Pages) -> Response:
    """Where setting up starts: for an administrator everything, for a leader their people."""
    return pages.render("admin/index.html", {"regions": managed_regions(db, viewer)})


@dataclass
class RegionForm:
    name: Text = ""
    default_locale: Text = ""
    description: Text = ""

    def fields(self, slug: str = "") -> service.RegionFields:
        return service.RegionFields(slug, self.name, self.default_locale, self.description)


@dataclass
class NewRegionForm(RegionForm):
    slug: Text = ""  # the region's short name in its address: /r/<slug>


def _regions_page(
    pages: PageRenderer, db: DB, form: NewRegionForm, failure: Failure | None = None
) -> HTMLResponse:
    context = {
        "all_regions": queries.all_regions(db),
        "typed": typed(form),
        "errors": failure.errors if failure else {},
    }
    return pages.render(
        "admin/regions.html", context, status_code=failure.status_code if failure else 200
    )


@router.get("/admin/regions", response_class=HTMLResponse)
def regions(viewer: Administrator, db: DB, pages: Pages) -> Response:
    return _regions_page(pages, db, NewRegionForm(default_locale="en"))


@router.post("/admin/regions")
def create_region(
    request: Request,
    viewer: Administrator,
    form: Annotated[NewRegionForm, Depends()],
    db: DB,
    pages: Pages,
) -> Response:
    return act(
        request,
        db,
        lambda: service.create_region(db, viewer, form.fields(form.slug)),
        done=lambda region: Done(
            N_("The region %(name)s is ready.", name=region.name), f"/admin/regions/{region.slug}"
        ),
        failed=lambda failure: _regions_page(pages, db, form, failure),
    )


def region_in_url(slug: str, viewer: Administrator, db: DB) -> Region:
    """The region of the URL, active or not (an administrator may put it back)."""
    region = queries.region_by_slug(db, slug)
    if region is None:
        raise HTTPException(404)
    return region


AnyRegion = Annotated[Region, Depends(region_in_url)]


def _region_page(
    pages: PageRenderer, region: Region, shown: dict[str, Any], failure: Failure | None = None
) -> HTMLResponse:
    context = {"edited": region, "typed": shown, "errors": failure.errors if failure else {}}
    return pages.render(
        "admin/region.html", context, status_code=failure.status_code if failure else 200
    )


@router.get("/admin/regions/{slug}", response_class=HTMLResponse)
def region_form(region: AnyRegion, pages: Pages) -> Response:
    shown = {name: getattr(region, name) for name in ("name", "default_locale", "description")}
    return _region_page(pages, region, shown | {"active": region.active})


@dataclass
class RegionEdit(RegionForm):
    active: Text = ""  # a checkbox: "yes" while the region is on the site


@router.post("/admin/regions/{slug}")
def edit_region(
    request: Request,
    region: AnyRegion,
    viewer: Administrator,
    form: Annotated[RegionEdit, Depends()],
    db: DB,
    pages: Pages,
) -> Response:
    active = bool(form.active)
    return act(
        request,
        db,
        lambda: service.edit_region(db, viewer, region, form.fields(), active=active),
        done=lambda _result: Done(N_("The region is saved."), f"/admin/regions/{region.slug}"),
        failed=lambda failure: _region_page(
            pages, region, typed(form) | {"active": active}, failure
        ),
    )
