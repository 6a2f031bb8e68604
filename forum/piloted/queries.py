"""Every query about piloted services and verdicts. A fixed number per page: a region's
services with their words and verdicts in three queries, a service's page in four more."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import bindparam, func
from sqlmodel import Session, col, select

from forum.models import Judgement, Organisation, Service, ServiceText, Verdict

# A tally of verdicts: audience -> verdict -> how many.
Tally = dict[str, dict[str, int]]
WHYS_SHOWN = 6


@dataclass
class ServiceCard:
    """A service with its words in the reader's language (else the region's, else any), and
    the organisation that runs it."""

    service: Service
    text: ServiceText
    organisation: Organisation | None
    tally: Tally = field(default_factory=dict)
    locales: list[str] = field(default_factory=list)  # the languages it is written in

    @property
    def slug(self) -> str:
        return self.service.slug

    @property
    def name(self) -> str:
        return self.text.name


def service_by_slug(session: Session, region_id: int, slug: str) -> Service | None:
    query = select(Service).where(Service.region_id == region_id, Service.slug == slug)
    return session.exec(query).first()


# Built once: building a statement costs more than running it (forum.concerns.queries).
SERVICES_IN = (
    select(Service, Organisation)
    .outerjoin(Organisation, col(Organisation.id) == Service.organisation_id)
    .where(col(Service.region_id).in_(bindparam("region_ids", expanding=True)))
)
TEXTS_OF = (
    select(ServiceText)
    .where(col(ServiceText.service_id).in_(bindparam("service_ids", expanding=True)))
    .order_by(col(ServiceText.locale))
)


def pick(texts: Sequence[ServiceText], locale: str, default: str) -> ServiceText | None:
    """The words to show: in the reader's language, else the region's, else the first."""
    by_locale = {text.locale: text for text in texts}
    return by_locale.get(locale) or by_locale.get(default) or (texts[0] if texts else None)


def cards(
    session: Session,
    services: Sequence[tuple[Service, Organisation | None]],
    locale: str,
    default: str | Mapping[int, str],
) -> list[ServiceCard]:
    """The services with their words (one query for every service's words). `default` is
    the region's language, or each region's by its number."""
    ids = [service.id for service, _ in services]
    if not ids:
        return []
    texts: dict[int, list[ServiceText]] = defaultdict(list)
    rows = session.exec(TEXTS_OF, params={"service_ids": ids}).all()
    for text in rows:
        texts[text.service_id].append(text)
    found = []
    for service, organisation in services:
        assert service.id is not None
        fallback = default if isinstance(default, str) else default.get(service.region_id, "")
        chosen = pick(texts[service.id], locale, fallback)
        if chosen is not None:
            locales = [text.locale for text in texts[service.id]]
            found.append(ServiceCard(service, chosen, organisation, locales=locales))
    return found


def region_services(
    session: Session, region_id: int, locale: str, default: str, *, tallied: bool = False
) -> list[ServiceCard]:
    """The region's services in the reader's language, by name; with their verdicts when
    `tallied`."""
    return services_in(session, [region_id], locale, default, tallied=tallied)


def services_in(
    session: Session,
    region_ids: Sequence[int],
    locale: str,
    default: str | Mapping[int, str],
    *,
    tallied: bool = False,
) -> list[ServiceCard]:
    """The services of these regions (`default`: as in `cards`), by name; with their
    verdicts when `tallied`. Two queries, three when tallied."""
    services = session.exec(SERVICES_IN, params={"region_ids": list(region_ids)}).all()
    found = cards(session, services, locale, default)
    if tallied:
        _tally(session, found)
    return sorted(found, key=lambda card: card.name.casefold())


def _tally(session: Session, found: list[ServiceCard]) -> None:
    """Count each card's verdicts, in one query."""
    counted = tallies(session, [card.service.id for card in found if card.service.id])
    for card in found:
        card.tally = counted.get(card.service.id or 0, {})


def service_card(
    session: Session, service: Service, locale: str, default: str
) -> ServiceCard | None:
    organisation = (
        session.get(Organisation, service.organisation_id) if service.organisation_id else None
    )
    found = cards(session, [(service, organisation)], locale, default)
    _tally(session, found)
    return found[0] if found else None


def service_names(
    session: Session, region_id: int, locale: str, default: str
) -> list[tuple[str, str]]:
    """(slug, name) of each of the region's services, for a list to choose from."""
    return [(card.slug, card.name) for card in region_services(session, region_id, locale, default)]


def name_of(
    session: Session, service_id: int | None, locale: str, default: str
) -> ServiceCard | None:
    """The service a concern is about, with its name, or None."""
    service = session.get(Service, service_id) if service_id else None
    return cards(session, [(service, None)], locale, default)[0] if service else None


def tallies(session: Session, service_ids: Iterable[int]) -> dict[int, Tally]:
    """Each service's verdicts counted by audience and verdict, in one query."""
    rows = session.exec(
        select(Verdict.service_id, Verdict.audience, Verdict.verdict, func.count())
        .where(col(Verdict.service_id).in_(list(service_ids)))
        .group_by(col(Verdict.service_id), col(Verdict.audience), col(Verdict.verdict))
    ).all()
    found: dict[int, Tally] = {}
    for service_id, audience, verdict, count in rows:
        if verdict in Judgement.__members__:
            found.setdefault(service_id, {}).setdefault(audience, {})[verdict] = count
    return found


def whys(session: Session, service_id: int) -> list[Verdict]:
    """The newest reasons people gave with their verdicts (for the region's staff, without
    the names of those who gave them)."""
    return list(
        session.exec(
            select(Verdict)
            .where(Verdict.service_id == service_id, col(Verdict.why).is_not(None))
            .order_by(col(Verdict.updated_at).desc(), col(Verdict.id).desc())
            .limit(WHYS_SHOWN)
        ).all()
    )


def verdict_of(session: Session, service_id: int, user_id: int | None) -> Verdict | None:
    if user_id is None:
        return None
    query = select(Verdict).where(Verdict.service_id == service_id, Verdict.user_id == user_id)
    return session.exec(query).first()


def texts_of(session: Session, service_id: int) -> dict[str, ServiceText]:
    """The service's words in each language it is written in."""
    rows = session.exec(select(ServiceText).where(ServiceText.service_id == service_id)).all()
    return {text.locale: text for text in rows}


def services_of(session: Session, region_id: int) -> list[Service]:
    """The region's services, by short name (no words: for filters by slug)."""
    query = select(Service).where(Service.region_id == region_id).order_by(col(Service.slug))
    return list(session.exec(query).all())
