"""Synthetic data for benchmarks: `forum seed --regions N --concerns N --replies N`.

Adds N new regions ("seed-1", "seed-2"...; numbers already taken are skipped), each with three
partner organisations, a moderator and a leader, a shared pool of citizens, and the concerns
and replies spread over them: a realistic mix of statuses, audiences, topics, languages,
sources, official answers (most within days, some after weeks), "me too"s, and a few hidden
posts. Rows go in with bulk inserts of a few thousand at a time, with ids given here, so
100,000 concerns take seconds, on SQLite and PostgreSQL alike. Nobody can log in as a seeded
person: their password is random and forgotten.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, Table, func, insert, select, text
from sqlmodel import Session, col

from forum.accounts.service import hash_password
from forum.models import (
    Audience,
    Concern,
    ConcernAudience,
    Membership,
    Organisation,
    OrganisationKind,
    Region,
    Reply,
    Role,
    Support,
    Topic,
    User,
)
from forum.seed_rows import Ids, RegionPeople, Rows, one_concern

CHUNK = 5000
Progress = Callable[[str, int, int], None]
LOCALES = ("pt_PT", "es", "it", "fi", "sv", "nb", "de", "ca", "en")
# Each region's partner organisations, and their kind.
ORGANISATIONS = (
    ("Energia", OrganisationKind.technology_provider),
    ("Mobilidade", OrganisationKind.technology_provider),
    ("Câmara Municipal", OrganisationKind.local_administration),
)


@dataclass
class Seeded:
    regions: list[str] = field(default_factory=list)
    users: int = 0
    concerns: int = 0
    replies: int = 0
    supports: int = 0


def seed(
    engine: Engine,
    *,
    regions: int,
    concerns: int,
    replies: int,
    random_seed: int | None = None,
    progress: Progress | None = None,
) -> Seeded:
    rng = random.Random(random_seed)
    seeded = Seeded()
    with Session(engine) as session:
        ids = Ids({name: _next_id(session, table) for name, table in _TABLES.items()})
        topic_ids = list(session.execute(select(col(Topic.id))).scalars())
        audience_ids = list(session.execute(select(col(Audience.id))).scalars())
        password_hash = hash_password(secrets.token_urlsafe(24))
        people = _regions_and_staff(session, ids, regions, password_hash, seeded)
        citizens = _citizens(session, ids, max(20, concerns // 10), password_hash)
        seeded.users += len(citizens)
        session.commit()
        reply_counts = _spread(rng, replies, concerns)
        done = 0
        for start in range(0, concerns, CHUNK):
            counts = reply_counts[start : start + CHUNK]
            rows = Rows()
            for reply_count in counts:
                one_concern(rng, ids, rows, rng.choice(people), citizens, reply_count)
            rows.concern_audiences = [
                {"concern_id": row["id"], "audience_id": audience_id}
                for row in rows.concerns
                for audience_id in rng.sample(audience_ids, rng.choice((0, 1, 1, 2)))
            ]
            for row in rows.concerns:
                row["topic_id"] = (
                    rng.choice(topic_ids) if topic_ids and rng.random() < 0.85 else None
                )
            with _documents_written_once(session, [row["id"] for row in rows.concerns]):
                _insert_rows(session, rows)
            session.commit()
            done += len(counts)
            seeded.concerns += len(rows.concerns)
            seeded.replies += len(rows.replies)
            seeded.supports += len(rows.supports)
            if progress:
                progress("concerns", done, concerns)
        _move_sequences(session)
        _statistics_updated(session)
        session.commit()
    return seeded


_TABLES: dict[str, Table] = {
    "region": Region.__table__,  # type: ignore[attr-defined]
    "user": User.__table__,  # type: ignore[attr-defined]
    "concern": Concern.__table__,  # type: ignore[attr-defined]
    "reply": Reply.__table__,  # type: ignore[attr-defined]
    "organisation": Organisation.__table__,  # type: ignore[attr-defined]
}


def _next_id(session: Session, table: Table) -> int:
    return int(session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1


def _regions_and_staff(
    session: Session, ids: Ids, count: int, password_hash: str, seeded: Seeded
) -> list[RegionPeople]:
    taken = set(session.execute(select(col(Region.slug))).scalars())
    numbers = (n for n in range(1, 10**9) if f"seed-{n}" not in taken)
    now = datetime.now(UTC)
    people, region_rows, user_rows, memberships = [], [], [], []
    organisations: list[dict[str, Any]] = []
    for position in range(count):
        number = next(numbers)
        region_id, locale = ids.take("region"), LOCALES[position % len(LOCALES)]
        region_rows.append(
            {
                "id": region_id,
                "slug": f"seed-{number}",
                "name": f"Seed region {number}",
                "default_locale": locale,
                "description": "Synthetic data for benchmarks.",
                "active": True,
                "created_at": now,
            }
        )
        seeded.regions.append(f"seed-{number}")
        partners = []
        for role, organisation in [
            *(
                (Role.partner, _organisation(ids, organisations, name, kind, number))
                for name, kind in ORGANISATIONS
            ),
            (Role.moderator, None),
            (Role.leader, None),
        ]:
            user_id = ids.take("user")
            name = f"seed-{role.value}-{user_id}"
            user_rows.append(_user_row(user_id, name, password_hash, organisation))
            memberships.append({"user_id": user_id, "region_id": region_id, "role": role.value})
            if organisation:
                partners.append((user_id, organisation["name"]))
        people.append(RegionPeople(region_id, locale, partners))
    _insert(session, _TABLES["organisation"], organisations)
    _insert(session, _TABLES["region"], region_rows)
    _insert(session, _TABLES["user"], user_rows)
    _insert(session, Membership.__table__, memberships)  # type: ignore[attr-defined]
    seeded.users += len(user_rows)
    return people


def _organisation(
    ids: Ids, rows: list[dict[str, Any]], name: str, kind: OrganisationKind, number: int
) -> dict[str, Any]:
    """A new organisation of this region's partners ("Energia 3"), among the rows to insert."""
    full = f"{name} {number}"
    row = {
        "id": ids.take("organisation"),
        "name": full,
        "name_key": full.casefold(),
        "kind": kind.value,
        "created_at": datetime.now(UTC),
    }
    rows.append(row)
    return row


