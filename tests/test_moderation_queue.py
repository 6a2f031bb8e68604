"""The moderators' queue at /moderation: its sections, and each action taken from it.

Every action lands in the moderation log; a moderator of another region changes nothing.
"""

from datetime import timedelta

import pytest
from sqlmodel import col, select

from forum.models import (
    Audience,
    Concern,
    ConcernAudience,
    Flag,
    ModerationEvent,
    Reply,
    Role,
    Status,
    Topic,
    User,
    utcnow,
)
from forum.notifications import events
from tests.factories import count_queries, html, log_in, post

HTMX = {"HX-Request": "true"}


@pytest.fixture
def region(make):
    return make.region("alentejo")


@pytest.fixture
def elsewhere(make):
    return make.region("lapland")


@pytest.fixture
def author(make):
    return make.user("maria")


@pytest.fixture
def moderator(make, region):
    return make.user("rui", roles={Role.moderator: [region]})


@pytest.fixture
def concern(make, region, author):
    return make.concern(region, author, title="The bus app has no phone booking")


@pytest.fixture
def hidden_posts(monkeypatch) -> list[tuple]:
    """What the authors of hidden posts are told (the emails are someone else's)."""
    told: list[tuple] = []

    def record(_session, concern, reply, reason, **_actor) -> None:  # type: ignore[no-untyped-def]
        told.append((concern.id, reply.id if reply else None, reason))

    monkeypatch.setattr(events, "post_hidden", record)
    return told


def fresh(db, model, number):
    db.rollback()
    db.expire_all()
    return db.get(model, number)


def log_of(db) -> list[tuple]:
    """The moderation log, oldest first: who, what, on what, before, after, reason."""
    db.rollback()
    rows = db.exec(select(ModerationEvent).order_by(col(ModerationEvent.id))).all()
    return [
        (e.actor_id, e.action, e.target_type, e.target_id, e.before, e.after, e.reason)
        for e in rows
    ]


def flag(db, concern, reporter, reply=None, reason="spam") -> Flag:
    report = Flag(
        reporter_id=reporter.id,
        region_id=concern.region_id,
        concern_id=concern.id,
        target_type="reply" if reply else "concern",
        target_id=(reply or concern).id,
        reason=reason,
    )
    db.add(report)
    db.commit()
    db.refresh(report)
    return report


def section(page, name: str) -> list[str]:
    return [item["id"] for item in page.select(f"#section-{name} li.queue-item")]


# Who may see the queue.


