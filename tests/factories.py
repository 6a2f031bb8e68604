"""Factories for the people and things the tests talk about, and small HTTP helpers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from itertools import count

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine, event
from sqlmodel import Session, select

from forum.accounts.service import grant, hash_password, name_key
from forum.admin.invitations import LIFETIME, token_hash
from forum.concerns import answers
from forum.models import (
    Audience,
    Concern,
    ConcernAudience,
    Invitation,
    Organisation,
    OrganisationKind,
    Region,
    Reply,
    Role,
    Service,
    ServiceText,
    Status,
    User,
    utcnow,
)

PASSWORD = "correct horse battery"
_numbers = count(1)


@cache
def password_hash() -> str:
    return hash_password(PASSWORD)


class Factory:
    def __init__(self, db: Session) -> None:
        self.db = db

    def region(self, slug: str | None = None, *, default_locale: str = "en", **fields) -> Region:
        slug = slug or f"region-{next(_numbers)}"
        region = Region(
            slug=slug,
            name=fields.pop("name", slug.title()),
            default_locale=default_locale,
            **fields,
        )
        return self._save(region)

    def user(
        self,
        name: str | None = None,
        *,
        roles: dict[Role, list[Region]] | None = None,
        admin: bool = False,
        organisation: str | Organisation | None = None,
        **fields,
    ) -> User:
        name = name or f"person-{next(_numbers)}"
        if isinstance(organisation, str):
            organisation = self.organisation(organisation)
        user = self._save(
            User(
                name=name,
                name_key=name_key(name),
                password_hash=password_hash(),
                is_admin=admin,
                organisation_id=organisation.id if organisation else None,
                **fields,
            )
        )
        for role, regions in (roles or {}).items():
            for region in regions:
                grant(self.db, user, role, region)
        self.db.commit()
        return user

    def organisation(
        self, name: str | None = None, kind: str = OrganisationKind.technology_provider
    ) -> Organisation:
        """The organisation with this name, made the first time it is named."""
        name = name or f"Organisation {next(_numbers)}"
        found = self.db.exec(select(Organisation).where(Organisation.name_key == name_key(name)))
        return found.first() or self._save(
            Organisation(name=name, name_key=name_key(name), kind=kind)
        )

    def invitation(
        self, region: Region, inviter: User, *, role: str = "partner", organisation: str = ""
    ) -> str:
        """A fresh invitation to the region; returns the token its link carries."""
        token, now = f"token-{next(_numbers)}", utcnow()
        assert region.id is not None
        self._save(
            Invitation(
                token_hash=token_hash(token),
                email="invited@example.org",
                region_id=region.id,
                role=role,
                organisation_id=self.organisation(organisation).id if organisation else None,
                invited_by_id=inviter.id,
                created_at=now,
                expires_at=now + LIFETIME,
            )
        )
        return token

    def concern(self, region: Region, author: User, **fields) -> Concern:
        number = next(_numbers)
        fields.setdefault("title", f"Concern number {number}")
        fields.setdefault("body", "The bus does not come to our village.")
        fields.setdefault("language", "en")
        audiences = fields.pop("audiences", [])
        assert region.id is not None and author.id is not None
        concern = self._save(Concern(region_id=region.id, author_id=author.id, **fields))
        for slug in audiences:
            audience = self.db.exec(select(Audience).where(Audience.slug == slug)).one()
            assert audience.id is not None and concern.id is not None
            self.db.add(ConcernAudience(concern_id=concern.id, audience_id=audience.id))
        self.db.commit()
        return concern

    def service(self, region: Region, slug: str = "water", **words) -> Service:
        """A piloted service of the region, described in English."""
        assert region.id is not None
        service = self._save(Service(region_id=region.id, slug=slug, stage="testing"))
        words.setdefault("name", slug.title())
        words.setdefault("summary", "A service being tried out.")
        for field in ("value_local_administration", "value_technology_providers", "value_citizens"):
            words.setdefault(field, "")
        words.setdefault("steps", "Sensor: measures\nApp: warns you")
        self._save(ServiceText(service_id=service.id, locale=words.pop("locale", "en"), **words))
        return service

    def reply(self, concern: Concern, author: User, *, official: bool = False, **fields) -> Reply:
        fields.setdefault("body", "Thank you, we are looking into it.")
        fields.setdefault("language", "en")
        assert concern.id is not None and author.id is not None
        reply = self._save(
            Reply(
                concern_id=concern.id,
                author_id=author.id,
                official=official,
                organisation=self._organisation_name(author) if official else None,
                **fields,
            )
        )
        concern.reply_count += 1
        if official:
            concern.first_official_answer_at = concern.first_official_answer_at or utcnow()
            if concern.status == Status.open:
                concern.status = Status.answered
        self._save(concern)
        if official:  # the domain's rule, whatever order the replies were made in
            answers.refresh(self.db, [concern.id])
            self.db.commit()
            self.db.refresh(concern)
        return reply

    def _organisation_name(self, user: User) -> str | None:
        found = self.db.get(Organisation, user.organisation_id) if user.organisation_id else None
        return found.name if found else None

    def _save(self, thing):  # type: ignore[no-untyped-def]
        self.db.add(thing)
        self.db.commit()
        self.db.refresh(thing)
        return thing


def html(response: Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def csrf_token(client: TestClient) -> str:
    page = client.get("/login")
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, "no CSRF token on the login page"
    return match.group(1)


def post(client: TestClient, url: str, data: dict | None = None, **kwargs) -> Response:
    """A form POST as a browser sends it: with the session's CSRF token."""
    return client.post(
        url,
        data={**(data or {}), "csrf_token": csrf_token(client)},
        follow_redirects=False,
        **kwargs,
    )


def log_in(client: TestClient, user: User) -> None:
    response = post(client, "/login", {"name": user.name, "password": PASSWORD})
    assert response.status_code == 303, response.text


@contextmanager
def count_queries(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if not statement.startswith("BEGIN"):  # SQLite's transactions begin in forum.db
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
