"""The concerns and replies `forum seed` makes up: a realistic mix of statuses, languages,
sources, official answers (most within days, some after weeks), "me too"s, and a few hidden
posts, as rows ready for a bulk insert."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from forum.models import Status

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
    "{title}. {place}: já tentei três vezes esta semana; a minha vizinha também. "
    "Who can tell us when it will work? Gràcies, kiitos, tack."
)
REPLIES = (
    "Obrigado. We are looking into it; kiitos for telling us.",
    "Same here in {place} since Monday.",
    "A technician will visit {place} next week.",
    "Still not working for me, danke.",
)
# Made-up villages, 240 of them: a search for one finds a few of a region's many concerns.
STARTS = "Aldea Vale Monte Porto Santa Vila Riba Serra Castel Fonte Mato Torre Lago Pedra Campo"
ENDS = "verde alto fria nova velha sol mar lobo cedro rocha branca negra clara funda longa seca"
PLACES = [start + end for start in STARTS.split() for end in ENDS.split()]


@dataclass
class Ids:
    """The next free id of each table: rows get their ids here, so replies can name their
    concern without reading it back."""

    next: dict[str, int]

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


@dataclass
class RegionPeople:
    region_id: int
    locale: str
    partners: list[tuple[int, str]]  # (user id, organisation)


@dataclass
class Rows:
    concerns: list[dict[str, Any]] = field(default_factory=list)
    replies: list[dict[str, Any]] = field(default_factory=list)
    supports: list[dict[str, Any]] = field(default_factory=list)
    concern_audiences: list[dict[str, Any]] = field(default_factory=list)


def one_concern(
    rng: random.Random,
    ids: Ids,
    rows: Rows,
    region: RegionPeople,
    citizens: list[int],
    reply_count: int,
) -> None:
    concern_id = ids.take("concern")
    language = region.locale if rng.random() < 0.8 else "en"
    title, place = rng.choice(TITLES[language]), rng.choice(PLACES)
    created = datetime.now(UTC) - timedelta(seconds=rng.randrange(365 * 24 * 3600))
    author = rng.choice(citizens)
    replied = Replied(concern_id, language, place, created)
    for position in range(reply_count):
        one_reply(rng, ids, rows, region, citizens, replied, first=position == 0)
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
            "body": BODY.format(title=title, place=place),
            "language": language,
            "topic_id": None,
            "status": status.value,
            "close_reason": "off_topic" if status == Status.closed else None,
            "duplicate_of_id": None,
            "source": rng.choices(("web", "meeting", "phone"), (85, 10, 5))[0],
            "created_at": created,
            "last_activity_at": moment,
            "first_official_answer_at": replied.first_answer,
            "first_answer_id": replied.first_answer_id,
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
class Replied:
    """A concern's replies so far: the last one's time, and the first official answer's."""

    concern_id: int
    language: str
    place: str
    moment: datetime
    first_answer: datetime | None = None
    first_answer_id: int | None = None


def one_reply(
    rng: random.Random,
    ids: Ids,
    rows: Rows,
    region: RegionPeople,
    citizens: list[int],
    replied: Replied,
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
    reply_id = ids.take("reply")
    if waiting and not hidden:
        replied.first_answer, replied.first_answer_id = replied.moment, reply_id
    rows.replies.append(
        {
            "id": reply_id,
            "concern_id": replied.concern_id,
            "author_id": partner_id if official else rng.choice(citizens),
            "body": rng.choice(REPLIES).format(place=replied.place),
            "language": replied.language,
            "official": official,
            "organisation": organisation if official else None,
            "created_at": replied.moment,
            "hidden": hidden,
            "hidden_reason": "Personal data" if hidden else None,
        }
    )
