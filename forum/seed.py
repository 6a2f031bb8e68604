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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Table, func, insert, select, text
from sqlmodel import Session, col

from forum.accounts.service import hash_password
from forum.models import (
    Audience,
    Concern,
    ConcernAudience,
    Membership,
    Region,
    Reply,
    Role,
    Status,
    Support,
    Topic,
    User,
)

CHUNK = 5000
LOCALES = ("pt_PT", "es", "it", "fi", "sv", "nb", "de", "ca", "en")
ORGANISATIONS = ("Energia", "Mobilidade", "Saúde Digital")
TITLES = {
    "pt_PT": [
        "O autocarro a pedido não vem",
        "A aplicação da energia não abre",
        "Sem rede na aldeia",
    ],
    "es": [
        "El autobús a demanda no llega",
        "La aplicación no funciona en mi móvil",
        "Sin cobertura",
    ],
    "it": ["Il bus a chiamata non arriva", "L'app dell'energia non si apre", "Niente segnale"],
    "fi": ["Kutsutaksi ei tule", "Sovellus ei käynnisty", "Ei verkkoa kylässä"],
    "sv": ["Anropsbussen kommer inte", "Appen startar inte", "Ingen täckning i byn"],
    "nb": ["Bestillingsbussen kommer ikke", "Appen åpner ikke", "Ingen dekning på gården"],
    "de": ["Der Rufbus kommt nicht", "Die Energie-App öffnet nicht", "Kein Netz im Dorf"],
    "ca": ["L'autobús a demanda no arriba", "L'aplicació no s'obre", "Sense cobertura al poble"],
    "en": [
        "The on-demand bus never comes",
        "The energy app will not open",
        "No signal in the village",
    ],
}
BODY = (
    "{title}. Já tentei três vezes esta semana; a minha vizinha também. "
    "Who can tell us when it will work? Gràcies, kiitos, tack."
)
Progress = Callable[[str, int, int], None]


@dataclass
class Seeded:
    regions: list[str] = field(default_factory=list)
    users: int = 0
    concerns: int = 0
    replies: int = 0
    supports: int = 0


@dataclass
class _Ids:
    """The next free id of each table: rows get their ids here, so replies can name their
    concern without reading it back."""

    next: dict[str, int]

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


@dataclass
class _RegionPeople:
    region_id: int
    locale: str
    partners: list[tuple[int, str]]  # (user id, organisation)


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
        ids = _Ids({name: _next_id(session, table) for name, table in _TABLES.items()})
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
            rows = _Rows()
            for reply_count in counts:
                _one_concern(rng, ids, rows, rng.choice(people), citizens, reply_count)
            rows.concern_audiences = [
                {"concern_id": row["id"], "audience_id": audience_id}
                for row in rows.concerns
                for audience_id in rng.sample(audience_ids, rng.choice((0, 1, 1, 2)))
            ]
            for row in rows.concerns:
                row["topic_id"] = (
                    rng.choice(topic_ids) if topic_ids and rng.random() < 0.85 else None
                )
            rows.insert(session)
            session.commit()
            done += len(counts)
            seeded.concerns += len(rows.concerns)
            seeded.replies += len(rows.replies)
            seeded.supports += len(rows.supports)
            if progress:
                progress("concerns", done, concerns)
        _move_sequences(session)
        session.commit()
    return seeded


_TABLES: dict[str, Table] = {
    "region": Region.__table__,  # type: ignore[attr-defined]
    "user": User.__table__,  # type: ignore[attr-defined]
    "concern": Concern.__table__,  # type: ignore[attr-defined]
    "reply": Reply.__table__,  # type: ignore[attr-defined]
}


def _next_id(session: Session, table: Table) -> int:
    return int(session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1


def _regions_and_staff(
    session: Session, ids: _Ids, count: int, password_hash: str, seeded: Seeded
) -> list[_RegionPeople]:
    taken = set(session.execute(select(col(Region.slug))).scalars())
    numbers = (n for n in range(1, 10**9) if f"seed-{n}" not in taken)
    now = datetime.now(UTC)
    people, region_rows, user_rows, memberships = [], [], [], []
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
            *((Role.partner, f"{name} {number}") for name in ORGANISATIONS),
            (Role.moderator, None),
            (Role.leader, None),
        ]:
            user_id = ids.take("user")
            user_rows.append(
                _user_row(user_id, f"seed-{role.value}-{user_id}", password_hash, organisation)
            )
            memberships.append({"user_id": user_id, "region_id": region_id, "role": role.value})
            if organisation:
                partners.append((user_id, organisation))
        people.append(_RegionPeople(region_id, locale, partners))
    _insert(session, _TABLES["region"], region_rows)
    _insert(session, _TABLES["user"], user_rows)
    _insert(session, Membership.__table__, memberships)  # type: ignore[attr-defined]
    seeded.users += len(user_rows)
    return people


