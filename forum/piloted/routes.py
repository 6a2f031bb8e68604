"""A region's piloted services: the list, each service's page with its verdicts, the forms
that describe them (per language) and the verdict form. Thin: parse, call, render."""

from dataclasses import asdict, dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from forum.admin import queries as admin_queries
from forum.concerns import queries as concern_queries
from forum.concerns.filters import RegionFilters
from forum.errors import NotAllowed
from forum.i18n import N_, OFFERED_LOCALES
from forum.models import Region, Service, ServiceText, Stage
from forum.permissions import Action, Viewer, can
from forum.piloted import describing, queries, verdicts
from forum.piloted.forms import ServiceForm, VerdictForm, shown
from forum.piloted.texts import WORDS
from forum.web.actions import Done, Failure, act
from forum.web.deps import DB, ActiveRegion, CurrentViewer, Pages, SignedIn, signed_in
from forum.web.guards import NO_NUL
from forum.web.templating import Pages as PageRenderer

router = APIRouter()
CONCERNS_SHOWN = 5


@dataclass
class Describing:
    """A leader (or an administrator) describing the services of the region in the URL."""

    request: Request
    region: Region
    viewer: Viewer
    db: Session
    pages: PageRenderer


async def describing_here(
    request: Request, region: ActiveRegion, viewer: SignedIn, db: DB, pages: Pages
) -> Describing:
    assert region.id is not None
    if not can(viewer, Action.describe_services, region.id):
        raise NotAllowed(Action.describe_services)
    return Describing(request, region, viewer, db, pages)


Describer = Annotated[Describing, Depends(describing_here)]


def service_in_url(service: str, region: ActiveRegion, db: DB) -> Service:
    assert region.id is not None
    found = queries.service_by_slug(db, region.id, service)
    if found is None:
        raise HTTPException(404)
    return found


ServiceInUrl = Annotated[Service, Depends(service_in_url)]


@router.get("/r/{slug}/services", response_class=HTMLResponse)
def services(region: ActiveRegion, db: DB, viewer: CurrentViewer, pages: Pages) -> Response:
    assert region.id is not None
    locale = pages.locale(region)
    cards = queries.region_services(db, region.id, locale, region.default_locale, tallied=True)
    context = {
        "cards": cards,
        "may_describe": can(viewer, Action.describe_services, region.id),
    }
    return pages.render("services/index.html", context, region=region)


def _form_page(
    at: Describing, form: ServiceForm, service: Service | None, failure: Failure | None = None
) -> HTMLResponse:
    context = {
        "service": service,
        "typed": shown(form),
        "errors": failure.errors if failure else {},
        "organisations": admin_queries.organisations(at.db),
        "stages": list(Stage),
        "written_in": sorted(queries.texts_of(at.db, service.id)) if service and service.id else [],
    }
    status_code = failure.status_code if failure else 200
    return at.pages.render("services/edit.html", context, region=at.region, status_code=status_code)


def _save(at: Describing, form: ServiceForm, service: Service | None) -> Response:
    region = at.region
    return act(
        at.request,
        at.db,
        lambda: describing.save_service(at.db, at.viewer, region, service, form.fields()),
        done=lambda saved: Done(
            N_("The service is saved."), f"/r/{region.slug}/services/{saved.slug}"
        ),
        failed=lambda failure: _form_page(at, form, service, failure),
    )


def _writing_language(at: Describing) -> str:
    """The language a leader writes in unless they choose: the page's, else the region's."""
    locale = at.pages.locale(at.region)
    return locale if locale in OFFERED_LOCALES else at.region.default_locale


@router.get("/r/{slug}/services/new", response_class=HTMLResponse)
def new_service(at: Describer) -> Response:
    form = ServiceForm(lang=_writing_language(at), stage=Stage.testing.value)
    return _form_page(at, form, None)


@router.post("/r/{slug}/services/new")
def create_service(at: Describer, form: Annotated[ServiceForm, Depends()]) -> Response:
    return _save(at, form, None)


