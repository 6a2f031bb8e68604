"""The rules of verdicts: anyone signed in says whether a piloted service works for them, once
per service (a second replaces the first). A citizen's verdict counts for the citizens; a
partner of the region speaks for the kind of their organisation. No HTTP here."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from forum.concerns.service import AUDIENCE_OF_KIND
from forum.concerns.texts import clean_text
from forum.errors import FormErrors, NotAllowed
from forum.i18n import N_, Message
from forum.models import Judgement, Role, Service, Verdict, utcnow
from forum.permissions import Action, Viewer, can
from forum.piloted.texts import MAX_WHY

CITIZENS = "citizens"
# The audiences whose verdicts a service page sets side by side, in its order.
AUDIENCES = ("citizens", "technology_providers", "local_administration")


def audience_of(viewer: Viewer, region_id: int) -> str:
    """Whom a person's verdict speaks for in this region: the kind of their organisation for a
    partner of the region, else the citizens."""
    organisation = viewer.organisation
    if organisation is not None and viewer.has_role(region_id, Role.partner):
        return AUDIENCE_OF_KIND.get(organisation.kind, CITIZENS)
    return CITIZENS


def give_verdict(
    session: Session, viewer: Viewer, service: Service, verdict: str, why: str
) -> Verdict:
    """The person's verdict on the service, given or replaced."""
    if not can(viewer, Action.give_verdict, service.region_id):
        raise NotAllowed(Action.give_verdict)
    assert viewer.id is not None and service.id is not None
    errors: dict[str, Message] = {}
    if verdict not in Judgement.__members__:
        errors["verdict"] = N_("Choose one of the answers.")
    reason = clean_text(why)
    if len(reason) > MAX_WHY:
        errors["why"] = N_("Use at most %(max)d characters.", max=MAX_WHY)
    if errors:
        raise FormErrors(errors)
    audience = audience_of(viewer, service.region_id)
    speaks_for = viewer.organisation if audience != CITIZENS else None
    given = Verdict(
        service_id=service.id,
        user_id=viewer.id,
        audience=audience,
        verdict=verdict,
        why=reason or None,
        organisation=speaks_for.name if speaks_for else None,
    )
    found = _mine(session, service.id, viewer.id)
    if found is None:
        try:
            with session.begin_nested():  # two at once from one person: one verdict
                session.add(given)
            return given
        except IntegrityError:
            found = _mine(session, service.id, viewer.id)
            assert found is not None
    for name in ("audience", "verdict", "why", "organisation"):
        setattr(found, name, getattr(given, name))
    found.updated_at = utcnow()
    session.add(found)
    return found


def _mine(session: Session, service_id: int, user_id: int) -> Verdict | None:
    query = select(Verdict).where(Verdict.service_id == service_id, Verdict.user_id == user_id)
    return session.exec(query.execution_options(populate_existing=True)).first()
