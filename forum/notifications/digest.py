"""The daily email: each person's waiting news gathered into one email, a section a concern.

A person's daily email is due when their oldest waiting news is a day old, so nobody gets
more than one a day and no clock time needs setting. Writing it marks the news as sent in
that email, in the same transaction, and only if no other run took it first: running it
twice, or in two workers at once, writes each email once.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete
from sqlmodel import Session, col

from forum.models import Concern, Notification, NotificationKind, Region, User, utcnow
from forum.notifications import emails, queries, tokens

log = logging.getLogger("forum.notifications")

PERIOD = timedelta(days=1)
PEOPLE_PER_BATCH = 200


@dataclass
class Section:
    """What happened to one concern, as the daily email tells it."""

    concern: Concern
    region: Region
    own: bool = False
    events: list[str] = field(default_factory=list)


class TakenByAnotherRun(Exception):
    """Another run wrote this person's daily email first."""


def write_due(engine: Engine, *, now: datetime | None = None) -> int:
    """Write the daily email of everyone whose news waited a day; returns how many."""
    cutoff = (now or utcnow()) - PERIOD
    written = 0
    while True:
        with Session(engine, expire_on_commit=False) as session:
            user_ids = queries.users_with_digest_due(session, cutoff, PEOPLE_PER_BATCH)
            written += _write_batch(session, user_ids)
            session.commit()
        if len(user_ids) < PEOPLE_PER_BATCH:
            return written


def _write_batch(session: Session, user_ids: list[int]) -> int:
    waiting: dict[int, list[tuple[Notification, Concern, Region]]] = defaultdict(list)
    for row in queries.waiting_for_digest(session, user_ids):
        waiting[row[0].user_id].append(row)
    people = queries.users_by_id(session, user_ids)
    written = 0
    for user_id in user_ids:
        person = people.get(user_id)
        try:
            with session.begin_nested():
                written += _write_one(session, person, waiting[user_id])
        except TakenByAnotherRun:
            log.info("the daily email of user %s was written by another run", user_id)
    return written


def _write_one(
    session: Session, person: User | None, waiting: list[tuple[Notification, Concern, Region]]
) -> int:
    ids = [notification.id for notification, _, _ in waiting if notification.id is not None]
    if person is None or not person.email or not ids:
        # Nobody to write to any more: what waited for them is dropped, not kept forever.
        session.execute(delete(Notification).where(col(Notification.id).in_(ids)))
        return 0
    sections = sections_of(waiting)
    email = emails.outbox_row(
        session, "digest", person, sections[0].region, tokens.DAILY, sections=sections
    )
    session.add(email)
    session.flush()
    assert email.id is not None
    if queries.attach_to_outbox(session, ids, email.id) != len(ids):
        raise TakenByAnotherRun
    return 1


def sections_of(waiting: list[tuple[Notification, Concern, Region]]) -> list[Section]:
    """One section a concern, in the order their first news came; each event said once."""
    sections: dict[int, Section] = {}
    for notification, concern, region in waiting:
        section = sections.setdefault(notification.concern_id, Section(concern, region))
        section.own = section.own or notification.kind == NotificationKind.own_concerns
        if notification.event not in section.events:
            section.events.append(notification.event)
    return list(sections.values())