def _user_row(
    user_id: int, name: str, password_hash: str, organisation: dict[str, Any] | None
) -> dict[str, Any]:
    return {
        "id": user_id,
        "name": name,
        "name_key": name,
        "password_hash": password_hash,
        "email": None,
        "locale": None,
        "organisation_id": organisation["id"] if organisation else None,
        "is_admin": False,
        "blocked_at": None,
        "blocked_reason": None,
        "created_at": datetime.now(UTC),
    }


def _citizens(session: Session, ids: Ids, count: int, password_hash: str) -> list[int]:
    citizens = [ids.take("user") for _ in range(count)]
    for start in range(0, count, CHUNK):
        _insert(
            session,
            _TABLES["user"],
            [
                _user_row(user_id, f"seed-citizen-{user_id}", password_hash, None)
                for user_id in citizens[start : start + CHUNK]
            ],
        )
    return citizens


def _spread(rng: random.Random, replies: int, concerns: int) -> list[int]:
    """How many replies each concern gets: exactly `replies` in all, unevenly."""
    counts = [0] * concerns
    if concerns:
        for _ in range(replies):
            counts[rng.randrange(concerns)] += 1
    return counts


def _insert_rows(session: Session, rows: Rows) -> None:
    _insert(session, _TABLES["concern"], rows.concerns)
    _insert(session, _TABLES["reply"], rows.replies)
    _insert(session, Support.__table__, rows.supports)  # type: ignore[attr-defined]
    _insert(session, ConcernAudience.__table__, rows.concern_audiences)  # type: ignore[attr-defined]


# PostgreSQL's search triggers (migration 0011) write a concern's document again for each of
# its replies as it goes in: 1 ms a reply, growing with the document, so hours for a million.
SEARCH_TRIGGERS = (("concern", "concern_search_concern"), ("reply", "concern_search_reply"))


@contextmanager
def _documents_written_once(session: Session, concern_ids: list[int]) -> Iterator[None]:
    """On PostgreSQL, the search triggers are off while these concerns and their replies go
    in, and each concern's document is written once, after. It is all one transaction:
    nobody else sees the triggers off (whoever writes meanwhile waits for the seed's commit).
    SQLite's triggers are quick enough: 200,000 replies take half a minute."""
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    for table, trigger in SEARCH_TRIGGERS:
        session.execute(text(f'ALTER TABLE "{table}" DISABLE TRIGGER {trigger}'))
    yield
    for table, trigger in SEARCH_TRIGGERS:
        session.execute(text(f'ALTER TABLE "{table}" ENABLE TRIGGER {trigger}'))
    written = "SELECT agora_search_refresh(id) FROM unnest(CAST(:ids AS integer[])) AS id"
    session.execute(text(written), {"ids": concern_ids})


def _statistics_updated(session: Session) -> None:
    """On PostgreSQL, the planner learns what the seed wrote at once, rather than when
    autovacuum gets to it: migration 0011 analysed the search index while it was empty, and
    a search for a common word in 100,000 concerns then took 0.16 s rather than 0.02 s."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE concern, reply, support, concern_audience, concern_search"))


def _insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        if batch := rows[start : start + CHUNK]:
            session.execute(insert(table), batch)


def _move_sequences(session: Session) -> None:
    """PostgreSQL: the id sequences go past the ids given here, so new rows do not collide."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in ("region", "user", "concern", "reply", "membership"):
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'(SELECT COALESCE(MAX(id), 1) FROM "{table}"))'
            )
        )
