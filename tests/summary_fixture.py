"""A region whose summary is known by heart: the figures the tests of the summary page and
of the exports check exactly.

Fourteen concerns count (a hidden fifteenth does not). Ten have an official answer, after
1, 2, ..., 9 and 200 hours: Energia Lda answered five (1 to 5 hours), Mobilidade SA five
(6 to 9 and 200 hours). So:

- the median is 5.5 hours and the 90th percentile 28.1 hours (9 + 0.1 × (200 − 9));
- Energia Lda: median 3, 90th percentile 4.6 (4 + 0.6 × 1), all five within 7 days;
- Mobilidade SA: median 8, 90th percentile 123.6 (9 + 0.6 × 191), four of five within 7 days;
- 9 of 14 were answered within 7 days.

The concern answered after 2 hours also has an earlier official answer from "Secret Org" that a
moderator hid: it is not the first answer, and Secret Org appears nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from forum.models import Concern, Region, Role, Topic, User
from tests.factories import Factory

MONDAY = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
TODAY = date(2025, 3, 30)
WAITS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 200]


@dataclass
class Known:
    region: Region
    leader: User
    author: User
    energia: User
    mobilidade: User
    answered: list[Concern] = field(default_factory=list)
    waiting: list[Concern] = field(default_factory=list)
    closed: Concern | None = None
    hidden: Concern | None = None

    @property
    def counted(self) -> list[Concern]:
        assert self.closed is not None
        return [*self.answered, *self.waiting, self.closed]


def build(make: Factory) -> Known:
    db = make.db
    topics = {t.slug: t.id for t in db.exec(select(Topic)).all()}
    region = make.region("alentejo", name="Alentejo", default_locale="pt_PT")
    leader = make.user("lídia", roles={Role.leader: [region]})
    author = make.user("maria", email="maria@example.org")
    energia = make.user("ana", roles={Role.partner: [region]}, organisation="Energia Lda")
    mobilidade = make.user("rui", roles={Role.partner: [region]}, organisation="Mobilidade SA")
    secret = make.user("sid", roles={Role.partner: [region]}, organisation="Secret Org")
    known = Known(region, leader, author, energia, mobilidade)

    for number, hours in enumerate(WAITS):
        # Two a day from Monday 3 March: weeks of 3 March (10), 10 March (0)...
        created = MONDAY + timedelta(hours=12 * number)
        concern = make.concern(
            region,
            author,
            title=f"Answered {number}: água não chega",
            body='O autocarro não passa.\nNem ao domingo, "nunca".',
            language="pt_PT" if number < 7 else "en",
            topic_id=topics["energy"] if number < 5 else topics["mobility"],
            audiences=["citizens"] if number % 2 == 0 else ["technology_providers"],
            status="resolved" if number in (0, 1, 2) else "answered",
            source="web",
            support_count=number,
            created_at=created,
            last_activity_at=created,
        )
        partner = energia if number < 5 else mobilidade
        if hours == 2:
            make.reply(
                concern,
                secret,
                official=True,
                hidden=True,
                created_at=created + timedelta(minutes=30),
            )
        make.reply(concern, partner, official=True, created_at=created + timedelta(hours=hours))
        make.reply(concern, author, body="Obrigada!", created_at=created + timedelta(hours=300))
        known.answered.append(concern)

    for number in range(3):
        created = MONDAY + timedelta(days=7 * (number + 1))  # 10, 17 and 24 March
        known.waiting.append(
            make.concern(
                region,
                author,
                title=['=HYPERLINK("http://evil")', "+1 the bus", "@ónibus"][number],
                language="en",
                source=["meeting", "phone", "web"][number],
                support_count=[20, 0, 1][number],
                created_at=created,
                last_activity_at=created,
            )
        )
    known.closed = make.concern(
        region,
        author,
        title="-2 off topic",
        status="closed",
        close_reason="off_topic",
        language="en",
        created_at=MONDAY + timedelta(days=1, hours=1),
        last_activity_at=MONDAY + timedelta(days=1, hours=1),
    )
    known.hidden = make.concern(
        region,
        author,
        title="Hidden: my neighbour's phone number",
        hidden=True,
        language="en",
        created_at=MONDAY,
        last_activity_at=MONDAY,
        support_count=99,
    )
    make.reply(known.hidden, energia, official=True, created_at=MONDAY + timedelta(hours=1))
    # Another region's concerns never count here.
    elsewhere = make.region("lapland", name="Lapland")
    make.concern(elsewhere, author, created_at=MONDAY, last_activity_at=MONDAY)
    return known
