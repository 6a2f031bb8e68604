"""The rules of setting up a region: regions, topics and organisations (administrators), and
who holds which role where (administrators, and the leaders of the region). Every change is
written in the moderation log, in the same transaction. No HTTP here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from forum.accounts import queries as account_queries
from forum.accounts import sessions
from forum.accounts.queries import roles_of
from forum.accounts.service import clean_name, grant, name_key
from forum.admin import queries
from forum.concerns.texts import clean_text, one_line
from forum.errors import FormErrors, NotAllowed, Refused
from forum.i18n import N_, OFFERED_LOCALES, Message
from forum.models import Membership, Organisation, OrganisationKind, Region, Role, Topic, User
from forum.moderation.log import log
from forum.permissions import Action, Viewer, can

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}[a-z0-9]|[a-z0-9]")
MAX_NAME = 120
MAX_DESCRIPTION = 2000


def _require(viewer: Viewer, action: Action, region_id: int = 0) -> None:
    if not can(viewer, action, region_id):
        raise NotAllowed(action)


def slug_error(slug: str) -> Message | None:
    if SLUG.fullmatch(slug):
        return None
    return N_(
        "Use small letters a to z, digits and dashes, for example southern-burgenland: it "
        "becomes part of the address."
    )


def _name(raw: str, errors: dict[str, Message], field: str = "name") -> str:
    name = one_line(raw)
    if not name:
        errors[field] = N_("Enter a name.")
    elif len(name) > MAX_NAME:
        errors[field] = N_("Use a name of at most %(max)d characters.", max=MAX_NAME)
    return name


@dataclass(frozen=True)
class RegionFields:
    """A region as typed into its form."""

    slug: str = ""
    name: str = ""
    default_locale: str = ""
    description: str = ""


def _region_fields(fields: RegionFields, errors: dict[str, Message]) -> dict[str, Any]:
    values = {"name": _name(fields.name, errors), "default_locale": fields.default_locale}
    if fields.default_locale not in OFFERED_LOCALES:
        errors["default_locale"] = N_("Choose one of the languages in the list.")
    values["description"] = clean_text(fields.description)
    if len(values["description"]) > MAX_DESCRIPTION:
        errors["description"] = N_(
            "Use at most %(max)d characters for the description.", max=MAX_DESCRIPTION
        )
    return values


def create_region(session: Session, viewer: Viewer, fields: RegionFields) -> Region:
    _require(viewer, Action.administer)
    errors: dict[str, Message] = {}
    slug = fields.slug.strip().lower()
    if message := slug_error(slug):
        errors["slug"] = message
    elif queries.region_by_slug(session, slug) is not None:
        errors["slug"] = N_("Another region has this short name. Choose another one.")
    values = _region_fields(fields, errors)
    if errors:
        raise FormErrors(errors)
    region = Region(slug=slug, **values)
    try:
        with session.begin_nested():  # the same new region sent twice at once: one region
            session.add(region)
    except IntegrityError:
        raise FormErrors(
            {"slug": N_("Another region has this short name. Choose another one.")}
        ) from None
    log(session, viewer, region, "region_create", None, {"slug": slug, **values})
    return region


def edit_region(
    session: Session, viewer: Viewer, region: Region, fields: RegionFields, *, active: bool
) -> None:
    """Change a region's name, language and description, or take it off the site (inactive:
    its pages answer 404, nothing of it is deleted) and put it back."""
    _require(viewer, Action.administer)
    errors: dict[str, Message] = {}
    values = _region_fields(fields, errors) | {"active": active}
    if errors:
        raise FormErrors(errors)
    before = {name: getattr(region, name) for name in values}
    changed = {name: value for name, value in values.items() if before[name] != value}
    if not changed:
        return
    for name, value in changed.items():
        setattr(region, name, value)
    session.add(region)
    log(session, viewer, region, "region_edit", {n: before[n] for n in changed}, changed)


def save_topic(
    session: Session, viewer: Viewer, topic: Topic | None, *, slug: str, name: str
) -> Topic:
    """A new topic (`topic` None), or a new name for one; topics are for every region."""
    _require(viewer, Action.administer)
    errors: dict[str, Message] = {}
    clean = _name(name, errors)
    if topic is None:
        slug = slug.strip().lower().replace("-", "_")
        if slug_error(slug.replace("_", "-")):
            errors["slug"] = N_(
                "Use small letters a to z, digits and underscores, for example water_supply."
            )
        elif queries.topic_by_slug(session, slug) is not None:
            errors["slug"] = N_("Another topic has this short name. Choose another one.")
    if errors:
        raise FormErrors(errors)
    if topic is None:
        topic = Topic(slug=slug, name=clean)
        _add_once(session, topic, "slug", N_("Another topic has this short name."))
        log(session, viewer, topic, "topic_create", None, {"slug": slug, "name": clean})
    elif topic.name != clean:
        log(session, viewer, topic, "topic_edit", {"name": topic.name}, {"name": clean})
        topic.name = clean
        session.add(topic)
    return topic


def save_organisation(
    session: Session, viewer: Viewer, organisation: Organisation | None, *, name: str, kind: str
) -> Organisation:
    """A new organisation (`organisation` None), or a new name or kind for one."""
    _require(viewer, Action.administer)
    errors: dict[str, Message] = {}
    clean = _name(name, errors)
    same_name = queries.organisation_named(session, name_key(clean)) if clean else None
    if same_name is not None and same_name is not organisation:
        errors["name"] = N_("An organisation with this name is already here.")
    if kind not in OrganisationKind.__members__:
        errors["kind"] = N_("Choose whether it provides technology or is a local administration.")
    if errors:
        raise FormErrors(errors)
    if organisation is None:
        organisation = Organisation(name=clean, name_key=name_key(clean), kind=kind)
        _add_once(
            session, organisation, "name", N_("An organisation with this name is already here.")
        )
        log(
            session,
            viewer,
            organisation,
            "organisation_create",
            None,
            {"name": clean, "kind": kind},
        )
        return organisation
    before = {"name": organisation.name, "kind": organisation.kind}
    after = {"name": clean, "kind": kind}
    if before != after:
        organisation.name, organisation.name_key, organisation.kind = clean, name_key(clean), kind
        session.add(organisation)
        log(session, viewer, organisation, "organisation_edit", before, after)
    return organisation


def _add_once(session: Session, row: Topic | Organisation, field: str, taken: Message) -> None:
    """Insert a new row whose unique name another request may have taken a moment ago."""
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise FormErrors({field: taken}) from None


# Roles in a region.


@dataclass(frozen=True)
class Grant:
    """A role for someone in a region, as typed: a name, a role, an organisation's id."""

    name: str = ""
    role: str = ""
    organisation: str = ""


