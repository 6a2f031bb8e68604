"""Topics and organisations: what every region shares. Each list has a form to add one, and
each line a form to change it. Thin: parse, call, render."""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from forum.admin import queries, service
from forum.admin.deps import Administrator
from forum.concerns import queries as concern_queries
from forum.i18n import N_
from forum.ids import parse_id
from forum.models import Organisation, Topic
from forum.web.actions import Done, Failure, act
from forum.web.deps import DB, Pages
from forum.web.forms import Text
from forum.web.templating import Pages as PageRenderer

router = APIRouter()


@dataclass
class Sent:
    """A form of these pages that did not go through: which one (the new one, or the row it
    changes), what was typed, and why."""

    row: str
    typed: dict[str, str]
    failure: Failure


def _page(pages: PageRenderer, template: str, rows: Any, sent: Sent | None = None) -> HTMLResponse:
    status_code = sent.failure.status_code if sent else 200
    # A field's id is its name, with the row it changes ("name-energy"); the new one's is bare.
    failed = sent.failure.errors if sent else {}
    row = sent.row if sent else ""
    errors = {f"{name}-{row}" if row else name: message for name, message in failed.items()}
    context = {"rows": rows, "sent": sent, "errors": errors}
    return pages.render(template, context, status_code=status_code)


def _topics_page(pages: PageRenderer, db: DB, sent: Sent | None = None) -> HTMLResponse:
    return _page(pages, "admin/topics.html", concern_queries.topics(db), sent)


@router.get("/admin/topics", response_class=HTMLResponse)
def topics(viewer: Administrator, db: DB, pages: Pages) -> Response:
    return _topics_page(pages, db)


def topic_in_url(slug: str, viewer: Administrator, db: DB) -> Topic:
    found = queries.topic_by_slug(db, slug)
    if found is None:
        raise HTTPException(404)
    return found


def _save_topic(
    request: Request, viewer: Administrator, db: DB, topic: Topic | None, slug: str, name: str
) -> Response:
    pages = PageRenderer(request)
    row, typed = (topic.slug if topic else ""), {"slug": slug, "name": name}
    return act(
        request,
        db,
        lambda: service.save_topic(db, viewer, topic, slug=slug, name=name),
        done=lambda saved: Done(N_("The topic is saved."), f"/admin/topics#topic-{saved.slug}"),
        failed=lambda failure: _topics_page(pages, db, Sent(row, typed, failure)),
    )


@router.post("/admin/topics")
def create_topic(
    request: Request, viewer: Administrator, db: DB, slug: Text = "", name: Text = ""
) -> Response:
    return _save_topic(request, viewer, db, None, slug, name)


@router.post("/admin/topics/{slug}")
def edit_topic(
    request: Request,
    topic: Annotated[Topic, Depends(topic_in_url)],
    viewer: Administrator,
    db: DB,
    name: Text = "",
) -> Response:
    return _save_topic(request, viewer, db, topic, topic.slug, name)


def _organisations_page(pages: PageRenderer, db: DB, sent: Sent | None = None) -> HTMLResponse:
    return _page(pages, "admin/organisations.html", queries.organisations(db), sent)


@router.get("/admin/organisations", response_class=HTMLResponse)
def organisations(viewer: Administrator, db: DB, pages: Pages) -> Response:
    return _organisations_page(pages, db)


def organisation_in_url(organisation_id: str, viewer: Administrator, db: DB) -> Organisation:
    number = parse_id(organisation_id)
    found = db.get(Organisation, number) if number else None
    if found is None:
        raise HTTPException(404)
    return found


@dataclass
class OrganisationForm:
    name: Text = ""
    kind: Text = ""


def _save_organisation(
    request: Request,
    viewer: Administrator,
    db: DB,
    row: Organisation | None,
    form: OrganisationForm,
) -> Response:
    pages = PageRenderer(request)
    typed = {"name": form.name, "kind": form.kind}
    key = str(row.id) if row else ""
    return act(
        request,
        db,
        lambda: service.save_organisation(db, viewer, row, name=form.name, kind=form.kind),
        done=lambda saved: Done(
            N_("The organisation is saved."), f"/admin/organisations#organisation-{saved.id}"
        ),
        failed=lambda failure: _organisations_page(pages, db, Sent(key, typed, failure)),
    )


@router.post("/admin/organisations")
def create_organisation(
    request: Request,
    viewer: Administrator,
    form: Annotated[OrganisationForm, Depends()],
    db: DB,
) -> Response:
    return _save_organisation(request, viewer, db, None, form)


@router.post("/admin/organisations/{organisation_id}")
def edit_organisation(
    request: Request,
    organisation: Annotated[Organisation, Depends(organisation_in_url)],
    viewer: Administrator,
    form: Annotated[OrganisationForm, Depends()],
    db: DB,
) -> Response:
    return _save_organisation(request, viewer, db, organisation, form)
