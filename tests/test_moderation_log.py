"""The moderation log at /moderation/log: who did what to what, filterable, and append-only."""

from datetime import timedelta

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, func, select

from forum.models import Flag, ModerationEvent, Role, utcnow
from forum.moderation.append_only import AppendOnly
from tests.factories import count_queries, html, log_in, post


@pytest.fixture
def region(make):
    return make.region("alentejo", name="Alentejo")


@pytest.fixture
def elsewhere(make):
    return make.region("lapland", name="Lapland")


@pytest.fixture
def moderator(make, region, elsewhere):
    return make.user("rui", roles={Role.moderator: [region, elsewhere]})


@pytest.fixture
def concern(make, region):
    return make.concern(region, make.user("maria"), title="The bus app has no phone booking")


def event(db, actor, region, action="lock", target_type="concern", target_id=1, **fields):
    line = ModerationEvent(
        actor_id=actor.id,
        region_id=region.id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        **fields,
    )
    db.add(line)
    db.commit()
    db.refresh(line)
    return line


def lines(page) -> list[str]:
    return [" ".join(line.get_text().split()) for line in page.select("li.log-line")]


def test_it_shows_who_did_what_to_what_newest_first(client, make, region, concern, moderator):
    reply = make.reply(concern, make.user(), body="Rude")
    log_in(client, moderator)
    post(client, f"/moderation/concerns/{concern.id}/lock")
    post(client, f"/moderation/replies/{reply.id}/hide", {"reason": "Rude words"})

    page = html(client.get("/moderation/log"))

    first, second = page.select("li.log-line")
    assert "rui: Hid a post" in " ".join(first.get_text().split())
    assert first.select_one(f"a[href='/c/{concern.id}#reply-{reply.id}']") is not None
    assert "Reason: Rude words" in first.text
    assert [dt.text for dt in first.select("dt")] == ["Hidden"]
    assert "No → changed to Yes" in " ".join(first.select_one("dd").get_text(" ").split())
    assert "Stopped new replies" in second.text
    assert second.select_one(f"a[href='/c/{concern.id}']").text == f"concern #{concern.id}"
    assert "Alentejo" in second.select_one(".meta").text


def test_it_names_the_person_and_the_report_acted_on(client, db, make, region, concern, moderator):
    author = make.user("spammer")
    make.concern(region, author)
    report = Flag(
        reporter_id=make.user().id,
        region_id=region.id,
        concern_id=concern.id,
        target_type="concern",
        target_id=concern.id,
        reason="spam",
    )
    db.add(report)
    db.commit()
    log_in(client, moderator)
    post(client, f"/moderation/flags/{report.id}/dismiss")
    post(client, f"/moderation/users/{author.id}/block", {"region": "alentejo", "reason": "Ads"})

    blocked, dismissed = lines(html(client.get("/moderation/log")))

    assert "Stopped someone from writing – the person spammer" in blocked
    assert f"Dismissed a report – a report on concern #{concern.id}" in dismissed


def test_it_shows_a_status_change_in_words(client, make, region, concern, moderator):
    same = make.concern(region, make.user())
    log_in(client, moderator)
    post(client, f"/moderation/concerns/{same.id}/duplicate", {"duplicate_of": str(concern.id)})

    page = html(client.get("/moderation/log"))

    changes = {
        dt.text: " ".join(dd.get_text(" ").split())
        for dt, dd in zip(page.select(".changes dt"), page.select(".changes dd"), strict=True)
    }
    assert changes == {
        "Status": "Waiting for an answer → changed to Closed",
        "Reason to close": "– → changed to Same as another concern",
        "Same as concern": f"– → changed to #{concern.id}",
    }
    assert "Reason: Same as another concern" in lines(page)[0]


@pytest.mark.parametrize("role", [Role.moderator, Role.leader])
def test_it_lets_moderators_and_leaders_of_the_region_read_it(client, db, make, region, role):
    actor = make.user("rui", roles={Role.moderator: [region]})
    event(db, actor, region)
    log_in(client, make.user(roles={role: [region]}))

    response = client.get("/moderation/log")

    assert response.status_code == 200
    assert len(lines(html(response))) == 1


def test_it_links_the_log_in_the_header_for_leaders(client, make, region):
    log_in(client, make.user(roles={Role.leader: [region]}))

    links = [a["href"] for a in html(client.get("/")).select(".account-nav a")]

    assert "/moderation/log" in links and "/moderation" not in links


@pytest.mark.parametrize("role", [None, Role.partner])
def test_it_refuses_everyone_else(client, make, region, role):
    log_in(client, make.user(roles={role: [region]} if role else None))

    assert client.get("/moderation/log").status_code == 403


