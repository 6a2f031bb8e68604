"""Replies, official answers, resolving, audiences and closing, over HTTP, and their log."""

import json
import re

import pytest
from sqlmodel import col, select

from forum.models import (
    Audience,
    Concern,
    ConcernAudience,
    ModerationEvent,
    Reply,
    Role,
    Status,
)
from tests.factories import html, log_in, post

HTMX = {"HX-Request": "true"}
OPEN = {"status": "open", "close_reason": None, "duplicate_of": None}


@pytest.fixture
def region(make):
    return make.region("alentejo", default_locale="en")


@pytest.fixture
def author(make):
    return make.user("maria")


@pytest.fixture
def partner(make, region):
    return make.user("ana", roles={Role.partner: [region]}, organisation="Energia Lda")


@pytest.fixture
def moderator(make, region):
    return make.user("rui", roles={Role.moderator: [region]})


@pytest.fixture
def concern(make, region, author):
    return make.concern(region, author, title="The bus app has no phone booking")


def fresh_look(db) -> None:
    """Forget what this session read, to see what the app has committed since."""
    db.rollback()
    db.expire_all()


def reload(db, concern: Concern) -> Concern:
    fresh_look(db)
    found = db.get(Concern, concern.id)
    assert found is not None
    return found


def replies(db, concern: Concern) -> list[str]:
    fresh_look(db)
    return list(db.exec(select(Reply.body).where(Reply.concern_id == concern.id)).all())


def audiences(db, concern: Concern) -> list[str]:
    fresh_look(db)
    return sorted(
        db.exec(
            select(Audience.slug)
            .join(ConcernAudience, col(ConcernAudience.audience_id) == Audience.id)
            .where(ConcernAudience.concern_id == concern.id)
        ).all()
    )


def events(db, concern: Concern) -> list[tuple]:
    """The moderation log of a concern: who, what, before, after."""
    fresh_look(db)
    rows = db.exec(
        select(ModerationEvent)
        .where(ModerationEvent.target_id == concern.id, ModerationEvent.target_type == "concern")
        .order_by(col(ModerationEvent.id))
    ).all()
    return [(e.actor_id, e.action, e.before, e.after) for e in rows]


def status_in_words(page) -> str:
    status = page.select_one("article.concern .status")
    status.select_one(".status-icon").decompose()
    return status.text.strip()


def test_it_publishes_a_reply_and_goes_back_to_the_concern(client, db, concern, author):
    log_in(client, author)

    response = post(client, f"/c/{concern.id}/replies", {"body": "Any news?"})

    assert response.status_code == 303
    assert response.headers["location"] == f"/c/{concern.id}#replies"
    assert replies(db, concern) == ["Any news?"]
    page = html(client.get(f"/c/{concern.id}"))
    assert page.select_one("#conversation article.reply .body").text == "Any news?"
    assert page.select_one("#replies").text == "1 reply"


def test_it_answers_an_htmx_reply_with_the_conversation_only(client, db, concern, author):
    log_in(client, author)

    response = post(client, f"/c/{concern.id}/replies", {"body": "Any news?"}, headers=HTMX)

    assert response.status_code == 200
    assert "<html" not in response.text
    section, *others = html(response).find_all(recursive=False)
    assert section.name == "section" and section["id"] == "conversation"
    assert all(other.has_attr("hx-swap-oob") for other in others)
    assert [b.text for b in section.select("article.reply .body")] == ["Any news?"]
    assert section.select_one("textarea#body").text == ""
    assert replies(db, concern) == ["Any news?"]


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize(
    ("typed", "message"),
    [("  ", "Write your reply."), ("R" * 5001, "Use at most 5000 characters in your reply.")],
    ids=["empty", "too-long"],
)
def test_it_keeps_the_typed_reply_on_error(client, db, concern, author, headers, typed, message):
    log_in(client, author)

    response = post(client, f"/c/{concern.id}/replies", {"body": typed}, headers=headers)

    assert response.status_code == 400
    page = html(response)
    assert page.select_one("#conversation textarea#body").text == typed
    assert page.select_one("#conversation .error-summary a[href='#body']").text == message
    beside = page.select_one("textarea#body").find_parent(class_="field")
    assert message in beside.select_one("p.field-error").text
    assert replies(db, concern) == []


def test_it_lets_htmx_show_a_form_error_or_a_refusal(client, concern):
    meta = html(client.get(f"/c/{concern.id}")).select_one("meta[name=htmx-config]")
    rules = json.loads(meta["content"])["responseHandling"]

    def swaps(status: int) -> bool:  # the first rule whose code matches, as htmx reads them
        return next(r for r in rules if re.search(r["code"], str(status)))["swap"]

    assert swaps(200) and swaps(400) and swaps(409)
    assert not swaps(204) and not swaps(403) and not swaps(500)