def role_and_organisation(
    session: Session, role: str, organisation_id: str, errors: dict[str, Message]
) -> Organisation | None:
    """The role must be one we know; a partner's organisation must be one of the list."""
    if role not in Role.__members__:
        errors["role"] = N_("Choose a role from the list.")
        return None
    if role != Role.partner:
        return None
    found = session.get(Organisation, int(organisation_id)) if organisation_id.isdigit() else None
    if found is None:
        errors["organisation"] = N_("Choose the organisation this partner answers for.")
    return found


def give_role(session: Session, viewer: Viewer, region: Region, typed: Grant) -> User:
    """Give a person a role in the region (a partner also the organisation they answer
    for). Giving the same role again changes nothing, and says so."""
    assert region.id is not None
    _require(viewer, Action.manage_people, region.id)
    errors: dict[str, Message] = {}
    person = account_queries.user_by_name_key(session, name_key(clean_name(typed.name)))
    if person is None:
        errors["name"] = N_("Nobody has this name on Agora. Check it, or invite them by email.")
    # A partner named without an organisation keeps the one they answer for already.
    kept = str(person.organisation_id) if person and person.organisation_id else ""
    chosen = typed.organisation or kept
    organisation = role_and_organisation(session, typed.role, chosen, errors)
    if errors:
        raise FormErrors(errors)
    assert person is not None and person.id is not None
    role = Role(typed.role)
    moved = organisation is not None and person.organisation_id != organisation.id
    if not grant(session, person, role, region) and not moved:
        raise Refused(N_("%(name)s already has this role here.", name=person.name))
    after: dict[str, Any] = {"role": role.value}
    if organisation is not None:
        person.organisation_id = organisation.id
        session.add(person)
        after["organisation"] = organisation.name
    log(session, viewer, person, "grant", None, after, region_id=region.id)
    return person


def log_out(session: Session, viewer: Viewer, region: Region, person: User) -> int:
    """End every session of a person who holds a role in the region (a lost phone, a
    password seen by someone else): each of their browsers is logged out, on every app
    instance. An administrator can log out anyone; a leader, not an administrator."""
    assert region.id is not None and person.id is not None
    _require(viewer, Action.manage_people, region.id)
    holds_a_role_here = any(held[0] == region.id for held in roles_of(session, person.id))
    if not viewer.is_admin and (person.is_admin or not holds_a_role_here):
        raise NotAllowed(Action.manage_people)
    ended = sessions.end_all(session, person.id)
    log(session, viewer, person, "log_out", None, {"sessions": ended}, region_id=region.id)
    return ended


def take_role(session: Session, viewer: Viewer, region: Region, person: User, role: str) -> None:
    """Take a role in the region away from a person. Leaders cannot take away the role that
    lets them do it, so a region always keeps someone to run it: an administrator can."""
    assert region.id is not None and person.id is not None
    _require(viewer, Action.manage_people, region.id)
    if role not in Role.__members__:
        raise Refused(N_("We do not know that role. Nothing was changed."))
    if person.id == viewer.id and role == Role.leader and not viewer.is_admin:
        raise Refused(N_("You cannot take away your own role as pilot leader."))
    taken = session.execute(
        delete(Membership).where(
            col(Membership.user_id) == person.id,
            col(Membership.region_id) == region.id,
            col(Membership.role) == role,
        )
    )
    if not taken.rowcount:  # type: ignore[attr-defined]
        raise Refused(N_("%(name)s does not have this role here.", name=person.name))
    log(session, viewer, person, "revoke", {"role": role}, None, region_id=region.id)
