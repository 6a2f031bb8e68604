"""Assisted posting: a moderator records a concern for someone met at a meeting or on the phone."""

from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import select

from forum.models import Concern, ModerationEvent, Role, Source
from tests.factories import html, log_in, post

MEETING = {
    "source": "meeting",
    "person": "J. S.",
    "meeting": "Town hall meeting in Mértola",
    "date": "2025-03-14",
    "title": "The bus app is too hard",
    "body": "She cannot read the small letters.\nHer son books for her.",
    "topic": "mobility",
    "language": "pt_PT",
    "consent": "yes",
}
PHONE = {**MEETING, "source": "phone", "meeting": "", "person": "Joaquim"}


def concerns(db) -> list[Concern]:
    db.rollback()
    db.expire_all()
    return list(db.exec(select(Concern)).all())


@pytest.fixture
def region(make):
    return make.region("alentejo", name="Alentejo")


@pytest.fixture
def moderator(client, make, region):
    paula = make.user("paula", roles={Role.moderator: [region]})
    log_in(client, paula)
    return paula


def test_it_shows_the_form_to_a_moderator_with_every_field(client, region, moderator):
    form = html(client.get("/r/alentejo/record")).select_one("main form")

    assert form["action"] == "/r/alentejo/record"
    names = {field["name"] for field in form.select("[name]")}
    assert names == {"csrf_token", "client_key", "photo", "photo_alt", *MEETING}
    assert form.select_one("input#date")["type"] == "date"
    assert form.select_one("input#consent")["type"] == "checkbox"
    consent = form.select_one("label[for=consent]").text
    assert consent == "The person agreed that this can be published"
    assert form.select_one("fieldset#source legend") is not None


def test_it_records_a_concern_from_a_meeting(client, db, region, moderator):
    response = post(client, "/r/alentejo/record", MEETING)

    [concern] = concerns(db)
    assert response.status_code == 303
    assert response.headers["location"] == f"/c/{concern.id}"
    assert (concern.title, concern.body, concern.author_id) == (
        MEETING["title"],
        MEETING["body"],
        moderator.id,
    )
    assert concern.source == Source.meeting
    assert (concern.source_person, concern.source_meeting, concern.source_date) == (
        "J. S.",
        "Town hall meeting in Mértola",
        date(2025, 3, 14),
    )
    assert concern.publication_consent is True


def test_it_labels_the_concern_and_names_the_person_who_raised_it(client, db, region, moderator):
    post(client, "/r/alentejo/record", MEETING)
    [concern] = concerns(db)

    meta = html(client.get(f"/c/{concern.id}")).select_one("article.concern .meta")

    label = meta.select_one(".source").text.strip()
    assert label == "Recorded at a meeting: Town hall meeting in Mértola, Mar 14, 2025, for J. S."
    assert "Raised by J. S." in meta.text
    assert "paula" not in meta.text


def test_it_records_a_phone_call_without_a_meeting(client, db, region, moderator):
    post(client, "/r/alentejo/record", {**PHONE, "meeting": "ignored for a call"})

    [concern] = concerns(db)
    assert (concern.source, concern.source_meeting) == (Source.phone, None)
    label = html(client.get(f"/c/{concern.id}")).select_one("article.concern .source").text
    assert label.strip() == "Recorded from a phone call: Mar 14, 2025, for Joaquim"


def test_it_labels_recorded_concerns_in_the_region_list(client, db, region, moderator, make):
    post(client, "/r/alentejo/record", PHONE)
    make.concern(region, make.user(), title="Written here")

    rows = html(client.get("/r/alentejo")).select("li.concern-row")

    labels = {row.h3.text.strip(): row.select_one(".source") for row in rows}
    assert labels["Written here"] is None
    assert "Recorded from a phone call" in labels[PHONE["title"]].text


def test_it_logs_who_recorded_what_for_whom(client, db, region, moderator):
    post(client, "/r/alentejo/record", MEETING)

    [concern] = concerns(db)
    [event] = db.exec(select(ModerationEvent)).all()
    assert (event.actor_id, event.region_id, event.action) == (
        moderator.id,
        region.id,
        "record_assisted",
    )
    assert (event.target_type, event.target_id) == ("concern", concern.id)
    assert event.after == {
        "source": "meeting",
        "person": "J. S.",
        "meeting": "Town hall meeting in Mértola",
        "date": "2025-03-14",
    }


def test_it_takes_the_same_form_sent_twice_as_one_concern(client, db, region, moderator):
    first = post(client, "/r/alentejo/record", MEETING)
    second = post(client, "/r/alentejo/record", MEETING)

    [concern] = concerns(db)
    assert first.headers["location"] == second.headers["location"] == f"/c/{concern.id}"
    assert len(db.exec(select(ModerationEvent)).all()) == 1


