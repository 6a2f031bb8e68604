"""The moderation log: one line per moderator's (or administrator's) action, written in the
same transaction as the action and never changed afterwards (append_only.py); and read back,
page by page, newest first."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, or_
from sqlmodel import Session, col, select

from forum.i18n import Message
from forum.labels import FORMER_MEMBER
from forum.models import (
    Concern,
    Flag,
    Invitation,
    ModerationEvent,
    Organisation,
    Region,
    Reply,
    Service,
    Topic,
    User,
)
from forum.permissions import Viewer

Target = Concern | Reply | User | Flag | Region | Topic | Organisation | Invitation | Service
TARGET_TYPES: dict[type, str] = {
    Concern: "concern",
    Reply: "reply",
    User: "user",
    Flag: "flag",
    Region: "region",
    Topic: "topic",
    Organisation: "organisation",
    Invitation: "invitation",
    Service: "service",
}
# What concerns every region (a topic, an organisation) is logged with no region.
EVERY_REGION = (Topic, Organisation)


def log(
    session: Session,
    viewer: Viewer,
    target: Target,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str | None = None,
    *,
    region_id: int | None = None,
) -> None:
    """Append one line to the moderation log. A concern, a flag, an invitation or a service
    knows its region, and a region is its own; for a reply or a person, `region_id` says in
    which region the moderator acted. A topic or an organisation belongs to every region (no
    region)."""
    assert (viewer.id is not None or viewer.operator) and target.id is not None
    if region_id is None and isinstance(target, Concern | Flag | Invitation | Service):
        region_id = target.region_id
    elif region_id is None and isinstance(target, Region):
        region_id = target.id
    assert region_id is not None or isinstance(target, EVERY_REGION)
    session.add(
        ModerationEvent(
            actor_id=viewer.id,
            region_id=region_id,
            action=action,
            target_type=TARGET_TYPES[type(target)],
            target_id=target.id,
            before=before,
            after=after,
            reason=reason,
        )
    )


# Reading the log: page by page, newest first.


@dataclass
class LogLine:
    """One line of the log, with what it needs to say who did what to what."""

    event: ModerationEvent
    actor_name: str | None  # None: the operator, from the command line
    region: Region | None  # None: it concerns every region (a topic, an organisation)
    concern_id: int | None = None  # the concern to look at, for a concern, reply or report
    person_name: str | None = None  # the person, when the action was on a person


def log_page(
    session: Session,
    region_ids: list[int],
    *,
    actor_id: int | None = None,
    action: str | None = None,
    before: int | None = None,
    limit: int = 50,
    every_region: bool = False,
) -> tuple[list[LogLine], int | None]:
    """A page of the log, newest first, and where the next page starts. `every_region`: with
    the lines that concern no single region (for administrators).

    The log is append-only, so the order of ids is the order of events: a keyset on id."""
    in_regions = col(ModerationEvent.region_id).in_(region_ids)
    query = (
        select(ModerationEvent, User.name, Region)
        .outerjoin(User, col(User.id) == ModerationEvent.actor_id)
        .outerjoin(Region, col(Region.id) == ModerationEvent.region_id)
        .where(
            or_(in_regions, col(ModerationEvent.region_id).is_(None))
            if every_region
            else in_regions
        )
    )
    if actor_id is not None:
        query = query.where(ModerationEvent.actor_id == actor_id)
    if action:
        query = query.where(ModerationEvent.action == action)
    if before is not None:
        query = query.where(col(ModerationEvent.id) < before)
    rows = session.exec(query.order_by(col(ModerationEvent.id).desc()).limit(limit + 1)).all()
    lines = [LogLine(event, name, region) for event, name, region in rows[:limit]]
    _attach_targets(session, lines)
    next_before = lines[-1].event.id if len(rows) > limit else None
    return lines, next_before


def _attach_targets(session: Session, lines: list[LogLine]) -> None:
    """Where each line's target can be seen: one query per kind of target, not per line."""
    ids: dict[str, list[int]] = defaultdict(list)
    for line in lines:
        ids[line.event.target_type].append(line.event.target_id)
    concern_of: dict[tuple[str, int], int] = {("concern", n): n for n in ids["concern"]}
    for kind, table in (("reply", Reply), ("flag", Flag)):
        if ids[kind]:
            rows = session.execute(
                select(table.id, table.concern_id).where(col(table.id).in_(ids[kind]))
            )
            concern_of |= {(kind, target_id): concern_id for target_id, concern_id in rows}
    names: dict[int | None, str] = {}
    if ids["user"]:
        names = dict(
            session.exec(select(User.id, User.name).where(col(User.id).in_(ids["user"]))).all()
        )
    for line in lines:
        target = (line.event.target_type, line.event.target_id)
        line.concern_id = concern_of.get(target)
        if line.event.target_type == "user":
            line.person_name = names.get(line.event.target_id)


def log_actors(session: Session, region_ids: list[int]) -> list[tuple[int | None, str | Message]]:
    """The people who appear in the log of these regions, for the filter (an erased account
    as a former member)."""
    rows = session.exec(
        select(User.id, User.name)
        .where(
            exists().where(
                col(ModerationEvent.actor_id) == User.id,
                col(ModerationEvent.region_id).in_(region_ids),
            )
        )
        .order_by(col(User.name), col(User.id))
    ).all()
    return [(user_id, name or FORMER_MEMBER) for user_id, name in rows]


def log_actions(session: Session, region_ids: list[int]) -> Sequence[str]:
    return session.exec(
        select(ModerationEvent.action)
        .where(col(ModerationEvent.region_id).in_(region_ids))
        .distinct()
        .order_by(col(ModerationEvent.action))
    ).all()
