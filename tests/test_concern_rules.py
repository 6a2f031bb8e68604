"""The rules of concerns, without HTTP: raising, replying, answers, status, audiences, me too."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, col, func, select

from forum.accounts.service import viewer_of
from forum.concerns import service
from forum.concerns.status import change_status
from forum.concerns.texts import Draft, ReplyDraft
from forum.errors import FormErrors, NotAllowed, Refused
from forum.models import (
    Audience,
    Concern,
    ConcernAudience,
    ModerationEvent,
    Region,
    Reply,
    Role,
    Status,
    Support,
    Topic,
    User,
)
from forum.permissions import Viewer
from tests.factories import Factory


def count(db: Session, model: type, *where) -> int:
    return db.exec(select(func.count()).select_from(model).where(*where)).one()


def events_of(db: Session, concern: Concern) -> list[ModerationEvent]:
    return list(
        db.exec(
            select(ModerationEvent)
            .where(ModerationEvent.target_id == concern.id)
            .order_by(col(ModerationEvent.id))
        ).all()
    )


def audiences_of(db: Session, concern: Concern) -> list[str]:
    return sorted(
        db.exec(
            select(Audience.slug)
            .join(ConcernAudience, col(ConcernAudience.audience_id) == Audience.id)
            .where(ConcernAudience.concern_id == concern.id)
        ).all()
    )


def raise_(db: Session, viewer: Viewer, region: Region, **fields) -> tuple[Concern, bool]:
    fields.setdefault("title", "The bus does not stop here")
    fields.setdefault("body", "Since May the bus to town skips our village.")
    return service.raise_concern(db, viewer, region, Draft(**fields), language="pt_PT")


def reply(db: Session, viewer: Viewer, concern: Concern, body: str, official=False) -> Reply:
    draft = ReplyDraft(body=body, official=official)
    sent, _created = service.post_reply(db, viewer, concern, draft, language="en")
    return sent


@pytest.fixture
def region(make: Factory) -> Region:
    return make.region()


@pytest.fixture
def author(make: Factory) -> User:
    return make.user("maria")


@pytest.fixture
def concern(make: Factory, region: Region, author: User) -> Concern:
    return make.concern(region, author)


@pytest.fixture
def as_author(db: Session, author: User) -> Viewer:
    return viewer_of(db, author)


@pytest.fixture
def as_citizen(db: Session, make: Factory) -> Viewer:
    return viewer_of(db, make.user("joao"))


@pytest.fixture
def as_partner(db: Session, make: Factory, region: Region) -> Viewer:
    return viewer_of(
        db, make.user("ana", roles={Role.partner: [region]}, organisation="Energia Lda")
    )


@pytest.fixture
def as_moderator(db: Session, make: Factory, region: Region) -> Viewer:
    return viewer_of(db, make.user("rui", roles={Role.moderator: [region]}))


# Raising a concern


def test_it_raises_a_concern_with_the_title_tidied(db, region, as_citizen):
    concern, created = raise_(db, as_citizen, region, title="  The   bus\ndoes not stop  ")

    assert created
    assert concern.title == "The bus does not stop"
    assert concern.status == Status.open
    assert concern.language == "pt_PT"
    assert concern.author_id == as_citizen.id


def test_it_files_a_concern_under_a_known_topic(db, region, as_citizen):
    energy = db.exec(select(Topic).where(Topic.slug == "energy")).one()

    concern, _ = raise_(db, as_citizen, region, topic="energy")

    assert concern.topic_id == energy.id


@pytest.mark.parametrize(
    ("title", "body", "wrong"),
    [
        ("", "Some words", {"title"}),
        ("   \n ", "Some words", {"title"}),
        ("A title", "", {"body"}),
        ("A title", " \r\n\t ", {"body"}),
        ("", "", {"title", "body"}),
        ("x" * 141, "Some words", {"title"}),
        ("A title", "x" * 5001, {"body"}),
    ],
    ids=["no-title", "blank-title", "no-body", "blank-body", "neither", "long-title", "long-body"],
)
def test_it_asks_for_a_title_and_a_description(db, region, as_citizen, title, body, wrong):
    with pytest.raises(FormErrors) as invalid:
        raise_(db, as_citizen, region, title=title, body=body)

    assert set(invalid.value.errors) == wrong
    assert count(db, Concern) == 0


def test_it_takes_the_longest_title_and_description_after_trimming(db, region, as_citizen):
    concern, created = raise_(
        db, as_citizen, region, title=f"  {'t' * 140}  ", body=f"\n{'b' * 5000}\n "
    )

    assert created
    assert len(concern.title) == 140
    assert len(concern.body) == 5000


def test_it_refuses_an_unknown_topic(db, region, as_citizen):
    with pytest.raises(FormErrors) as invalid:
        raise_(db, as_citizen, region, topic="weather")

    assert set(invalid.value.errors) == {"topic"}
    assert count(db, Concern) == 0


def test_it_takes_the_same_concern_sent_twice_as_one(db, region, as_citizen):
    first, created_first = raise_(db, as_citizen, region)
    again, created_again = raise_(db, as_citizen, region, title=" The bus  does not stop here ")

    assert (created_first, created_again) == (True, False)
    assert again.id == first.id
    assert count(db, Concern) == 1


def test_it_takes_the_same_concern_after_the_window_as_new(db, region, as_citizen):
    first, _ = raise_(db, as_citizen, region)
    first.created_at -= service.RESEND_WINDOW + timedelta(minutes=1)
    db.add(first)
    db.flush()

    again, created = raise_(db, as_citizen, region)

    assert created
    assert again.id != first.id
    assert count(db, Concern) == 2


def test_it_lets_no_visitor_raise_a_concern(db, region):
    with pytest.raises(NotAllowed):
        raise_(db, Viewer(), region)


# Replies and official answers


@pytest.mark.parametrize("state", ["closed", "locked"])
def test_it_refuses_replies_to_a_closed_or_locked_concern(db, make, region, as_citizen, state):
    fields = {"status": Status.closed, "close_reason": "off_topic"} if state == "closed" else {}
    concern = make.concern(region, make.user(), locked=state == "locked", **fields)

    with pytest.raises(Refused):
        reply(db, as_citizen, concern, "Me too")

    assert count(db, Reply) == 0


@pytest.mark.parametrize("body", ["", "  \n  ", "x" * 5001], ids=["empty", "blank", "long"])
def test_it_asks_for_a_reply_of_the_right_length(db, concern, as_citizen, body):
    with pytest.raises(FormErrors) as invalid:
        reply(db, as_citizen, concern, body)

    assert set(invalid.value.errors) == {"body"}
    assert count(db, Reply) == 0


def test_it_counts_a_reply_and_keeps_the_concern_open(db, concern, as_citizen):
    posted = reply(db, as_citizen, concern, "  Same in our street.\r\n")

    assert posted.body == "Same in our street."
    assert not posted.official
    assert concern.reply_count == 1
    assert concern.status == Status.open


def test_it_refuses_the_same_reply_sent_twice(db, concern, as_citizen):
    reply(db, as_citizen, concern, "Same in our street.")

    with pytest.raises(Refused):
        reply(db, as_citizen, concern, "Same in our street.")

    assert count(db, Reply) == 1
    assert concern.reply_count == 1


def test_it_marks_a_concern_answered_at_the_first_official_answer(db, concern, as_partner):
    answer = reply(db, as_partner, concern, "We will visit on Monday.", official=True)

    assert answer.official
    assert answer.organisation == "Energia Lda"
    assert concern.status == Status.answered
    assert concern.first_official_answer_at == answer.created_at
    [event] = events_of(db, concern)
    assert (event.actor_id, event.action) == (as_partner.id, "status")
    assert (event.before["status"], event.after["status"]) == ("open", "answered")


def test_it_keeps_the_time_of_the_first_official_answer(db, concern, as_partner):
    first = reply(db, as_partner, concern, "We will visit on Monday.", official=True)
    reply(db, as_partner, concern, "We visited; a new part is ordered.", official=True)

    assert concern.first_official_answer_at == first.created_at
    assert concern.status == Status.answered
    assert len(events_of(db, concern)) == 1


def test_it_lets_no_citizen_answer_officially(db, concern, as_citizen):
    with pytest.raises(NotAllowed):
        reply(db, as_citizen, concern, "It is fixed.", official=True)

    assert count(db, Reply) == 0


# Status: resolved and reopened by the author, closed and reopened by moderators


def test_it_lets_the_author_resolve_an_answered_concern_and_reopen_it(
    db, concern, as_author, as_partner
):
    reply(db, as_partner, concern, "We will visit on Monday.", official=True)

    change_status(db, as_author, concern, status="resolved")
    assert concern.status == Status.resolved
    assert concern.resolved_at is not None

    change_status(db, as_author, concern, status="open")
    assert concern.status == Status.open
    assert concern.resolved_at is None


def test_it_lets_the_author_say_an_answer_did_not_help(db, concern, as_author, as_partner):
    reply(db, as_partner, concern, "Try turning it off and on.", official=True)

    change_status(db, as_author, concern, status="open")

    assert concern.status == Status.open


def test_it_waits_for_an_answer_before_the_author_resolves(db, concern, as_author):
    with pytest.raises(Refused):
        change_status(db, as_author, concern, status="resolved")

    assert concern.status == Status.open


@pytest.mark.parametrize(("now", "wanted"), [("answered", "resolved"), ("resolved", "open")])
def test_it_lets_no_other_citizen_resolve_or_reopen(
    db, make, region, author, as_citizen, now, wanted
):
    concern = make.concern(region, author, status=now)

    with pytest.raises(NotAllowed):
        change_status(db, as_citizen, concern, status=wanted)

    assert concern.status == now
    assert events_of(db, concern) == []


def test_it_lets_no_author_close_or_reopen_a_closed_concern(db, concern, as_author, as_moderator):
    with pytest.raises(NotAllowed):
        change_status(db, as_author, concern, status="closed", reason="off_topic")

    change_status(db, as_moderator, concern, status="closed", reason="off_topic")
    with pytest.raises(NotAllowed):
        change_status(db, as_author, concern, status="open")
    assert concern.status == Status.closed


def test_it_lets_a_moderator_close_a_duplicate(db, make, region, concern, as_moderator):
    original = make.concern(region, make.user())

    change_status(
        db,
        as_moderator,
        concern,
        status="closed",
        reason="duplicate",
        duplicate_of=f"#{original.id}",
    )

    assert concern.status == Status.closed
    assert concern.close_reason == "duplicate"
    assert concern.duplicate_of_id == original.id


@pytest.mark.parametrize(
    "number",
    ["itself", "elsewhere", "unknown", "", "twelve", "²", "2147483648", "9" * 13],
    ids=["itself", "elsewhere", "unknown", "empty", "words", "superscript", "past-id", "huge"],
)
def test_it_asks_for_another_concern_of_the_region_as_the_original(
    db, make, concern, as_moderator, number
):
    elsewhere = make.concern(make.region(), make.user())
    duplicate_of = {
        "itself": str(concern.id),
        "elsewhere": str(elsewhere.id),
        "unknown": str((elsewhere.id or 0) + 1000),
    }.get(number, number)

    with pytest.raises(FormErrors) as invalid:
        change_status(
            db,
            as_moderator,
            concern,
            status="closed",
            reason="duplicate",
            duplicate_of=duplicate_of,
        )

    assert set(invalid.value.errors) == {"duplicate_of"}
    assert concern.status == Status.open
    assert concern.duplicate_of_id is None
    assert events_of(db, concern) == []


def test_it_lets_a_moderator_close_off_topic_and_reopen(db, concern, as_moderator):
    change_status(db, as_moderator, concern, status="closed", reason="off_topic")
    assert (concern.status, concern.close_reason) == (Status.closed, "off_topic")

    change_status(db, as_moderator, concern, status="open")
    assert (concern.status, concern.close_reason) == (Status.open, None)


def test_it_only_reopens_a_closed_concern(db, concern, as_moderator):
    change_status(db, as_moderator, concern, status="closed", reason="off_topic")

    with pytest.raises(Refused):
        change_status(db, as_moderator, concern, status="resolved")

    assert concern.status == Status.closed


@pytest.mark.parametrize("status", ["deleted", "", "OPEN", "answered", "open"])
def test_it_refuses_an_unknown_or_unreachable_status(db, concern, as_moderator, status):
    with pytest.raises(Refused):
        change_status(db, as_moderator, concern, status=status)

    assert concern.status == Status.open
    assert events_of(db, concern) == []


@pytest.mark.parametrize("reason", ["", "spam", "DUPLICATE"])
def test_it_refuses_an_unknown_reason_to_close(db, concern, as_moderator, reason):
    with pytest.raises(FormErrors) as invalid:
        change_status(db, as_moderator, concern, status="closed", reason=reason)

    assert set(invalid.value.errors) == {"reason"}
    assert concern.status == Status.open
    assert events_of(db, concern) == []


def test_it_logs_every_status_change_with_before_and_after(
    db, make, region, concern, author, as_author, as_partner, as_moderator
):
    original = make.concern(region, author)

    def state(status, close_reason=None, duplicate_of=None):
        return {"status": status, "close_reason": close_reason, "duplicate_of": duplicate_of}

    reply(db, as_partner, concern, "We will visit on Monday.", official=True)
    change_status(db, as_author, concern, status="resolved")
    change_status(db, as_author, concern, status="open")
    change_status(
        db,
        as_moderator,
        concern,
        status="closed",
        reason="duplicate",
        duplicate_of=str(original.id),
    )
    change_status(db, as_moderator, concern, status="open")

    events = events_of(db, concern)
    closed = state("closed", "duplicate", original.id)
    assert [(e.actor_id, e.action, e.before, e.after) for e in events] == [
        (as_partner.id, "status", state("open"), state("answered")),
        (as_author.id, "status", state("answered"), state("resolved")),
        (as_author.id, "status", state("resolved"), state("open")),
        (as_moderator.id, "status", state("open"), closed),
        (as_moderator.id, "status", closed, state("open")),
    ]
    assert [e.reason for e in events] == [None, None, None, "duplicate", None]
    assert {(e.region_id, e.target_type) for e in events} == {(region.id, "concern")}


# Audiences


def test_it_tags_audiences_and_logs_the_change(db, make, region, as_moderator):
    concern = make.concern(region, make.user(), audiences=["citizens"])

    service.set_audiences(
        db, as_moderator, concern, ["technology_providers", "local_administration", ""]
    )

    assert audiences_of(db, concern) == ["local_administration", "technology_providers"]
    [event] = events_of(db, concern)
    assert (event.actor_id, event.action) == (as_moderator.id, "tag")
    assert event.before == {"audiences": ["citizens"]}
    assert event.after == {"audiences": ["local_administration", "technology_providers"]}


def test_it_logs_nothing_when_the_audiences_stay_the_same(db, make, region, as_moderator):
    concern = make.concern(region, make.user(), audiences=["citizens"])

    service.set_audiences(db, as_moderator, concern, ["citizens", "citizens"])

    assert audiences_of(db, concern) == ["citizens"]
    assert events_of(db, concern) == []


def test_it_refuses_an_unknown_audience_and_changes_nothing(db, make, region, as_moderator):
    concern = make.concern(region, make.user(), audiences=["citizens"])

    with pytest.raises(Refused):
        service.set_audiences(db, as_moderator, concern, ["local_administration", "farmers"])

    assert audiences_of(db, concern) == ["citizens"]
    assert events_of(db, concern) == []


def test_it_lets_no_citizen_tag_audiences(db, concern, as_author):
    with pytest.raises(NotAllowed):
        service.set_audiences(db, as_author, concern, ["citizens"])

    assert audiences_of(db, concern) == []


# Me too


def test_it_adds_and_takes_back_me_too(db, concern, as_citizen, as_partner):
    assert service.toggle_support(db, as_citizen, concern) is True
    assert service.toggle_support(db, as_partner, concern) is True
    assert concern.support_count == 2

    assert service.toggle_support(db, as_citizen, concern) is False
    assert concern.support_count == 1
    assert count(db, Support, col(Support.concern_id) == concern.id) == 1

    assert service.toggle_support(db, as_citizen, concern) is True
    assert concern.support_count == 2
    assert count(db, Support, col(Support.concern_id) == concern.id) == 2
