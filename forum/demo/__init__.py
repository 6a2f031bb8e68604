"""Demo data: the pilot regions, the five demo logins, and a few concerns per region.

The regions and their concerns are data: one TOML file per region in forum/demo/regions/,
written in the region's own language (see regions/alentejo.toml for the fields). A pilot can
write its own demo or training data there without touching code. Every demo login holds its
role in every region; they all share DEMO_PASSWORD, so `forum serve --demo` refuses to run
in production.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from forum import models
from forum.accounts.service import grant, hash_password, name_key
from forum.db import session_scope
from forum.models import Region, Role, User, utcnow

DEMO_PASSWORD = "demo-password"
PARTNER_ORGANISATION = "Agora Pilot Partners"
REGIONS_DIR = Path(__file__).parent / "regions"
# Each demo login holds its role in every demo region; admin is admin.
DEMO_USERS: dict[str, Role | None] = {
    "admin": None,
    "moderator": Role.moderator,
    "partner": Role.partner,
    "leader": Role.leader,
    "citizen": None,
}


@dataclass(frozen=True)
class RegionData:
    """One region's file: the region's fields, and its concerns as written there."""

    region: dict[str, Any]
    concerns: list[dict[str, Any]] = field(default_factory=list)
    order: int = 0
    services: list[dict[str, Any]] = field(default_factory=list)


def read_regions(folder: Path = REGIONS_DIR) -> list[RegionData]:
    """Every region file of the folder, in the order their `order` says (then by name)."""
    found = []
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as file:
            data = tomllib.load(file)
        region = dict(data["region"])
        order = int(region.pop("order", 0))
        services = list(data.get("services", []))
        found.append(RegionData(region, list(data.get("concerns", [])), order, services))
    return sorted(found, key=lambda data: data.order)


def is_empty(engine: Engine) -> bool:
    with Session(engine) as session:
        return not session.exec(select(func.count()).select_from(Region)).one()


def load(engine: Engine, folder: Path = REGIONS_DIR) -> None:
    with session_scope(engine) as session:
        users = _demo_users(session)
        for data in read_regions(folder):
            region = Region(**data.region)
            session.add(region)
            session.flush()
            for name, role in DEMO_USERS.items():
                if role is not None:
                    grant(session, users[name], role, region)
            services = {
                written["slug"]: _add_service(session, region, users, written)
                for written in data.services
            }
            for written in data.concerns:
                _add_concern(session, region, users, written, services)


def _demo_users(session: Session) -> dict[str, User]:
    password_hash = hash_password(DEMO_PASSWORD)
    partners = models.Organisation(
        name=PARTNER_ORGANISATION,
        name_key=name_key(PARTNER_ORGANISATION),
        kind=models.OrganisationKind.technology_provider,
    )
    session.add(partners)
    session.flush()
    users = {
        name: User(
            name=name,
            name_key=name_key(name),
            password_hash=password_hash,
            is_admin=name == "admin",
            organisation_id=partners.id if role == Role.partner else None,
        )
        for name, role in DEMO_USERS.items()
    }
    session.add_all(users.values())
    session.flush()
    return users


@dataclass
class _Written:
    """One concern of a region's file, being added: its row, and the demo people."""

    session: Session
    concern: models.Concern
    users: dict[str, models.User]
    fields: dict[str, Any]

    def user_id(self, name: str) -> int:
        user_id = self.users[name].id
        assert user_id is not None
        return user_id


def _add_service(
    session: Session, region: models.Region, users: dict[str, models.User], fields: dict[str, Any]
) -> int:
    """One service of a region's file, its words in each language and its verdicts; its id."""
    assert region.id is not None
    runs = session.exec(
        select(models.Organisation).where(
            models.Organisation.name_key == name_key(fields["organisation"])
        )
    ).one()
    service = models.Service(
        region_id=region.id, slug=fields["slug"], stage=fields["stage"], organisation_id=runs.id
    )
    session.add(service)
    session.flush()
    assert service.id is not None
    for locale, words in fields["text"].items():
        steps = "\n".join(line.strip() for line in words["steps"].strip().splitlines())
        session.add(
            models.ServiceText(service_id=service.id, locale=locale, **(words | {"steps": steps}))
        )
    for given in fields.get("verdicts", []):
        person = users[given["by"]].id
        assert person is not None
        partner = given["by"] == "partner"
        session.add(
            models.Verdict(
                service_id=service.id,
                user_id=person,
                audience="technology_providers" if partner else "citizens",
                verdict=given["verdict"],
                why=given.get("why"),
                organisation=PARTNER_ORGANISATION if partner else None,
            )
        )
    return service.id


def _add_concern(
    session: Session,
    region: models.Region,
    users: dict[str, models.User],
    fields: dict[str, Any],
    services: dict[str, int],
) -> None:
    topics = {t.slug: t.id for t in session.exec(select(models.Topic)).all()}
    raised = utcnow() - timedelta(days=fields["days_ago"], hours=3)
    author_id = users["citizen"].id
    assert region.id is not None and author_id is not None
    concern = models.Concern(
        region_id=region.id,
        author_id=author_id,
        title=fields["title"],
        body=fields["body"],
        language=fields["language"],
        topic_id=topics.get(fields.get("topic") or ""),
        service_id=services.get(fields.get("service") or ""),
        created_at=raised,
        last_activity_at=raised,
    )
    session.add(concern)
    session.flush()
    written = _Written(session, concern, users, fields)
    moment = _add_replies(written, raised)
    _add_supports_and_audiences(written, raised)
    concern.status = models.Status(fields["status"])
    if concern.status == models.Status.resolved:
        concern.resolved_at = moment + timedelta(days=1)
        moment = concern.resolved_at
    if concern.status == models.Status.closed:
        concern.close_reason = "off_topic"
    concern.last_activity_at = min(moment, utcnow())
    session.add(concern)


def _add_replies(written: _Written, raised: datetime) -> datetime:
    """The official answer two days on, then the replies seven hours apart; the last moment."""
    concern, fields = written.concern, written.fields
    assert concern.id is not None
    moment = raised
    if answer := fields.get("official_answer"):
        moment += timedelta(days=2)
        reply = models.Reply(
            concern_id=concern.id,
            author_id=written.user_id("partner"),
            body=answer,
            language=concern.language,
            official=True,
            organisation=PARTNER_ORGANISATION,
            created_at=moment,
        )
        written.session.add(reply)
        written.session.flush()
        concern.first_official_answer_at, concern.first_answer_id = moment, reply.id
        concern.reply_count += 1
    for reply_fields in fields.get("replies", []):
        moment += timedelta(hours=7)
        reply = models.Reply(
            concern_id=concern.id,
            author_id=written.user_id(reply_fields["author"]),
            body=reply_fields["body"],
            language=concern.language,
            created_at=moment,
        )
        written.session.add(reply)
        concern.reply_count += 1
    return moment


def _add_supports_and_audiences(written: _Written, raised: datetime) -> None:
    concern, session = written.concern, written.session
    assert concern.id is not None
    audiences = {a.slug: a.id for a in session.exec(select(models.Audience)).all()}
    for supporter in written.fields.get("supports", []):
        support = models.Support(
            concern_id=concern.id, user_id=written.user_id(supporter), created_at=raised
        )
        session.add(support)
        concern.support_count += 1
    for slug in written.fields.get("audiences", []):
        audience_id = audiences[slug]
        assert audience_id is not None
        session.add(models.ConcernAudience(concern_id=concern.id, audience_id=audience_id))
