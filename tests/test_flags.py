"""Reports to the moderators (flags): private, once per person and post, with a reason."""

import pytest
from sqlmodel import col, select

from forum.models import Flag, Role, utcnow
from forum.notifications import events
from tests.factories import html, log_in, post


@pytest.fixture
def region(make):
    return make.region("alentejo")


@pytest.fixture
def author(make):
    return make.user("maria")


@pytest.fixture
def concern(make, region, author):
    return make.concern(region, author, title="The bus app has no phone booking")


@pytest.fixture
def reply(make, concern):
    return make.reply(concern, make.user("spammer"), body="Buy cheap watches at example.org")


@pytest.fixture
def reader(make):
    return make.user("joao")


@pytest.fixture
def told(monkeypatch) -> list[Flag]:
    """The reports the moderators are told about (the notifications are someone else's)."""
    reports: list[Flag] = []
    monkeypatch.setattr(events, "flagged", lambda _session, flag: reports.append(flag))
    return reports


def flags(db) -> list[tuple]:
    db.rollback()
    rows = db.exec(select(Flag).order_by(col(Flag.id))).all()
    return [(f.reporter_id, f.target_type, f.target_id, f.reason, f.text) for f in rows]


def test_it_takes_a_report_on_a_reply_and_says_it_was_received(
    client, db, concern, reply, reader, told
):
    log_in(client, reader)

    response = post(
        client, f"/c/{concern.id}/flag", {"reply": str(reply.id), "reason": "spam", "text": ""}
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/c/{concern.id}#reply-{reply.id}"
    assert flags(db) == [(reader.id, "reply", reply.id, "spam", None)]
    assert [flag.target_id for flag in told] == [reply.id]
    notice = html(client.get(response.headers["location"])).select_one(".notice[role=status]")
    assert "Thank you. The moderators will look at it." in notice.text


def test_it_takes_a_report_on_a_concern_with_the_reason_and_text(client, db, concern, reader, told):
    log_in(client, reader)

    response = post(
        client,
        f"/c/{concern.id}/flag",
        {"reason": "personal_data", "text": "It shows my neighbour's phone number"},
    )

    assert response.status_code == 303
    assert flags(db) == [
        (reader.id, "concern", concern.id, "personal_data", "It shows my neighbour's phone number")
    ]


def test_it_refuses_a_second_report_on_the_same_post_with_a_clear_message(
    client, db, concern, reply, reader, told
):
    log_in(client, reader)
    post(client, f"/c/{concern.id}/flag", {"reply": str(reply.id), "reason": "spam"})

    response = post(
        client, f"/c/{concern.id}/flag", {"reply": str(reply.id), "reason": "offensive"}
    )

    assert response.status_code == 303
    assert len(flags(db)) == 1
    assert len(told) == 1
    page = html(client.get(response.headers["location"]))
    assert "You already reported this. The moderators will look at it." in page.text


def test_it_lets_two_people_report_the_same_post(client, db, make, concern, reply, told):
    for name in ("ana", "rui"):
        client.cookies.clear()
        log_in(client, make.user(name))
        post(client, f"/c/{concern.id}/flag", {"reply": str(reply.id), "reason": "spam"})

    assert len(flags(db)) == 2


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"reason": "other", "text": "  "}, "text", "Tell the moderators what is wrong."),
        ({"reason": "", "text": "Odd"}, "reason", "Choose what is wrong."),
        ({"reason": "nonsense", "text": "Odd"}, "reason", "Choose what is wrong."),
        ({"reason": "spam", "text": "x" * 501}, "text", "Use at most 500 characters."),
    ],
    ids=["other-without-text", "no-reason", "unknown-reason", "too-long"],
)
def test_it_asks_again_and_keeps_what_was_typed(
    client, db, concern, reader, told, form, field, message
):
    log_in(client, reader)

    response = post(client, f"/c/{concern.id}/flag", form)

    assert response.status_code == 400
    page = html(response)
    assert page.select_one(f".error-summary a[href='#{field}']").text == message
    assert message in page.select_one(f"#{field}-error").text
    assert page.select_one("textarea#text").text == form["text"]
    checked = page.select_one("input[name=reason][checked]")
    assert (checked["value"] if checked else "") == (
        form["reason"] if form["reason"] in ("other", "spam") else ""
    )
    assert flags(db) == []
    assert told == []