def _user_row(
    user_id: int, name: str, password_hash: str, organisation: str | None
) -> dict[str, Any]:
    return {
        "id": user_id,
        "name": name,
        "name_key": name,
        "password_hash": password_hash,
        "email": None,
        "locale": None,
        "organisation": organisation,
        "is_admin": False,
        "blocked_at": None,
        "blocked_reason": None,
        "created_at": datetime.now(UTC),
    }


def _citizens(session: Session, ids: _Ids, count: int, password_hash: str) -> list[int]:
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


@dataclass
class _Rows:
    concerns: list[dict[str, Any]] = field(default_factory=list)
    replies: list[dict[str, Any]] = field(default_factory=list)
    supports: list[dict[str, Any]] = field(default_factory=list)
    concern_audiences: list[dict[str, Any]] = field(default_factory=list)

    def insert(self, session: Session) -> None:
        _insert(session, _TABLES["concern"], self.concerns)
        _insert(session, _TABLES["reply"], self.replies)
        _insert(session, Support.__table__, self.supports)  # type: ignore[attr-defined]
        _insert(session, ConcernAudience.__table__, self.concern_audiences)  # type: ignore[attr-defined]


def _one_concern(
    rng: random.Random,
    ids: _Ids,
    rows: _Rows,
    region: _RegionPeople,
    citizens: list[int],
    reply_count: int,
) -> None:
    concern_id = ids.take("concern")
    language = region.locale if rng.random() < 0.8 else "en"
    title = rng.choice(TITLES[language])
    created = datetime.now(UTC) - timedelta(seconds=rng.randrange(365 * 24 * 3600))
    author = rng.choice(citizens)
    replied = _Replied(concern_id, language, created)
    for position in range(reply_count):
        _one_reply(rng, ids, rows, region, citizens, replied, first=position == 0)
    if replied.first_answer is not None:
        status = Status.resolved if rng.random() < 0.3 else Status.answered
    else:
        status = Status.closed if rng.random() < 0.1 else Status.open
    supporters = rng.sample(citizens, min(len(citizens), int(rng.paretovariate(1.8)) - 1))
    rows.supports.extend(
        {"concern_id": concern_id, "user_id": user_id, "created_at": created}
        for user_id in supporters
    )
    moment = replied.moment
    rows.concerns.append(
        {
            "id": concern_id,
            "region_id": region.region_id,
            "author_id": author,
            "title": title,
            "body": BODY.format(title=title),
            "language": language,
            "topic_id": None,
            "status": status.value,
            "close_reason": "off_topic" if status == Status.closed else None,
            "duplicate_of_id": None,
            "source": rng.choices(("web", "meeting", "phone"), (85, 10, 5))[0],
            "created_at": created,
            "last_activity_at": moment,
            "first_official_answer_at": replied.first_answer,
            "resolved_at": moment + timedelta(days=1) if status == Status.resolved else None,
            "support_count": len(supporters),
            "reply_count": reply_count,
            "hidden": rng.random() < 0.01,
            "hidden_reason": None,
            "locked": False,
            "source_person": None,
            "source_meeting": None,
            "source_date": None,
            "publication_consent": None,
        }
    )


@dataclass
class _Replied:
    """A concern's replies so far: the last one's time, and the first official answer's."""

    concern_id: int
    language: str
    moment: datetime
    first_answer: datetime | None = None


def _one_reply(
    rng: random.Random,
    ids: _Ids,
    rows: _Rows,
    region: _RegionPeople,
    citizens: list[int],
    replied: _Replied,
    *,
    first: bool,
) -> None:
    """Most first replies are official answers, within days (some after weeks); later ones
    are mostly citizens, a day or two apart."""
    official = rng.random() < (0.8 if first else 0.15)
    waiting = official and replied.first_answer is None
    hours = rng.lognormvariate(3.2, 1.3) if waiting else rng.expovariate(1 / 30)
    replied.moment += timedelta(hours=hours)
    hidden = rng.random() < 0.01
    partner_id, organisation = rng.choice(region.partners)
    if waiting and not hidden:
        replied.first_answer = replied.moment
    rows.replies.append(
        {
            "id": ids.take("reply"),
            "concern_id": replied.concern_id,
            "author_id": partner_id if official else rng.choice(citizens),
            "body": "Obrigado. We are looking into it; kiitos for telling us.",
            "language": replied.language,
            "official": official,
            "organisation": organisation if official else None,
            "created_at": replied.moment,
            "hidden": hidden,
            "hidden_reason": "Personal data" if hidden else None,
        }
    )


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