def test_it_sends_a_visitor_to_log_in(client):
    response = client.get("/moderation", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/moderation"


@pytest.mark.parametrize("role", [None, Role.partner, Role.leader])
def test_it_refuses_people_who_moderate_nowhere(client, make, region, role):
    log_in(client, make.user(roles={role: [region]} if role else None))

    assert client.get("/moderation").status_code == 403


def test_it_links_the_queue_in_the_header_for_moderators_only(client, make, moderator, author):
    def header_links() -> list[str]:
        return [a["href"] for a in html(client.get("/")).select(".account-nav a")]

    log_in(client, author)
    assert "/moderation" not in header_links()
    client.cookies.clear()
    log_in(client, moderator)
    assert "/moderation" in header_links()


# The sections.


def test_it_sorts_concerns_into_their_sections(client, db, make, region, author, moderator):
    now = utcnow()
    older = make.concern(region, author, created_at=now - timedelta(days=3))
    newer = make.concern(region, author, created_at=now - timedelta(days=1))
    waiting_long = make.concern(
        region, author, audiences=["citizens"], created_at=now - timedelta(days=9)
    )
    waiting = make.concern(
        region, author, audiences=["citizens"], created_at=now - timedelta(days=2)
    )
    make.concern(region, author, audiences=["citizens"], status=Status.answered)
    make.concern(region, author, status=Status.closed, close_reason="off_topic")
    hidden = make.concern(region, author, hidden=True, hidden_reason="Spam")
    reply = make.reply(older, make.user("spammer"), body="Cheap watches")
    flag(db, older, make.user(), reply)
    blocked = make.user("blocked")
    make.concern(region, blocked)
    log_in(client, moderator)
    post(client, f"/moderation/users/{blocked.id}/block", {"region": "alentejo", "reason": "Ads"})

    page = html(client.get("/moderation"))

    assert section(page, "new")[:2] == [f"concern-{older.id}", f"concern-{newer.id}"]
    assert f"concern-{hidden.id}" not in section(page, "new")
    assert section(page, "waiting") == [f"concern-{waiting_long.id}", f"concern-{waiting.id}"]
    assert section(page, "flags") == [f"post-reply-{reply.id}"]
    assert section(page, "hidden") == [f"post-concern-{hidden.id}"]
    assert section(page, "blocked") == [f"person-{blocked.id}-{region.id}"]
    headings = [h.text for h in page.select("section.queue-section > h2")]
    assert headings == [
        "New concerns: choose who should answer",
        "Reported by readers",
        "Waiting longest for an official answer",
        "Hidden posts",
        "People who cannot write",
    ]


def test_it_shows_a_moderator_only_the_regions_they_moderate(
    client, make, region, elsewhere, author, moderator
):
    here = make.concern(region, author)
    there = make.concern(elsewhere, author)
    log_in(client, moderator)

    ids = section(html(client.get("/moderation")), "new")

    assert ids == [f"concern-{here.id}"]
    client.cookies.clear()
    log_in(client, make.user(admin=True))
    assert section(html(client.get("/moderation")), "new") == [
        f"concern-{here.id}",
        f"concern-{there.id}",
    ]
    admin_page = html(client.get("/moderation?region=lapland"))
    assert section(admin_page, "new") == [f"concern-{there.id}"]


def test_it_says_when_it_does_not_know_the_region_asked_for(client, moderator, concern):
    log_in(client, moderator)

    response = client.get("/moderation?region=nowhere")

    assert response.status_code == 400
    assert "We do not know that region" in html(response).select_one(".notice-info").text
    assert section(html(response), "new") == [f"concern-{concern.id}"]


def test_it_runs_the_same_number_of_queries_for_few_and_many_items(
    client, db, make, app, region, author, moderator
):
    def fill(count: int) -> None:
        for _ in range(count):
            untagged = make.concern(region, make.user(), topic_id=1)
            make.concern(region, author, audiences=["citizens", "technology_providers"])
            flag(db, untagged, make.user())
            flag(db, untagged, make.user(), make.reply(untagged, make.user()))
            make.reply(untagged, make.user(), hidden=True, hidden_reason="Rude")
            make.concern(region, author, hidden=True, hidden_reason="Spam")
            person = make.user(blocked_at=utcnow())
            db.add(
                ModerationEvent(
                    actor_id=moderator.id,
                    region_id=region.id,
                    action="block",
                    target_type="user",
                    target_id=person.id,
                )
            )
            db.commit()

    log_in(client, moderator)
    fill(2)
    with count_queries(app.state.engine) as few:
        assert client.get("/moderation").status_code == 200
    fill(10)
    with count_queries(app.state.engine) as many:
        page = client.get("/moderation")

    assert len(html(page).select("#section-new li.queue-item")) == 12
    assert len(html(page).select("#section-blocked li.queue-item")) == 12
    assert len(few) == len(many)


def test_it_shows_one_chosen_post_from_its_page(client, concern, moderator, make):
    reply = make.reply(concern, make.user(), body="Rude words")
    log_in(client, moderator)

    links = [a["href"] for a in html(client.get(f"/c/{concern.id}")).select(".post-links a")]
    page = html(client.get(f"/moderation?reply={reply.id}"))

    assert f"/moderation?reply={reply.id}" in links
    assert f"/moderation?concern={concern.id}" in links
    assert section(page, "chosen") == [f"post-reply-{reply.id}"]
    assert "Rude words" in page.select_one(".queue-item .body").text


@pytest.mark.parametrize("query", ["concern=abc", "reply=99999", "concern=-4", "reply=1e9"])
def test_it_answers_404_for_a_chosen_post_that_is_not_there(client, moderator, query):
    log_in(client, moderator)

    assert client.get(f"/moderation?{query}").status_code == 404


def test_it_answers_404_for_a_chosen_post_of_another_region(client, make, elsewhere, moderator):
    there = make.concern(elsewhere, make.user())
    log_in(client, moderator)

    assert client.get(f"/moderation?concern={there.id}").status_code == 404


# Audiences and topic.


def test_it_tags_audiences_and_logs_it(client, db, concern, moderator):
    log_in(client, moderator)

    response = post(
        client,
        f"/moderation/concerns/{concern.id}/audiences",
        {"audience": ["citizens", "local_administration"], "item": f"concern-{concern.id}"},
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/moderation#concern-{concern.id}"
    tagged = db.exec(
        select(Audience.slug)
        .join(ConcernAudience, col(ConcernAudience.audience_id) == Audience.id)
        .where(ConcernAudience.concern_id == concern.id)
    ).all()
    assert sorted(tagged) == ["citizens", "local_administration"]
    assert log_of(db) == [
        (
            moderator.id,
            "tag",
            "concern",
            concern.id,
            {"audiences": []},
            {"audiences": ["citizens", "local_administration"]},
            None,
        )
    ]
    page = html(client.get("/moderation"))
    assert "The audiences are saved." in [notice.text for notice in page.select(".notice")]
    assert section(page, "waiting") == [f"concern-{concern.id}"]


def test_it_answers_htmx_with_the_item_block_alone(client, db, concern, moderator):
    log_in(client, moderator)

    response = post(
        client,
        f"/moderation/concerns/{concern.id}/audiences",
        {"audience": "citizens", "item": f"concern-{concern.id}"},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert "<html" not in response.text
    item, news = html(response).find_all(recursive=False)
    assert item.name == "li" and item["id"] == f"concern-{concern.id}"
    assert item.select_one(".notice").text == "The audiences are saved."
    # Said in the page's live region, which stays on the page while the item is swapped.
    assert (news["id"], news["hx-swap-oob"]) == ("queue-news", "innerHTML")
    assert news.text == "The audiences are saved."
    assert item.select_one("input[value=citizens]").has_attr("checked")


def test_it_sets_and_clears_the_topic(client, db, concern, moderator):
    log_in(client, moderator)

    post(client, f"/moderation/concerns/{concern.id}/topic", {"topic": "mobility"})
    mobility = db.exec(select(Topic).where(Topic.slug == "mobility")).one()
    assert fresh(db, Concern, concern.id).topic_id == mobility.id
    post(client, f"/moderation/concerns/{concern.id}/topic", {"topic": ""})

    assert fresh(db, Concern, concern.id).topic_id is None
    assert [(e[1], e[4], e[5]) for e in log_of(db)] == [
        ("topic", {"topic": None}, {"topic": "mobility"}),
        ("topic", {"topic": "mobility"}, {"topic": None}),
    ]


def test_it_refuses_an_unknown_topic_and_changes_nothing(client, db, concern, moderator):
    log_in(client, moderator)

    response = post(client, f"/moderation/concerns/{concern.id}/topic", {"topic": "nonsense"})

    assert response.status_code == 409
    assert "We do not know that topic" in html(response).select_one("[role=alert]").text
    assert fresh(db, Concern, concern.id).topic_id is None
    assert log_of(db) == []


# Hiding and restoring.


def test_it_hides_a_concern_with_a_reason_and_tells_the_author(
    client, db, make, region, concern, moderator, hidden_posts
):
    report = flag(db, concern, make.user())
    log_in(client, moderator)

    response = post(client, f"/moderation/concerns/{concern.id}/hide", {"reason": "Advertising"})

    assert response.status_code == 303
    hidden = fresh(db, Concern, concern.id)
    assert (hidden.hidden, hidden.hidden_reason) == (True, "Advertising")
    assert hidden_posts == [(concern.id, None, "Advertising")]
    assert fresh(db, Flag, report.id).resolution == "hidden"
    assert log_of(db) == [
        (
            moderator.id,
            "hide",
            "concern",
            concern.id,
            {"hidden": False},
            {"hidden": True},
            "Advertising",
        )
    ]
    assert client.get(f"/c/{concern.id}").status_code == 404
    assert f"/c/{concern.id}" not in client.get("/r/alentejo").text
    assert section(html(client.get("/moderation")), "hidden") == [f"post-concern-{concern.id}"]


def test_it_hides_a_reply_behind_a_placeholder_with_the_reason(
    client, db, make, concern, moderator, hidden_posts
):
    reply = make.reply(concern, make.user(), body="You are all idiots")
    log_in(client, moderator)

    post(client, f"/moderation/replies/{reply.id}/hide", {"reason": "Rude words"})

    client.cookies.clear()
    page = html(client.get(f"/c/{concern.id}"))
    article = page.select_one(f"#reply-{reply.id}")
    assert "You are all idiots" not in page.text
    assert article.select_one(".hidden-post").text.strip() == (
        "A moderator hid this reply. The reason: Rude words"
    )
    assert hidden_posts == [(concern.id, reply.id, "Rude words")]
    assert [(e[1], e[2], e[3]) for e in log_of(db)] == [("hide", "reply", reply.id)]


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_it_asks_for_the_reason_to_hide(client, db, make, concern, moderator, headers):
    reply = make.reply(concern, make.user())
    key = f"post-reply-{reply.id}"
    log_in(client, moderator)

    response = post(
        client,
        f"/moderation/replies/{reply.id}/hide",
        {"reason": "   ", "item": key},
        headers=headers,
    )

    assert response.status_code == 400
    item = html(response).select_one(f"li#{key}")
    field = f"hide-reason-{key}"
    message = "Write the reason. The person who wrote it will read it."
    assert item.select_one(f".error-summary a[href='#{field}']").text == message
    assert message in item.select_one(f"#{field}-error").text
    assert item.select_one("details[open] textarea")["id"] == field
    assert fresh(db, Reply, reply.id).hidden is False
    assert log_of(db) == []


def test_it_keeps_a_too_long_reason_to_correct(client, db, concern, moderator):
    log_in(client, moderator)
    reason = "Spam " * 101

    response = post(client, f"/moderation/concerns/{concern.id}/hide", {"reason": reason})

    assert response.status_code == 400
    field = html(response).select_one(f"#hide-reason-concern-{concern.id}")
    assert field.text == reason
    assert fresh(db, Concern, concern.id).hidden is False


def test_it_restores_a_hidden_reply(client, db, make, concern, moderator):
    reply = make.reply(concern, make.user(), body="Fine words", hidden=True, hidden_reason="Oops")
    log_in(client, moderator)

    response = post(
        client, f"/moderation/replies/{reply.id}/restore", {"reason": "It was a mistake"}
    )

    assert response.status_code == 303
    assert fresh(db, Reply, reply.id).hidden is False
    assert "Fine words" in client.get(f"/c/{concern.id}").text
    assert log_of(db) == [
        (
            moderator.id,
            "restore",
            "reply",
            reply.id,
            {"hidden": True, "hidden_reason": "Oops"},
            {"hidden": False},
            "It was a mistake",
        )
    ]


def test_it_refuses_to_hide_twice(client, db, make, concern, moderator):
    reply = make.reply(concern, make.user(), hidden=True, hidden_reason="Rude")
    log_in(client, moderator)

    response = post(client, f"/moderation/replies/{reply.id}/hide", {"reason": "Again"})

    assert response.status_code == 409
    assert "This is already hidden." in html(response).text
    assert fresh(db, Reply, reply.id).hidden_reason == "Rude"
    assert log_of(db) == []


# Locking.


def test_it_locks_a_concern_against_new_replies_and_unlocks_it(
    client, db, make, concern, moderator, author
):
    log_in(client, moderator)
    post(client, f"/moderation/concerns/{concern.id}/lock")
    client.cookies.clear()
    log_in(client, author)

    refused = post(client, f"/c/{concern.id}/replies", {"body": "Any news?"})

    assert refused.status_code == 409
    assert "New replies to this concern are stopped" in html(refused).text
    assert "This concern takes no more replies." in html(client.get(f"/c/{concern.id}")).text
    client.cookies.clear()
    log_in(client, moderator)
    post(client, f"/moderation/concerns/{concern.id}/unlock")
    assert fresh(db, Concern, concern.id).locked is False
    assert [(e[1], e[4], e[5]) for e in log_of(db)] == [
        ("lock", {"locked": False}, {"locked": True}),
        ("unlock", {"locked": True}, {"locked": False}),
    ]


# Closing as a duplicate.


def test_it_closes_a_duplicate_and_links_both_ways(client, db, make, region, concern, moderator):
    same = make.concern(region, make.user(), title="No way to book the bus by phone")
    log_in(client, moderator)

    response = post(
        client, f"/moderation/concerns/{same.id}/duplicate", {"duplicate_of": f"#{concern.id}"}
    )

    assert response.status_code == 303
    closed = fresh(db, Concern, same.id)
    assert (closed.status, closed.close_reason, closed.duplicate_of_id) == (
        Status.closed,
        "duplicate",
        concern.id,
    )
    forward = html(client.get(f"/c/{same.id}")).select_one(f"a[href='/c/{concern.id}']")
    assert "The bus app has no phone booking" in forward.text
    back = html(client.get(f"/c/{concern.id}")).select_one(".duplicates")
    assert "The same concern was also raised as:" in back.text
    assert back.select_one("a")["href"] == f"/c/{same.id}"
    assert [(e[1], e[3], e[5]) for e in log_of(db)] == [
        (
            "status",
            same.id,
            {"status": "closed", "close_reason": "duplicate", "duplicate_of": concern.id},
        )
    ]


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize("target", ["itself", "elsewhere", "nothing", "words"])
def test_it_refuses_a_duplicate_of_itself_or_of_another_region(
    client, db, make, elsewhere, concern, moderator, target, headers
):
    other = make.concern(elsewhere, make.user())
    typed = {
        "itself": str(concern.id),
        "elsewhere": str(other.id),
        "nothing": "999999",
        "words": "the bus one",
    }[target]
    key = f"concern-{concern.id}"
    log_in(client, moderator)

    response = post(
        client,
        f"/moderation/concerns/{concern.id}/duplicate",
        {"duplicate_of": typed, "item": key},
        headers=headers,
    )

    assert response.status_code == 400
    field = html(response).select_one(f"#duplicate-duplicate_of-{key}")
    assert field["value"] == typed
    assert field["aria-invalid"] == "true"
    assert "Enter the number of another concern in this region" in html(response).text
    assert fresh(db, Concern, concern.id).status == Status.open
    assert log_of(db) == []


# Reports.


def test_it_dismisses_the_reports_on_a_post(client, db, make, concern, moderator):
    reply = make.reply(concern, make.user())
    first, second = flag(db, concern, make.user(), reply), flag(db, concern, make.user(), reply)
    log_in(client, moderator)

    response = post(client, f"/moderation/flags/{first.id}/dismiss", headers=HTMX)

    assert response.status_code == 200
    item = html(response).select_one(f"li#post-reply-{reply.id}")
    assert item.select_one(".notice").text == "The reports are dismissed."
    assert html(response).select_one("#queue-news").text == "The reports are dismissed."
    assert item.select_one(".reports") is None
    assert [fresh(db, Flag, f.id).resolution for f in (first, second)] == ["dismissed"] * 2
    assert fresh(db, Reply, reply.id).hidden is False
    assert [(e[1], e[2], e[3]) for e in log_of(db)] == [
        ("dismiss_flag", "flag", first.id),
        ("dismiss_flag", "flag", second.id),
    ]
    assert section(html(client.get("/moderation")), "flags") == []


def test_it_refuses_to_dismiss_reports_already_handled(client, db, make, concern, moderator):
    report = flag(db, concern, make.user())
    log_in(client, moderator)
    post(client, f"/moderation/flags/{report.id}/dismiss")

    again = post(client, f"/moderation/flags/{report.id}/dismiss")

    assert again.status_code == 409
    assert len(log_of(db)) == 1


# Blocking.


def test_it_blocks_a_person_who_can_then_read_but_not_write(
    client, db, make, region, concern, author, moderator
):
    make.reply(concern, author, body="My words stay")
    log_in(client, moderator)

    response = post(
        client, f"/moderation/users/{author.id}/block", {"region": "alentejo", "reason": "Spam"}
    )

    assert response.status_code == 303
    person = fresh(db, User, author.id)
    assert person.blocked_at is not None and person.blocked_reason == "Spam"
    assert log_of(db) == [
        (moderator.id, "block", "user", author.id, {"blocked": False}, {"blocked": True}, "Spam")
    ]
    client.cookies.clear()
    log_in(client, author)
    page = client.get(f"/c/{concern.id}")
    assert page.status_code == 200
    assert "My words stay" in page.text
    soup = html(page)
    assert soup.select_one("form.reply-form") is None
    assert soup.select_one("#support button") is None
    assert "A moderator has stopped your account from writing." in soup.select_one(".blocked").text
    assert "The reason they gave: Spam" in soup.select_one(".blocked").text
    assert html(client.get("/r/alentejo")).select_one(".blocked") is not None
    assert html(client.get("/r/alentejo/new")).select_one("form[action='/r/alentejo/new']") is None
    for path, form in [
        (f"/c/{concern.id}/replies", {"body": "Still here"}),
        (f"/c/{concern.id}/support", {}),
        ("/r/alentejo/new", {"title": "Again", "body": "Spam again"}),
    ]:
        refused = post(client, path, form)
        assert refused.status_code == 403, path
        assert "A moderator has stopped your account from writing." in refused.text
    db.rollback()
    assert db.exec(select(Reply.body).where(Reply.concern_id == concern.id)).all() == [
        "My words stay"
    ]


def test_it_unblocks_a_person_from_the_queue(client, db, make, region, concern, author, moderator):
    log_in(client, moderator)
    post(client, f"/moderation/users/{author.id}/block", {"region": "alentejo", "reason": "Spam"})
    key = f"person-{author.id}-{region.id}"

    response = post(
        client,
        f"/moderation/users/{author.id}/unblock",
        {"region": "alentejo", "item": key},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert html(response).select_one(f"li#{key} .notice").text == "This person can write again."
    assert html(response).select_one("#queue-news").text == "This person can write again."
    assert fresh(db, User, author.id).blocked_at is None
    assert [(e[1], e[4], e[5]) for e in log_of(db)][-1] == (
        "unblock",
        {"blocked": True, "blocked_reason": "Spam"},
        {"blocked": False},
    )


@pytest.mark.parametrize("who", ["self", "admin"])
def test_it_refuses_to_block_oneself_or_an_admin(client, db, make, region, moderator, who):
    person = moderator if who == "self" else make.user(admin=True)
    make.concern(region, person)
    log_in(client, moderator)

    response = post(
        client, f"/moderation/users/{person.id}/block", {"region": "alentejo", "reason": "x"}
    )

    assert response.status_code == 409
    assert fresh(db, User, person.id).blocked_at is None
    assert log_of(db) == []


def test_it_refuses_to_block_someone_who_never_wrote_in_the_region(
    client, db, make, elsewhere, moderator
):
    stranger = make.user()
    make.concern(elsewhere, stranger)
    log_in(client, moderator)

    response = post(
        client, f"/moderation/users/{stranger.id}/block", {"region": "alentejo", "reason": "x"}
    )

    assert response.status_code == 403
    assert fresh(db, User, stranger.id).blocked_at is None


# Another region's moderator, and malformed requests: nothing changes.


def other_region_actions(concern, reply, report, author):
    return [
        (f"/moderation/concerns/{concern.id}/audiences", {"audience": "citizens"}),
        (f"/moderation/concerns/{concern.id}/topic", {"topic": "energy"}),
        (f"/moderation/concerns/{concern.id}/lock", {}),
        (f"/moderation/concerns/{concern.id}/duplicate", {"duplicate_of": "1"}),
        (f"/moderation/concerns/{concern.id}/hide", {"reason": "No"}),
        (f"/moderation/replies/{reply.id}/hide", {"reason": "No"}),
        (f"/moderation/flags/{report.id}/dismiss", {}),
        (f"/moderation/users/{author.id}/block", {"region": "alentejo", "reason": "No"}),
    ]


def test_it_refuses_a_moderator_of_another_region_and_changes_nothing(
    client, db, make, region, elsewhere, concern, author
):
    reply = make.reply(concern, make.user())
    report = flag(db, concern, make.user(), reply)
    make.concern(elsewhere, author)  # the author wrote there too: still not theirs to block here
    log_in(client, make.user(roles={Role.moderator: [elsewhere]}))

    for path, form in other_region_actions(concern, reply, report, author):
        response = post(client, path, form)
        assert response.status_code == 403, path

    assert log_of(db) == []
    unchanged = fresh(db, Concern, concern.id)
    assert (unchanged.locked, unchanged.hidden, unchanged.topic_id, unchanged.status) == (
        False,
        False,
        None,
        Status.open,
    )
    assert fresh(db, Reply, reply.id).hidden is False
    assert fresh(db, Flag, report.id).resolved_at is None
    assert fresh(db, User, author.id).blocked_at is None


@pytest.mark.parametrize(
    "path",
    [
        "/moderation/concerns/abc/hide",
        "/moderation/concerns/99999999999999999999/hide",
        "/moderation/replies/0/hide",
        "/moderation/flags/-3/dismiss",
        "/moderation/users/999999/block",
    ],
)
def test_it_answers_404_for_what_is_not_there(client, moderator, path):
    log_in(client, moderator)

    assert post(client, path, {"reason": "x", "region": "alentejo"}).status_code == 404


def test_it_answers_404_for_an_unknown_region_when_blocking(client, author, concern, moderator):
    log_in(client, moderator)

    response = post(client, f"/moderation/users/{author.id}/block", {"region": "", "reason": "x"})

    assert response.status_code == 404


def test_it_sends_a_visitor_to_log_in_and_changes_nothing(client, db, concern):
    response = post(client, f"/moderation/concerns/{concern.id}/hide", {"reason": "x"})

    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    assert fresh(db, Concern, concern.id).hidden is False


def test_it_ignores_a_made_up_item_and_an_outside_address_to_go_back_to(
    client, db, concern, moderator
):
    log_in(client, moderator)

    response = post(
        client,
        f"/moderation/concerns/{concern.id}/lock",
        {"item": "<script>", "next": "https://evil.example/"},
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/moderation#concern-{concern.id}"