def test_it_refuses_without_the_persons_consent_and_keeps_everything_typed(
    client, db, region, moderator
):
    response = post(client, "/r/alentejo/record", {**MEETING, "consent": ""})

    assert response.status_code == 400
    assert concerns(db) == []
    page = html(response)
    assert [a["href"] for a in page.select(".error-summary a")] == ["#consent"]
    consent = page.select_one("#consent").find_parent(class_="field")
    assert "agreed" in consent.select_one(".field-error").text
    assert page.select_one("#consent")["aria-invalid"] == "true"
    assert not page.select_one("#consent").has_attr("checked")
    assert page.select_one("#source-meeting").has_attr("checked")
    for name in ("person", "meeting", "date", "title"):
        assert page.select_one(f"input#{name}")["value"] == MEETING[name]
    assert page.select_one("textarea#body").text == MEETING["body"]
    assert page.select_one("#topic option[selected]")["value"] == "mobility"


def test_it_shows_each_error_beside_its_field(client, db, region, moderator):
    response = post(client, "/r/alentejo/record", {"source": "meeting"})

    assert response.status_code == 400
    page = html(response)
    fields = ["person", "meeting", "date", "title", "body", "consent"]
    assert [a["href"] for a in page.select(".error-summary a")] == [f"#{f}" for f in fields]
    for field in fields:
        beside = page.select_one(f"#{field}-error")
        assert beside is not None, field
        assert beside.text.startswith("Error:"), field
    assert "the person's name or initials" in page.select_one("#person-error").text
    assert "name of the meeting" in page.select_one("#meeting-error").text
    assert concerns(db) == []


def test_it_asks_where_the_person_was_met(client, db, region, moderator):
    for source in ("", "web", "email"):
        response = post(client, "/r/alentejo/record", {**MEETING, "source": source})
        assert response.status_code == 400, source
        page = html(response)
        assert [a["href"] for a in page.select(".error-summary a")] == ["#source"]
        assert "meeting or on the phone" in page.select_one("#source-error").text
        assert page.select_one("input#person")["value"] == "J. S."
    assert concerns(db) == []


@pytest.mark.parametrize(
    "typed",
    [
        "14/03/2025",
        "2025-02-30",
        "20250314",
        "2025-W11-5",
        "2025-03-14T10:00",
        "٢٠٢٥-٠٣-١٤",
        "0000-01-01",
        "x" * 5000,
    ],
)
def test_it_refuses_a_malformed_date(client, db, region, moderator, typed):
    response = post(client, "/r/alentejo/record", {**MEETING, "date": typed})

    assert response.status_code == 400
    page = html(response)
    assert "year-month-day" in page.select_one("#date-error").text
    assert page.select_one("input#date")["value"] == typed
    assert concerns(db) == []


def test_it_refuses_a_date_in_the_future(client, db, region, moderator):
    next_week = (date.today() + timedelta(days=7)).isoformat()

    response = post(client, "/r/alentejo/record", {**MEETING, "date": next_week})

    assert response.status_code == 400
    assert "cannot be in the future" in html(response).select_one("#date-error").text
    assert concerns(db) == []


def test_it_takes_todays_date(client, db, region, moderator):
    response = post(client, "/r/alentejo/record", {**MEETING, "date": date.today().isoformat()})

    assert response.status_code == 303
    assert concerns(db)[0].source_date == date.today()


def test_it_refuses_a_name_or_meeting_that_is_too_long(client, db, region, moderator):
    response = post(
        client, "/r/alentejo/record", {**MEETING, "person": "J" * 121, "meeting": "M" * 201}
    )

    assert response.status_code == 400
    page = html(response)
    assert "at most 120 characters" in page.select_one("#person-error").text
    assert "at most 200 characters" in page.select_one("#meeting-error").text
    assert page.select_one("input#person")["value"] == "J" * 121
    assert concerns(db) == []


def test_it_sends_a_visitor_to_log_in_first(client, db, region):
    for response in (
        client.get("/r/alentejo/record", follow_redirects=False),
        post(client, "/r/alentejo/record", MEETING),
    ):
        assert response.status_code == 303
        location = urlsplit(response.headers["location"])
        assert location.path == "/login"
        assert parse_qs(location.query)["next"] == ["/r/alentejo/record"]
    assert concerns(db) == []


@pytest.mark.parametrize(
    "roles",
    ["citizen", "partner", "leader", "moderator elsewhere"],
)
def test_it_refuses_everyone_but_the_regions_moderators(client, db, make, region, roles):
    elsewhere = make.region()
    held = {
        "citizen": {},
        "partner": {Role.partner: [region]},
        "leader": {Role.leader: [region]},
        "moderator elsewhere": {Role.moderator: [elsewhere]},
    }[roles]
    log_in(client, make.user(roles=held))

    assert client.get("/r/alentejo/record").status_code == 403
    assert post(client, "/r/alentejo/record", MEETING).status_code == 403
    assert concerns(db) == []


def test_it_answers_404_for_an_unknown_region(client, moderator):
    assert client.get("/r/nowhere/record").status_code == 404
    assert post(client, "/r/nowhere/record", MEETING).status_code == 404


def test_it_links_the_form_from_the_region_page_for_moderators_only(client, make, region):
    def link():
        return html(client.get("/r/alentejo")).select_one("a[href='/r/alentejo/record']")

    assert link() is None
    log_in(client, make.user(roles={Role.partner: [region]}))
    assert link() is None
    log_in(client, make.user(roles={Role.moderator: [region]}))
    assert link() is not None