def _filled(service: Service, text: ServiceText | None, lang: str) -> ServiceForm:
    """The edit form for one language: its words as written, or empty for a new language."""
    words: dict[str, Any] = {name: getattr(text, name) for name in WORDS} if text else {}
    organisation = str(service.organisation_id or "")
    return ServiceForm(
        lang=lang, short_name=service.slug, organisation=organisation, stage=service.stage, **words
    )


@router.get("/r/{slug}/services/{service}/edit", response_class=HTMLResponse)
def edit_service_form(
    at: Describer, service: ServiceInUrl, lang: Annotated[str, Query(pattern=NO_NUL)] = ""
) -> Response:
    lang = lang if lang in OFFERED_LOCALES else _writing_language(at)
    assert service.id is not None
    text = queries.texts_of(at.db, service.id).get(lang)
    return _form_page(at, _filled(service, text, lang), service)


@router.post("/r/{slug}/services/{service}/edit")
def edit_service(
    at: Describer, service: ServiceInUrl, form: Annotated[ServiceForm, Depends()]
) -> Response:
    return _save(at, form, service)


@dataclass
class ServicePage:
    """The page of the service in the URL, for the person asking."""

    pages: PageRenderer
    db: Session
    viewer: Viewer
    region: Region
    service: Service

    def _reads_reasons(self) -> bool:
        region_id = self.region.id or 0
        return can(self.viewer, Action.describe_services, region_id) or can(
            self.viewer, Action.moderate, region_id
        )

    def __call__(self, status_code: int = 200, **state: Any) -> HTMLResponse:
        region, service, db = self.region, self.service, self.db
        assert region.id is not None and service.id is not None
        card = queries.service_card(db, service, self.pages.locale(region), region.default_locale)
        if card is None:  # a service without words yet: nothing to show
            raise HTTPException(404)
        filters = RegionFilters(service=service)
        concerns, more = concern_queries.region_page(db, region.id, filters, limit=CONCERNS_SHOWN)
        mine = queries.verdict_of(db, service.id, self.viewer.id)
        context = {
            "card": card,
            "concerns": concerns,
            "more_concerns": more is not None,
            # Reasons are free text that no moderator reviews before it shows: the region's
            # staff read them, the public sees the counts.
            "whys": queries.whys(db, service.id) if self._reads_reasons() else [],
            "mine": mine,
            "audiences": verdicts.AUDIENCES,
            "speaks_for": verdicts.audience_of(self.viewer, region.id),
            "may_describe": can(self.viewer, Action.describe_services, region.id),
            "may_judge": can(self.viewer, Action.give_verdict, region.id),
            "typed_verdict": {"verdict": mine.verdict, "why": mine.why or ""}
            if mine
            else {"verdict": "", "why": ""},
            "verdict_errors": {},
            **state,
        }
        return self.pages.render(
            "services/show.html", context, region=region, status_code=status_code
        )


async def service_page(
    region: ActiveRegion, service: ServiceInUrl, db: DB, viewer: CurrentViewer, pages: Pages
) -> ServicePage:
    return ServicePage(pages, db, viewer, region, service)


ThisService = Annotated[ServicePage, Depends(service_page)]


@router.get("/r/{slug}/services/{service}", response_class=HTMLResponse)
def show_service(page: ThisService) -> Response:
    return page()


SignedInOnService = Annotated[Viewer, Depends(signed_in("/r/{slug}/services/{service}"))]


@router.post("/r/{slug}/services/{service}/verdict")
def give_verdict(
    request: Request,
    page: ThisService,
    viewer: SignedInOnService,
    form: Annotated[VerdictForm, Depends()],
    db: DB,
) -> Response:
    url = f"/r/{page.region.slug}/services/{page.service.slug}"
    return act(
        request,
        db,
        lambda: verdicts.give_verdict(db, viewer, page.service, form.verdict, form.why),
        done=lambda _verdict: Done(N_("Thank you. Your verdict is saved."), f"{url}#verdicts"),
        failed=lambda failure: page(
            status_code=failure.status_code,
            typed_verdict=asdict(form),
            verdict_errors=failure.errors,
        ),
    )