def test_it_sends_a_visitor_to_log_in_and_back_to_the_concern(client, db, concern):
    response = post(client, f"/c/{concern.id}/replies", {"body": "Me?"})

    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next=/c/{concern.id}"
    with_htmx = post(client, f"/c/{concern.id}/replies", {"body": "Me?"}, headers=HTMX)
    assert with_htmx.headers["HX-Redirect"] == f"/login?next=/c/{concern.id}"
    assert replies(db, concern) == []


def test_it_refuses_a_reply_to_a_closed_concern(client, db, make, region, author):
    closed = make.concern(region, author, status=Status.closed, close_reason="off_topic")
    log_in(client, author)

    response = post(client, f"/c/{closed.id}/replies", {"body": "But wait"})

    assert response.status_code == 409
    notice = html(response).select_one("#conversation .notice-error")
    assert notice.text.strip() == "This concern is closed, so it takes no more replies."
    assert replies(db, closed) == []
    assert reload(db, closed).reply_count == 0


def test_it_shows_an_official_answer_first_and_marks_the_concern_answered(
    client, db, make, concern, author, partner
):
    make.reply(concern, author, body="Is anyone there?")
    log_in(client, partner)

    response = post(
        client, f"/c/{concern.id}/replies", {"body": "We will call you.", "official": "1"}
    )

    assert response.status_code == 303
    page = html(client.get(f"/c/{concern.id}"))
    first, second = page.select("#conversation article.reply")
    assert first.select_one(".body").text == "We will call you."
    assert "Official answer from Energia Lda" in first.select_one(".badge-official").text
    assert second.select_one(".body").text == "Is anyone there?"
    assert status_in_words(page) == "Answered"
    answered = reload(db, concern)
    assert answered.status == Status.answered
    assert answered.first_official_answer_at is not None
    assert events(db, concern) == [
        (partner.id, "status", OPEN, {**OPEN, "status": "answered"}),
    ]


def test_it_lets_the_author_mark_resolved_then_still_a_problem(
    client, db, make, concern, author, partner
):
    make.reply(concern, partner, official=True)
    log_in(client, author)

    resolved = post(client, f"/c/{concern.id}/status", {"status": "resolved"})

    assert resolved.status_code == 303
    page = html(client.get(f"/c/{concern.id}"))
    assert status_in_words(page) == "Resolved"
    assert reload(db, concern).status == Status.resolved

    reopened = post(client, f"/c/{concern.id}/status", {"status": "open"})

    assert reopened.status_code == 303
    assert status_in_words(html(client.get(f"/c/{concern.id}"))) == "Waiting for an answer"
    assert reload(db, concern).status == Status.open
    assert events(db, concern) == [
        (author.id, "status", {**OPEN, "status": "answered"}, {**OPEN, "status": "resolved"}),
        (author.id, "status", {**OPEN, "status": "resolved"}, OPEN),
    ]


def test_it_tags_audiences_with_a_plain_post(client, db, concern, moderator):
    log_in(client, moderator)
    chosen = ["technology_providers", "local_administration"]

    response = post(client, f"/c/{concern.id}/audiences", {"audience": chosen})

    assert response.status_code == 303
    assert audiences(db, concern) == sorted(chosen)
    section = html(client.get(f"/c/{concern.id}")).select_one("#audiences")
    assert [tag.text for tag in section.select(".tag")] == [
        "Local administration",
        "Technology providers",
    ]
    assert [box["value"] for box in section.select("input[checked]")] == sorted(chosen)
    assert events(db, concern) == [
        (moderator.id, "tag", {"audiences": []}, {"audiences": sorted(chosen)}),
    ]


def test_it_tags_audiences_with_htmx_and_answers_the_audiences_block(
    client, db, concern, moderator
):
    log_in(client, moderator)

    response = post(client, f"/c/{concern.id}/audiences", {"audience": ["citizens"]}, headers=HTMX)

    assert response.status_code == 200
    assert "<html" not in response.text
    section, *others = html(response).find_all(recursive=False)
    assert all(other.has_attr("hx-swap-oob") for other in others)
    assert section.name == "section" and section["id"] == "audiences"
    assert [tag.text for tag in section.select(".tag")] == ["Citizens"]
    assert section.select_one("#audience-citizens").has_attr("checked")
    assert audiences(db, concern) == ["citizens"]
    assert len(events(db, concern)) == 1