def test_it_never_shows_a_report_to_anyone_but_the_moderators(
    client, make, concern, reply, reader, author, told
):
    log_in(client, reader)
    secret = "Zebra-crossing-secret-words"
    post(
        client, f"/c/{concern.id}/flag", {"reply": str(reply.id), "reason": "other", "text": secret}
    )

    pages = [client.get(f"/c/{concern.id}").text, client.get("/r/alentejo").text]
    client.cookies.clear()
    pages.append(client.get(f"/c/{concern.id}").text)
    log_in(client, author)
    pages.append(client.get(f"/c/{concern.id}").text)

    assert not any(secret in page for page in pages)
    assert not any(html_page.count('class="reports"') for html_page in pages)


def test_it_offers_a_report_link_on_each_post_to_people_who_may_write(
    client, concern, reply, reader, author
):
    def links() -> list[str]:
        page = html(client.get(f"/c/{concern.id}"))
        return [a["href"] for a in page.select(".post-links a[href*='/flag']")]

    assert links() == []  # a visitor
    log_in(client, reader)
    assert links() == [f"/c/{concern.id}/flag", f"/c/{concern.id}/flag?reply={reply.id}"]


def test_it_shows_the_report_form_for_a_reply(client, concern, reply, reader):
    log_in(client, reader)

    page = html(client.get(f"/c/{concern.id}/flag?reply={reply.id}"))

    assert "Buy cheap watches" in page.select_one("blockquote").text
    assert page.select_one("form input[name=reply]")["value"] == str(reply.id)
    radios = [radio["value"] for radio in page.select("fieldset input[type=radio]")]
    assert radios == ["spam", "offensive", "personal_data", "off_topic", "other"]
    assert page.select_one("fieldset legend").text == "What is wrong with it?"


def test_it_sends_a_visitor_to_log_in_and_stores_nothing(client, db, concern):
    form = client.get(f"/c/{concern.id}/flag", follow_redirects=False)
    sent = post(client, f"/c/{concern.id}/flag", {"reason": "spam"})

    assert form.status_code == 303
    assert form.headers["location"] == f"/login?next=/c/{concern.id}/flag"
    assert sent.status_code == 303
    assert sent.headers["location"].startswith("/login")
    assert flags(db) == []


def test_it_refuses_a_blocked_person_with_a_clear_message(client, db, make, concern):
    blocked = make.user("blocked", blocked_at=utcnow(), blocked_reason="Spam")
    log_in(client, blocked)

    form = client.get(f"/c/{concern.id}/flag")
    sent = post(client, f"/c/{concern.id}/flag", {"reason": "spam"})

    assert form.status_code == sent.status_code == 403
    assert "A moderator has stopped your account from writing." in html(sent).text
    assert flags(db) == []


@pytest.mark.parametrize("reply_param", ["abc", "-1", "99999999999999", "0"])
def test_it_answers_404_for_a_reply_that_is_not_there(client, db, concern, reader, reply_param):
    log_in(client, reader)

    form = client.get(f"/c/{concern.id}/flag?reply={reply_param}")
    sent = post(client, f"/c/{concern.id}/flag", {"reply": reply_param, "reason": "spam"})

    assert form.status_code == sent.status_code == 404
    assert flags(db) == []


def test_it_answers_404_for_a_reply_of_another_concern_or_a_hidden_post(
    client, db, make, region, concern, reader
):
    elsewhere = make.reply(make.concern(region, make.user()), make.user())
    hidden = make.reply(concern, make.user(), hidden=True, hidden_reason="Rude")
    hidden_concern = make.concern(region, make.user(), hidden=True)
    log_in(client, reader)

    responses = [
        post(client, f"/c/{concern.id}/flag", {"reply": str(elsewhere.id), "reason": "spam"}),
        post(client, f"/c/{concern.id}/flag", {"reply": str(hidden.id), "reason": "spam"}),
        post(client, f"/c/{hidden_concern.id}/flag", {"reason": "spam"}),
    ]

    assert [response.status_code for response in responses] == [404, 404, 404]
    assert flags(db) == []


def test_it_lets_a_moderator_of_the_region_see_the_report_in_the_queue(
    client, make, region, concern, reply, reader, told
):
    log_in(client, reader)
    post(
        client, f"/c/{concern.id}/flag", {"reply": str(reply.id), "reason": "other", "text": "Ads"}
    )
    client.cookies.clear()
    log_in(client, make.user("rui", roles={Role.moderator: [region]}))

    item = html(client.get("/moderation")).select_one(f"#section-flags #post-reply-{reply.id}")

    assert "Something else" in item.select_one(".reports").text
    assert "Ads" in item.select_one(".reports").text
