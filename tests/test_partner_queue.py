"""The partner's queue: concerns waiting for an official answer, answered from there in one step."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import select

from forum.models import Concern, Reply, Role, Status, utcnow
from tests.factories import count_queries, csrf_token, html, log_in, post

START = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def days(n: float) -> datetime:
    return START + timedelta(days=n)


def queue_ids(page) -> list[int]:
    return [int(item["id"].removeprefix("queue-")) for item in page.select("li.queue-item")]


def fresh_look(db) -> None:
    db.rollback()
    db.expire_all()


@pytest.fixture
def region(make):
    return make.region("alentejo", name="Alentejo")


@pytest.fixture
def partner(make, region):
    return make.user("ana", roles={Role.partner: [region]}, organisation="Energia Lda")


@pytest.fixture
def citizen(make):
    return make.user("maria")


def test_it_lists_concerns_for_technology_providers_first_then_the_oldest(
    client, make, region, partner, citizen
):
    newest_tagged = make.concern(
        region, citizen, created_at=days(5), audiences=["technology_providers"]
    )
    old_untagged = make.concern(region, citizen, created_at=days(1))
    oldest_tagged = make.concern(
        region, citizen, created_at=days(2), audiences=["citizens", "technology_providers"]
    )
    newer_untagged = make.concern(region, citizen, created_at=days(3), audiences=["citizens"])
    log_in(client, partner)

    page = html(client.get("/partner"))

    assert queue_ids(page) == [
        oldest_tagged.id,
        newest_tagged.id,
        old_untagged.id,
        newer_untagged.id,
    ]
    tags = [bool(item.select(".tag")) for item in page.select("li.queue-item")]
    assert tags == [True, True, False, False]


def test_it_shows_only_the_concerns_of_the_partners_regions(client, make, citizen):
    alentejo, lapland, elsewhere = (
        make.region("alentejo", name="Alentejo"),
        make.region("lapland", name="Lapland"),
        make.region("elsewhere", name="Elsewhere"),
    )
    partner = make.user(roles={Role.partner: [alentejo, lapland]})
    make.user(roles={Role.moderator: [elsewhere]})
    here = make.concern(alentejo, citizen, created_at=days(1))
    there = make.concern(lapland, citizen, created_at=days(2))
    make.concern(elsewhere, citizen, created_at=days(0))
    log_in(client, partner)

    page = html(client.get("/partner"))

    assert queue_ids(page) == [here.id, there.id]
    items = page.select("li.queue-item")
    assert "Region: Alentejo" in items[0].text
    assert "Region: Lapland" in items[1].text
    assert "2 concerns are waiting in Alentejo, Lapland." in page.select_one(".lead").text


def test_it_leaves_out_answered_resolved_closed_and_hidden_concerns(
    client, make, region, partner, citizen
):
    waiting = make.concern(region, citizen)
    make.concern(region, citizen, status=Status.answered)
    make.concern(region, citizen, status=Status.resolved)
    make.concern(region, citizen, status=Status.closed, close_reason="off_topic")
    make.concern(region, citizen, hidden=True, hidden_reason="Spam")
    make.concern(make.region(active=False), citizen)
    log_in(client, partner)

    page = html(client.get("/partner"))

    assert queue_ids(page) == [waiting.id]


def test_it_says_how_long_each_concern_has_waited_and_who_raised_it(
    client, make, region, partner, citizen
):
    make.concern(region, citizen, created_at=utcnow() - timedelta(days=3, hours=2))
    log_in(client, partner)

    meta = html(client.get("/partner")).select_one("li.queue-item .meta").text

    assert "Waiting for 3 days" in meta
    assert "Raised by maria" in meta


def test_it_pages_by_keyset_from_the_tagged_concerns_to_the_others(
    client, make, region, partner, citizen
):
    tagged = [
        make.concern(region, citizen, created_at=days(n), audiences=["technology_providers"])
        for n in range(12)
    ]
    untagged = [make.concern(region, citizen, created_at=days(n)) for n in range(12)]
    log_in(client, partner)

    first = html(client.get("/partner"))
    more = first.select_one("li.more a")["href"]
    second = html(client.get(more))
    fragment = client.get(more, headers={"HX-Request": "true"})

    assert "offset" not in more
    assert queue_ids(first) + queue_ids(second) == [c.id for c in tagged + untagged]
    assert second.select_one("li.more") is None
    assert "<html" not in fragment.text
    assert queue_ids(html(fragment)) == queue_ids(second)


def test_it_ignores_a_made_up_cursor(client, make, region, partner, citizen):
    concern = make.concern(region, citizen)
    log_in(client, partner)

    for after in ("nonsense", "2~2025-01-01~1", "1~not-a-date~1", "1~2025-01-01~99999999999"):
        response = client.get("/partner", params={"after": after})
        assert response.status_code == 200, after
        assert queue_ids(html(response)) == [concern.id]


def test_it_runs_the_same_number_of_queries_for_3_and_15_concerns(
    client, make, app, region, partner, citizen
):
    other = make.region()
    partner_of_two = make.user(roles={Role.partner: [region, other]})
    for n in range(3):
        make.concern(region, citizen, audiences=["technology_providers"] if n % 2 else [])
    log_in(client, partner_of_two)
    with count_queries(app.state.engine) as few:
        assert client.get("/partner").status_code == 200
    for n in range(12):
        make.concern(other if n % 2 else region, citizen, audiences=["citizens"])

    with count_queries(app.state.engine) as many:
        page = client.get("/partner")

    assert len(queue_ids(html(page))) == 15
    assert len(few) == len(many)


def test_it_offers_each_concern_a_reply_form_with_the_official_box_ticked(
    client, make, region, partner, citizen
):
    concern = make.concern(region, citizen)
    log_in(client, partner)

    form = html(client.get("/partner")).select_one(f"#queue-{concern.id} form")

    assert form["method"] == "post"
    assert form["action"] == f"/partner/answers/{concern.id}"
    assert form["hx-post"] == f"/partner/answers/{concern.id}"
    assert form.select_one("textarea[name=body]")["id"] == f"answer-{concern.id}"
    assert form.select_one(f"label[for=answer-{concern.id}]") is not None
    official = form.select_one("input[name=official]")
    assert official.has_attr("checked")
    assert "Energia Lda" in form.select_one(f"label[for={official['id']}]").text


def test_it_answers_from_the_queue_in_one_step(client, db, make, region, partner, citizen):
    concern = make.concern(region, citizen)
    other = make.concern(region, citizen)
    log_in(client, partner)

    response = post(
        client,
        f"/partner/answers/{concern.id}",
        {"body": "We will fix the app on Monday.", "official": "1", "after": ""},
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/partner"
    fresh_look(db)
    [answer] = db.exec(select(Reply).where(Reply.concern_id == concern.id)).all()
    assert (answer.official, answer.organisation, answer.author_id) == (
        True,
        "Energia Lda",
        partner.id,
    )
    assert db.get(Concern, concern.id).status == Status.answered
    page = html(client.get("/partner"))
    assert queue_ids(page) == [other.id]
    assert "Your official answer is published." in page.select_one("[role=status]").text


def test_it_answers_inline_with_htmx_and_the_item_leaves_the_list(
    client, db, make, region, partner, citizen
):
    concern = make.concern(region, citizen, title="No bus on Sundays")
    log_in(client, partner)

    response = client.post(
        f"/partner/answers/{concern.id}",
        data={"body": "A bus comes from March.", "official": "1"},
        headers={"X-CSRF-Token": csrf_token(client), "HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "<html" not in response.text
    item = html(response).select_one("li")
    assert item["id"] == f"queue-{concern.id}"
    assert item.select_one(".notice").text.startswith("Your official answer is published.")
    news = html(response).select_one("#queue-news")  # into the page's live region
    assert (news["hx-swap-oob"], news.text) == ("innerHTML", "Your official answer is published.")
    assert item.select_one("form") is None
    assert item.select_one("a")["href"] == f"/c/{concern.id}"
    fresh_look(db)
    assert db.get(Concern, concern.id).status == Status.answered
    assert queue_ids(html(client.get("/partner"))) == []


def test_it_keeps_a_plain_reply_in_the_queue_when_the_box_is_unticked(
    client, db, make, region, partner, citizen
):
    concern = make.concern(region, citizen)
    log_in(client, partner)

    response = post(client, f"/partner/answers/{concern.id}", {"body": "Which village?"})

    assert response.status_code == 303
    fresh_look(db)
    assert db.exec(select(Reply.official).where(Reply.concern_id == concern.id)).one() is False
    assert queue_ids(html(client.get("/partner"))) == [concern.id]


def test_it_shows_the_error_beside_the_answer_and_keeps_what_was_typed(
    client, db, make, region, partner, citizen
):
    concern = make.concern(region, citizen)
    too_long = "Our answer. " * 500
    log_in(client, partner)

    response = post(client, f"/partner/answers/{concern.id}", {"body": too_long, "official": "1"})

    assert response.status_code == 400
    page = html(response)
    assert page.select_one(".error-summary a")["href"] == f"#answer-{concern.id}"
    item = page.select_one(f"#queue-{concern.id}")
    assert "at most 5000 characters" in item.select_one(".field-error").text
    textarea = item.select_one("textarea")
    assert textarea.text == too_long
    assert textarea["aria-invalid"] == "true"
    assert item.select_one("input[name=official]").has_attr("checked")
    fresh_look(db)
    assert db.exec(select(Reply)).all() == []


def test_it_sends_the_error_back_inline_with_htmx(client, db, make, region, partner, citizen):
    concern = make.concern(region, citizen)
    log_in(client, partner)

    response = client.post(
        f"/partner/answers/{concern.id}",
        data={"body": "   "},
        headers={"X-CSRF-Token": csrf_token(client), "HX-Request": "true"},
    )

    assert response.status_code == 400
    item = html(response).select_one("li")
    assert item["id"] == f"queue-{concern.id}"
    assert item.select_one(".field-error").text.strip() == "Error: Write your reply."
    assert not item.select_one("input[name=official]").has_attr("checked")
    # The field takes the focus and reads out its message; the live region has nothing old.
    assert item.select_one("textarea").has_attr("autofocus")
    assert html(response).select_one("#queue-news").text == ""
    fresh_look(db)
    assert db.exec(select(Reply)).all() == []


def test_it_shows_a_locked_concern_without_a_form(client, make, region, partner, citizen):
    concern = make.concern(region, citizen, locked=True)
    log_in(client, partner)

    item = html(client.get("/partner")).select_one(f"#queue-{concern.id}")

    assert item.select_one("form") is None
    assert "stopped" in item.select_one(".notice").text


def test_it_refuses_an_answer_to_a_locked_concern_and_keeps_it(
    client, db, make, region, partner, citizen
):
    concern = make.concern(region, citizen, locked=True)
    log_in(client, partner)

    response = post(client, f"/partner/answers/{concern.id}", {"body": "Fixed.", "official": "1"})

    assert response.status_code == 409
    item = html(response).select_one(f"#queue-{concern.id}")
    assert "stopped" in item.select_one("[role=alert]").text
    fresh_look(db)
    assert db.exec(select(Reply)).all() == []


def test_it_sends_a_visitor_to_log_in_first(client, make, region, citizen):
    concern = make.concern(region, citizen)

    for response in (
        client.get("/partner", follow_redirects=False),
        post(client, f"/partner/answers/{concern.id}", {"body": "Hello", "official": "1"}),
    ):
        assert response.status_code == 303
        location = urlsplit(response.headers["location"])
        assert location.path == "/login"
        assert parse_qs(location.query)["next"] == ["/partner"]


@pytest.mark.parametrize("role", [None, Role.moderator, Role.leader])
def test_it_refuses_the_queue_to_someone_who_is_not_a_partner(client, db, make, region, role):
    concern = make.concern(region, make.user())
    log_in(client, make.user(roles={role: [region]} if role else {}))

    page = client.get("/partner")
    answer = post(client, f"/partner/answers/{concern.id}", {"body": "Hello", "official": ""})

    assert (page.status_code, answer.status_code) == (403, 403)
    fresh_look(db)
    assert db.exec(select(Reply)).all() == []


def test_it_refuses_an_answer_from_a_partner_of_another_region(client, db, make, citizen):
    here, elsewhere = make.region(), make.region()
    concern = make.concern(here, citizen)
    log_in(client, make.user(roles={Role.partner: [elsewhere]}))

    response = post(client, f"/partner/answers/{concern.id}", {"body": "Fixed", "official": "1"})

    assert response.status_code == 403
    fresh_look(db)
    assert db.exec(select(Reply)).all() == []
    assert db.get(Concern, concern.id).status == Status.open


def test_it_answers_404_for_an_unknown_or_hidden_concern(client, make, region, partner, citizen):
    hidden = make.concern(region, citizen, hidden=True)
    log_in(client, partner)

    for concern_id in (hidden.id, 999999, 99999999999, "abc"):
        response = post(client, f"/partner/answers/{concern_id}", {"body": "Hi", "official": "1"})
        assert response.status_code == 404, concern_id


def test_it_shows_an_admin_every_region(client, make, citizen):
    first, second = make.region(), make.region()
    concerns = [make.concern(first, citizen), make.concern(second, citizen)]
    log_in(client, make.user(admin=True))

    assert queue_ids(html(client.get("/partner"))) == [c.id for c in concerns]


def test_it_links_the_queue_in_the_header_for_partners_only(client, make, region, partner):
    def has_link() -> bool:
        return html(client.get("/")).select_one(".account-nav a[href='/partner']") is not None

    assert not has_link()
    log_in(client, make.user(roles={Role.moderator: [region]}))
    assert not has_link()
    log_in(client, partner)
    assert has_link()


def test_it_says_when_nothing_is_waiting(client, partner):
    log_in(client, partner)

    page = html(client.get("/partner"))

    assert page.h1.text.strip() == "Concerns waiting for an official answer"
    assert page.select_one("li.empty").text.strip() == "No concern is waiting for an answer."
    assert len(page.select("h1")) == 1