def test_it_untags_when_no_audience_is_sent(client, db, make, region, author, moderator):
    tagged = make.concern(region, author, audiences=["citizens", "technology_providers"])
    log_in(client, moderator)

    response = post(client, f"/c/{tagged.id}/audiences")

    assert response.status_code == 303
    assert audiences(db, tagged) == []
    section = html(client.get(f"/c/{tagged.id}")).select_one("#audiences")
    assert section.select(".tag") == []
    assert events(db, tagged) == [
        (
            moderator.id,
            "tag",
            {"audiences": ["citizens", "technology_providers"]},
            {"audiences": []},
        )
    ]


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_it_refuses_an_unknown_audience_and_changes_nothing(
    client, db, make, region, author, moderator, headers
):
    tagged = make.concern(region, author, audiences=["citizens"])
    log_in(client, moderator)

    response = post(
        client,
        f"/c/{tagged.id}/audiences",
        {"audience": ["technology_providers", "aliens"]},
        headers=headers,
    )

    assert response.status_code == 409  # a refusal, as every other action answers it
    section = html(response).select_one("#audiences")
    assert section.select_one(".notice-error").text.strip() == (
        "We do not know that audience. Nothing was changed."
    )
    assert [tag.text for tag in section.select(".tag")] == ["Citizens"]
    assert audiences(db, tagged) == ["citizens"]
    assert events(db, tagged) == []


def test_it_lists_a_tagged_concern_under_its_audience(client, make, region, author, moderator):
    tagged, other = make.concern(region, author), make.concern(region, author)
    log_in(client, moderator)

    post(client, f"/c/{tagged.id}/audiences", {"audience": ["technology_providers"]})

    page = html(client.get("/r/alentejo?audience=technology_providers"))
    assert [a["href"] for a in page.select("li.concern-row h3 a")] == [f"/c/{tagged.id}"]
    assert f"/c/{other.id}" in {a["href"] for a in html(client.get("/r/alentejo")).select("h3 a")}


def test_it_closes_a_duplicate_and_links_to_the_other_concern(
    client, db, make, region, concern, author, moderator
):
    original = make.concern(region, author, title="No phone booking for the bus")
    log_in(client, moderator)

    response = post(
        client,
        f"/c/{concern.id}/status",
        {"status": "closed", "reason": "duplicate", "duplicate_of": str(original.id)},
    )

    assert response.status_code == 303
    page = html(client.get(f"/c/{concern.id}"))
    assert status_in_words(page) == "Closed"
    link = page.select_one("main .notice a")
    assert link["href"] == f"/c/{original.id}"
    assert "No phone booking for the bus" in link.text
    closed = reload(db, concern)
    assert (closed.status, closed.close_reason, closed.duplicate_of_id) == (
        Status.closed,
        "duplicate",
        original.id,
    )
    assert events(db, concern) == [
        (
            moderator.id,
            "status",
            OPEN,
            {"status": "closed", "close_reason": "duplicate", "duplicate_of": original.id},
        ),
    ]


@pytest.mark.parametrize("other", ["itself", "elsewhere", "missing", "²", "twelve"])
def test_it_refuses_to_close_as_a_duplicate_of_no_other_concern_here(
    client, db, make, region, concern, author, moderator, other
):
    elsewhere = make.concern(make.region(), author)
    number = {"itself": concern.id, "elsewhere": elsewhere.id, "missing": 99999}.get(other, other)
    log_in(client, moderator)

    response = post(
        client,
        f"/c/{concern.id}/status",
        {"status": "closed", "reason": "duplicate", "duplicate_of": str(number)},
    )

    assert response.status_code == 400
    page = html(response)
    message = "Enter the number of another concern in this region, for example 12."
    assert page.select_one(".error-summary a[href='#duplicate_of']").text == message
    field = page.select_one("input#duplicate_of")
    assert field["value"] == str(number)
    assert message in field.find_parent(class_="field").select_one("p.field-error").text
    assert page.select_one("#reason-duplicate").has_attr("checked")
    assert reload(db, concern).status == Status.open
    assert events(db, concern) == []


def test_it_reopens_a_closed_concern(client, db, make, region, author, moderator):
    original = make.concern(region, author)
    closed = make.concern(
        region, author, status=Status.closed, close_reason="duplicate", duplicate_of_id=original.id
    )
    log_in(client, moderator)

    response = post(client, f"/c/{closed.id}/status", {"status": "open"})

    assert response.status_code == 303
    page = html(client.get(f"/c/{closed.id}"))
    assert status_in_words(page) == "Waiting for an answer"
    assert page.select_one("form.reply-form") is not None
    reopened = reload(db, closed)
    assert (reopened.status, reopened.close_reason, reopened.duplicate_of_id) == (
        Status.open,
        None,
        None,
    )
    assert events(db, closed) == [
        (
            moderator.id,
            "status",
            {"status": "closed", "close_reason": "duplicate", "duplicate_of": original.id},
            OPEN,
        ),
    ]