def test_it_sends_a_visitor_to_log_in(client):
    response = client.get("/moderation/log?action=hide", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/moderation/log%3Faction%3Dhide"


def test_it_shows_a_leader_only_the_regions_they_lead(client, db, make, region, elsewhere):
    actor = make.user("rui", roles={Role.moderator: [region, elsewhere]})
    event(db, actor, region, reason="here")
    event(db, actor, elsewhere, reason="there")
    log_in(client, make.user(roles={Role.leader: [region]}))

    page = html(client.get("/moderation/log"))

    assert [line.split("Reason: ")[1] for line in lines(page)] == ["here"]
    assert client.get("/moderation/log?region=lapland").status_code == 400


def test_it_filters_by_region_actor_and_action(client, db, make, region, elsewhere, moderator):
    other = make.user("ana", roles={Role.moderator: [region]})
    event(db, moderator, region, "lock", reason="a")
    event(db, moderator, elsewhere, "lock", reason="b")
    event(db, other, region, "hide", reason="c")
    event(db, other, region, "lock", reason="d")
    log_in(client, moderator)

    def reasons(query: str) -> list[str]:
        response = client.get(f"/moderation/log?{query}")
        assert response.status_code == 200, query
        return [line.split("Reason: ")[1] for line in lines(html(response))]

    assert reasons("") == ["d", "c", "b", "a"]
    assert reasons("region=lapland") == ["b"]
    assert reasons(f"actor={other.id}") == ["d", "c"]
    assert reasons("action=lock") == ["d", "b", "a"]
    assert reasons(f"region=alentejo&actor={other.id}&action=lock") == ["d"]
    page = html(client.get(f"/moderation/log?actor={other.id}&action=lock"))
    assert page.select_one("#actor option[selected]").text == "ana"
    assert page.select_one("#action option[selected]")["value"] == "lock"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("region=nowhere", "We do not know that region"),
        ("actor=abc", "We do not know that person"),
        ("actor=99999999999999", "We do not know that person"),
        ("action=delete_everything", "We do not know that action"),
    ],
)
def test_it_says_when_it_does_not_know_a_filter_and_shows_everything(
    client, db, region, moderator, query, message
):
    event(db, moderator, region)
    log_in(client, moderator)

    response = client.get(f"/moderation/log?{query}")

    assert response.status_code == 400
    assert message in html(response).select_one(".notice-info").text
    assert len(lines(html(response))) == 1


def test_it_pages_by_keyset_newest_first(client, db, region, moderator):
    start = utcnow()
    for number in range(1, 61):
        event(
            db, moderator, region, reason=f"n{number}", created_at=start + timedelta(seconds=number)
        )
    log_in(client, moderator)

    first = html(client.get("/moderation/log?action=lock"))
    older = first.select_one("li.more a")["href"]
    rest = client.get(older, headers={"HX-Request": "true"})

    def reasons(page) -> list[str]:
        return [line.split("Reason: ")[1] for line in lines(page)]

    assert reasons(first) == [f"n{n}" for n in range(60, 10, -1)]
    assert "action=lock" in older and "before=" in older
    assert "<html" not in rest.text
    assert reasons(html(rest)) == [f"n{n}" for n in range(10, 0, -1)]
    assert html(rest).select_one("li.more") is None


def test_it_runs_the_same_number_of_queries_for_few_and_many_lines(
    client, db, make, app, region, concern, moderator
):
    def fill(count: int) -> None:
        for _ in range(count):
            reply = make.reply(concern, make.user())
            event(db, moderator, region, "hide", "reply", reply.id)
            event(db, moderator, region, "block", "user", make.user().id)
            event(db, moderator, region, "lock", "concern", concern.id)

    log_in(client, moderator)
    fill(1)
    with count_queries(app.state.engine) as few:
        client.get("/moderation/log")
    fill(12)
    with count_queries(app.state.engine) as many:
        page = client.get("/moderation/log")

    assert len(lines(html(page))) == 39
    assert len(few) == len(many)


# Append-only: no route, service or CLI can change or delete a line.


def every_route(routes):
    """The app's routes, looking inside included routers however FastAPI keeps them."""
    for route in routes:
        included = getattr(route, "original_router", None)
        yield from every_route(included.routes) if included is not None else [route]


def test_it_has_no_route_that_changes_the_log(app):
    routes = [
        route
        for route in every_route(app.routes)
        if isinstance(route, APIRoute) and route.path.startswith("/moderation/log")
    ]

    assert [(r.path, r.methods) for r in routes] == [("/moderation/log", {"GET"})]


def test_it_refuses_other_methods_on_the_log(client, db, region, moderator):
    event(db, moderator, region)
    log_in(client, moderator)

    for method in ("POST", "PUT", "PATCH", "DELETE"):
        response = client.request(method, "/moderation/log", headers={"X-CSRF-Token": "x"})
        assert response.status_code in (403, 405), method
    assert client.get("/moderation/log").status_code == 200
    assert len(lines(html(client.get("/moderation/log")))) == 1


def test_it_refuses_to_change_or_delete_a_line_through_the_orm(db, region, moderator):
    line = event(db, moderator, region, reason="original")

    line.reason = "rewritten"
    with pytest.raises(AppendOnly):
        db.commit()
    db.rollback()
    db.delete(db.get(ModerationEvent, line.id))
    with pytest.raises(AppendOnly):
        db.commit()
    db.rollback()
    with pytest.raises(AppendOnly):
        db.exec(update(ModerationEvent).values(reason="rewritten"))  # type: ignore[call-overload]
    db.rollback()
    with pytest.raises(AppendOnly):
        db.exec(delete(ModerationEvent))  # type: ignore[call-overload]
    db.rollback()

    assert db.exec(select(ModerationEvent.reason)).all() == ["original"]


@pytest.mark.parametrize(
    "statement",
    ["UPDATE moderation_event SET reason = 'rewritten'", "DELETE FROM moderation_event"],
    ids=["update", "delete"],
)
def test_it_has_the_database_refuse_a_change_whoever_sends_it(
    app, db, region, moderator, statement
):
    event(db, moderator, region, reason="original")

    with Session(app.state.engine) as other, pytest.raises(DBAPIError):
        other.connection().execute(text(statement))

    db.rollback()
    assert db.exec(select(ModerationEvent.reason)).all() == ["original"]


def test_it_still_appends_while_refusing_changes(db, region, moderator):
    event(db, moderator, region)
    event(db, moderator, region)

    assert db.exec(select(func.count()).select_from(ModerationEvent)).one() == 2
    assert [e.id for e in db.exec(select(ModerationEvent).order_by(col(ModerationEvent.id)))] == [
        1,
        2,
    ]
