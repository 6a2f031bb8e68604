"""The rules of describing a region's piloted services: its leaders (and administrators) write
each service's words per language, its stage and who runs it. Every change is written in the
moderation log, in the same transaction. No HTTP here."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from forum.admin.service import slug_error
from forum.errors import FormErrors, NotAllowed
from forum.i18n import N_, OFFERED_LOCALES, Message
from forum.ids import parse_id
from forum.models import Organisation, Region, Service, ServiceText, Stage, utcnow
from forum.moderation.log import log
from forum.permissions import Action, Viewer, can
from forum.piloted import queries
from forum.piloted.texts import WORDS, ServiceFields, check_words

# Words of the site's own addresses under /r/{slug}/services/: never a service's short name.
RESERVED = {"new"}
TAKEN = N_("Another service of this region has this short name. Choose another one.")


def _slug(session: Session, region_id: int, raw: str, errors: dict[str, Message]) -> str:
    slug = raw.strip().lower()
    if message := slug_error(slug):
        errors["slug"] = message
    elif slug in RESERVED or queries.service_by_slug(session, region_id, slug) is not None:
        errors["slug"] = TAKEN
    return slug


def _settings(
    session: Session, fields: ServiceFields, errors: dict[str, Message]
) -> dict[str, Any]:
    """The stage and the running organisation, checked."""
    if fields.stage not in Stage.__members__:
        errors["stage"] = N_("Choose a stage from the list.")
    organisation_id = None
    if fields.organisation.strip():
        number = parse_id(fields.organisation)
        if number is None or session.get(Organisation, number) is None:
            errors["organisation"] = N_("Choose an organisation from the list, or none.")
        organisation_id = number
    return {"stage": fields.stage, "organisation_id": organisation_id}


def save_service(
    session: Session, viewer: Viewer, region: Region, service: Service | None, fields: ServiceFields
) -> Service:
    """A new service (`service` None) or a change to one: its words in the language
    `fields.lang`, its stage and its organisation."""
    assert region.id is not None
    if not can(viewer, Action.describe_services, region.id):
        raise NotAllowed(Action.describe_services)
    errors: dict[str, Message] = {}
    slug = _slug(session, region.id, fields.slug, errors) if service is None else service.slug
    if fields.lang not in OFFERED_LOCALES:
        errors["lang"] = N_("Choose one of the languages in the list.")
    settings = _settings(session, fields, errors)
    words = check_words(fields, errors)
    if errors:
        raise FormErrors(errors)
    if service is None:
        service = _create(session, region.id, slug, settings)
        before: dict[str, Any] = {}
    else:
        before = {name: getattr(service, name) for name in settings}
    assert service.id is not None
    text = session.get(ServiceText, (service.id, fields.lang))
    before |= {name: getattr(text, name) for name in WORDS} if text else {}
    after = settings | words
    changed = {name: value for name, value in after.items() if before.get(name) != value}
    if not changed:
        return service
    _write(session, service, settings, text, words, fields.lang)
    action = "service_edit" if before else "service_create"
    was = {name: before.get(name) for name in changed} if before else None
    log(session, viewer, service, action, was, {"slug": slug, "lang": fields.lang, **changed})
    return service


def _create(session: Session, region_id: int, slug: str, settings: dict[str, Any]) -> Service:
    service = Service(region_id=region_id, slug=slug, **settings)
    try:
        with session.begin_nested():  # the same new service sent twice at once: one service
            session.add(service)
    except IntegrityError:
        raise FormErrors({"slug": TAKEN}) from None
    return service


def _write(
    session: Session,
    service: Service,
    settings: dict[str, Any],
    text: ServiceText | None,
    words: dict[str, str],
    lang: str,
) -> None:
    now, service_id = utcnow(), service.id
    assert service_id is not None
    for name, value in settings.items():
        setattr(service, name, value)
    service.updated_at = now
    session.add(service)
    if text is None:
        try:
            with session.begin_nested():  # the first words in this language, sent twice
                session.add(
                    ServiceText(service_id=service_id, locale=lang, updated_at=now, **words)
                )
            return
        except IntegrityError:
            text = session.get(ServiceText, (service_id, lang), populate_existing=True)
            assert text is not None
    for name, value in words.items():
        setattr(text, name, value)
    text.updated_at = now
    session.add(text)
