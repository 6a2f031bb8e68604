"""Sending the same form again: a phone whose signal dropped before the answer came back, a
draft resent from the device, a double tap. Each form carries a key; one key, one post."""

import pytest
from sqlmodel import select

from forum.concerns import queries, service, texts
from forum.models import Concern, Reply, Role, Status
from forum.permissions import Viewer
from tests.factories import html, log_in, post

KEY = "k3y-from-the-phone-0123456789"
OTHER_KEY = "another-key-from-the-phone-42"


def fresh(db, table):
    db.rollback()
    db.expire_all()
    return list(db.exec(select(table)).all())


@pytest.fixture
def region(make):
    return make.region("alentejo", name="Alentejo", default_locale="en")


@pytest.fixture
def citizen(client, make):
    maria = make.user("maria")
    log_in(client, maria)
    return maria


@pytest.fixture
def concern(make, region):
    return make.concern(region, make.user("joao"), title="The bus", body="It skips our village.")


def raise_it(client, key=KEY, **fields):
    data = {"title": "No signal at the health post", "body": "Since May.", "client_key": key}
    return post(client, "/r/alentejo/new", data | fields)


def reply_to(client, concern, key=KEY, body="It skips ours too.", **headers):
    data = {"body": body, "client_key": key}
    return post(client, f"/c/{concern.id}/replies", data, headers=headers)


# Raising a concern.


def test_the_form_gives_each_showing_its_own_key(client, region, citizen):
    keys = {
        html(client.get("/r/alentejo/new")).select_one("input[name=client_key]")["value"]
        for _ in range(3)
    }

    assert len(keys) == 3
    assert all(texts.client_key(key) == key for key in keys)


def test_a_concern_sent_twice_with_one_key_is_raised_once(client, db, region, citizen):
    first = raise_it(client)
    second = raise_it(client)

    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert len(fresh(db, Concern)) == 1
    page = client.get(second.headers["location"]).text
    assert "You already raised this concern. Here it is." in page


def test_the_key_wins_over_a_text_changed_before_the_resend(client, db, region, citizen):
    """The draft was edited on the phone after the first send got through: still one concern
    (the one that arrived), never two."""
    raise_it(client)
    raise_it(client, body="Since May, and now also at the school.")

    assert [c.body for c in fresh(db, Concern)] == ["Since May."]


def test_two_forms_with_two_keys_raise_two_concerns(client, db, region, citizen):
    raise_it(client, key=KEY, title="No signal at the health post")
    raise_it(client, key=OTHER_KEY, title="The bus app has no phone booking")

    assert len(fresh(db, Concern)) == 2


def test_one_key_belongs_to_one_person(client, db, make, region, citizen):
    raise_it(client)
    log_in(client, make.user("ana"))
    raise_it(client)

    assert sorted(c.author_id for c in fresh(db, Concern)) == sorted(
        {c.author_id for c in fresh(db, Concern)}
    )
    assert len(fresh(db, Concern)) == 2


@pytest.mark.parametrize("junk", ["", "short", "x" * 65, "spaces are not keys here", "é" * 20])
def test_a_missing_or_malformed_key_is_ignored(client, db, region, citizen, junk):
    response = raise_it(client, key=junk)

    assert response.status_code == 303
    assert [c.client_key for c in fresh(db, Concern)] == [None]


def test_a_resend_with_errors_still_shows_the_errors(client, db, region, citizen):
    response = raise_it(client, title="")

    assert response.status_code == 400
    assert "Enter a short title for your concern." in response.text
    assert fresh(db, Concern) == []


def test_two_requests_racing_with_one_key_make_one_concern(db, make, region, monkeypatch):
    """Both requests looked before either wrote: the database's unique index decides."""
    maria = make.user("maria")
    viewer = Viewer(maria, frozenset())
    first, created = service.raise_concern(
        db, viewer, region, texts.Draft("Bus", "Late.", key=KEY), language="en"
    )
    db.commit()
    looked = []

    def looked_too_early(session, table, author_id, key):
        looked.append(key)
        return None if len(looked) == 1 else original(session, table, author_id, key)

    original = queries.sent_with_key
    monkeypatch.setattr(queries, "sent_with_key", looked_too_early)
    # A different text, so only the key (not the recent-identical-text rule) can match.
    again, created_again = service.raise_concern(
        db, viewer, region, texts.Draft("Bus?", "Late!", key=KEY), language="en"
    )
    db.commit()

    assert created and not created_again
    assert again.id == first.id
    assert len(fresh(db, Concern)) == 1


# Recording a concern for someone (moderators).


def test_a_recorded_concern_sent_twice_with_one_key_is_recorded_once(client, db, make, region):
    log_in(client, make.user("paula", roles={Role.moderator: [region]}))
    data = {
        "source": "phone",
        "person": "M. S.",
        "date": "2026-11-02",
        "title": "Bus",
        "body": "Late.",
        "consent": "1",
        "client_key": KEY,
    }
    post(client, "/r/alentejo/record", data)
    second = post(client, "/r/alentejo/record", data)

    assert second.status_code == 303
    assert len(fresh(db, Concern)) == 1
    assert (
        "You already recorded this concern. Here it is."
        in client.get(second.headers["location"]).text
    )


# Replying.


def test_a_reply_sent_twice_with_one_key_is_published_once(client, db, concern, citizen):
    first = reply_to(client, concern)
    second = reply_to(client, concern)

    assert first.status_code == second.status_code == 303
    assert len(fresh(db, Reply)) == 1
    assert "You already sent this reply." in client.get(f"/c/{concern.id}").text


def test_with_htmx_the_resent_reply_says_it_is_already_there(client, db, concern, citizen):
    reply_to(client, concern, **{"HX-Request": "true"})
    again = reply_to(client, concern, **{"HX-Request": "true"})

    assert again.status_code == 200
    news = html(again).select_one("#reply-news")  # swapped into the page's live region
    assert news is not None and "You already sent this reply." in news.text
    assert len(fresh(db, Reply)) == 1


def test_a_reply_that_arrived_before_the_concern_closed_is_not_refused(
    client, db, concern, citizen
):
    """Sent, the answer was lost, a moderator closed the concern, the phone resends: the
    person learns the reply is there, not that the concern takes no more replies."""
    reply_to(client, concern)
    db.exec(select(Concern)).one().status = Status.closed
    db.commit()

    again = reply_to(client, concern)

    assert again.status_code == 303
    assert "You already sent this reply." in client.get(f"/c/{concern.id}").text


def test_a_draft_sent_after_the_concern_closed_comes_back_to_copy(client, db, concern, citizen):
    concern.status = Status.closed
    db.add(concern)
    db.commit()

    response = reply_to(client, concern, body="Written on the bus, sent at home.")

    assert response.status_code == 409
    page = html(response)
    assert "This concern is closed, so it takes no more replies." in page.text
    assert page.select_one("textarea#unsent").text == "Written on the bus, sent at home."
    assert fresh(db, Reply) == []


def test_a_partner_answer_sent_twice_from_the_queue_is_published_once(
    client, db, make, region, concern
):
    partner = make.user("ana", roles={Role.partner: [region]}, organisation="Energia Lda")
    log_in(client, partner)
    data = {"body": "We will come on Monday.", "official": "1", "client_key": KEY}
    post(client, f"/partner/answers/{concern.id}", data)
    post(client, f"/partner/answers/{concern.id}", data)

    replies = fresh(db, Reply)
    assert [(r.body, r.official) for r in replies] == [("We will come on Monday.", True)]
