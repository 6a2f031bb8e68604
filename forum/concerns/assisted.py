"""Concerns a moderator records for someone met at a meeting or on the phone, published with
that person's name or initials once they agreed. Logged, for accountability."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from forum.concerns import queries
from forum.concerns.service import concern_text, create_concern, require
from forum.concerns.texts import MEETING, PERSON, Draft, one_line
from forum.errors import FormErrors
from forum.i18n import N_, Message
from forum.models import Concern, Region, Source, utcnow
from forum.moderation.log import log
from forum.permissions import Action, Viewer
from forum.photos import Store

ASSISTED_SOURCES = {Source.meeting.value, Source.phone.value}
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class Assisted:
    """Where a moderator met the person a concern is recorded for."""

    source: Source
    person: str
    meeting: str | None
    day: date


@dataclass(frozen=True)
class Met:
    """Where and when a moderator met the person, as typed, and whether they agreed."""

    source: str = ""
    person: str = ""
    meeting: str = ""
    day: str = ""
    consent: bool = False


def record_assisted(
    session: Session,
    viewer: Viewer,
    region: Region,
    draft: Draft,
    met: Met,
    *,
    language: str,
    store: Store | None = None,
) -> tuple[Concern, bool]:
    """The recorded concern, or the one this form already recorded, and whether it is new."""
    assert region.id is not None
    require(viewer, Action.record_assisted, region.id)
    if (sent := queries.sent_with_key(session, Concern, viewer.id, draft.key)) is not None:
        return sent, False
    assisted, errors = _assisted(met)
    text = concern_text(session, draft, region.id)
    errors |= text.errors
    if not met.consent:
        errors["consent"] = N_("Confirm that the person agreed that their concern is published.")
    if errors:
        raise FormErrors(errors)
    assert assisted is not None
    concern, created = create_concern(
        session,
        viewer,
        region.id,
        text,
        language=language,
        key=draft.key,
        store=store,
        source=assisted.source,
        source_person=assisted.person,
        source_meeting=assisted.meeting,
        source_date=assisted.day,
        publication_consent=True,
    )
    if created:
        after = {
            "source": str(assisted.source),
            "person": assisted.person,
            "meeting": assisted.meeting,
            "date": assisted.day.isoformat(),
        }
        log(session, viewer, concern, "record_assisted", None, after)
    return concern, created


def _assisted(met: Met) -> tuple[Assisted | None, dict[str, Message]]:
    """Who was met, where and when, and a message for each field that is wrong."""
    source = met.source
    errors: dict[str, Message] = {}
    if source not in ASSISTED_SOURCES:
        errors["source"] = N_("Choose whether you met the person at a meeting or on the phone.")
    person, meeting = one_line(met.person), one_line(met.meeting)
    if person_error := PERSON.error(person):
        errors["person"] = person_error
    meeting_error = MEETING.error(meeting)
    if source == Source.meeting and meeting_error:
        errors["meeting"] = meeting_error
    parsed_day, day_error = _past_day(met.day)
    errors |= {"date": day_error} if day_error else {}
    if errors or parsed_day is None:
        return None, errors
    is_meeting = source == Source.meeting
    return Assisted(Source(source), person, meeting if is_meeting else None, parsed_day), {}


def _past_day(raw: str) -> tuple[date | None, Message | None]:
    """A date written as year-month-day (what a date field sends), not later than today."""
    raw = raw.strip()
    if not raw:
        return None, N_("Enter the date of the meeting or the call.")
    try:
        day = date.fromisoformat(raw) if ISO_DAY.fullmatch(raw) else None
    except ValueError:
        day = None
    if day is None:
        return None, N_("Enter the date as year-month-day, for example 2025-03-14.")
    # "Today" somewhere on Earth: a moderator east of UTC may already be in tomorrow.
    if day > (utcnow() + timedelta(hours=14)).date():
        return None, N_("The date cannot be in the future.")
    return day, None
