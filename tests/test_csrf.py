"""Every POST needs the session's CSRF token: without it the answer is 403 and nothing changes."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlmodel import Session, SQLModel

from forum.models import Concern, Reply, Role, Support, User
from tests.factories import PASSWORD, csrf_token, html, log_in

try:  # FastAPI >= 0.165 keeps included routers as branches of app.routes.
    from fastapi.routing import iter_route_contexts
except ImportError:  # pragma: no cover - older FastAPI lists every route in app.routes

    def iter_route_contexts(routes):  # type: ignore[no-redef]
        return routes


CONTRACT_POSTS = {
    "/login",
    "/register",
    "/logout",
    "/account",
    "/r/{slug}/new",
    "/c/{concern_id}/replies",
    "/c/{concern_id}/support",
    "/c/{concern_id}/audiences",
    "/c/{concern_id}/status",
}


def post_routes(app) -> list[str]:
    return sorted(
        {
            route.path
            for route in iter_route_contexts(app.routes)
            if "POST" in (getattr(route, "methods", None) or ())
        }
    )


@pytest.fixture
def world(make):
    """A moderator, partner and admin in one person, so that every POST would change something."""
    region = make.region("alentejo")
    someone = make.user("someone")
    concern = make.concern(region, someone)
    reply = make.reply(concern, someone)
    user = make.user(
        "boss",
        roles={role: [region] for role in Role},
        admin=True,
        organisation="Energia Lda",
        email="boss@example.org",
    )
    make.service(region, "water")
    ids = {"slug": region.slug, "concern_id": concern.id, "reply_id": reply.id, "service": "water"}
    return user, ids


def url_of(path: str, ids: dict) -> str:
    # A parameter this file does not know yet gets the concern's id: a 404 is also a fail here.
    return re.sub(r"{(\w+)(:\w+)?}", lambda m: str(ids.get(m.group(1), ids["concern_id"])), path)


# Fields that would change something on every route, had the token been right.
EVERYTHING = {
    "name": "someone",
    "password": PASSWORD,
    "email": "changed@example.org",
    "locale": "pt_PT",
    "title": "A concern nobody meant to raise",
    "body": "A reply nobody meant to send",
    "official": "1",
    "audience": ["citizens", "technology_providers"],
    "status": "closed",
    "reason": "off_topic",
    "duplicate_of": "",
    "verdict": "works",
    "lang": "en",
    "summary": "A service nobody meant to describe",
    "stage": "running",
}


def snapshot(engine) -> dict[str, list[str]]:
    """Every row of every table, so that any change at all shows."""
    with Session(engine) as session:
        return {
            table.name: sorted(repr(tuple(row)) for row in session.execute(select(table)))
            for table in SQLModel.metadata.sorted_tables
        }


def logged_in_as(client: TestClient) -> str | None:
    response = client.get("/account", follow_redirects=False)
    return response.text if response.status_code == 200 else None


def test_it_finds_every_post_route_of_the_contract(app):
    assert set(post_routes(app)) >= CONTRACT_POSTS


def test_it_refuses_every_post_without_the_right_token_and_changes_nothing(client, app, world):
    user, ids = world
    other_session = TestClient(app)
    wrong_token = csrf_token(other_session)
    refused = []
    for path in post_routes(app):
        url = url_of(path, ids)
        log_in(client, user)
        client.get("/")  # the session now holds a token, which the requests below do not send
        page_before = logged_in_as(client)
        rows_before = snapshot(app.state.engine)

        for token in (None, "", wrong_token, "é-not-ascii"):
            data = EVERYTHING if token is None else {**EVERYTHING, "csrf_token": token}
            response = client.post(url, data=data, follow_redirects=False)
            refused.append((path, token, response.status_code))

        assert snapshot(app.state.engine) == rows_before, path
        assert logged_in_as(client) == page_before, path
        # The same request with the right token is accepted: the 403s above are the token's.
        right = client.post(
            url, data={**EVERYTHING, "csrf_token": csrf_token(client)}, follow_redirects=False
        )
        assert right.status_code != 403, path

    assert [row for row in refused if row[2] != 403] == []


def test_it_refuses_a_wrong_or_foreign_header_token(client, app, world):
    user, ids = world
    log_in(client, user)
    foreign = csrf_token(TestClient(app))
    before = snapshot(app.state.engine)

    for token in ("nonsense", foreign, "é".encode("latin-1")):
        response = client.post(
            url_of("/c/{concern_id}/support", ids),
            headers={"X-CSRF-Token": token, "HX-Request": "true"},
        )
        assert response.status_code == 403

    assert snapshot(app.state.engine) == before


def test_it_refuses_a_post_from_a_visitor_without_a_session(app, db):
    with TestClient(app) as stranger:
        response = stranger.post(
            "/register", data={"name": "newcomer", "password": PASSWORD, "csrf_token": "x"}
        )

    assert response.status_code == 403
    page = html(response)
    assert page.h1.text.strip() == "This form has expired"
    assert [area.text for area in page.select("main textarea")] == ["newcomer"]  # no password
    assert db.exec(select(User)).all() == []


def test_it_takes_the_token_from_the_htmx_header(client, db, world):
    user, ids = world
    log_in(client, user)
    token = csrf_token(client)

    reply = client.post(
        url_of("/c/{concern_id}/replies", ids),
        data={"body": "Sent by htmx"},
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )
    support = client.post(
        url_of("/c/{concern_id}/support", ids),
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )

    assert (reply.status_code, support.status_code) == (200, 200)
    assert db.exec(select(Reply).where(Reply.body == "Sent by htmx")).first() is not None
    assert db.get(Support, (ids["concern_id"], user.id)) is not None


def test_it_refuses_the_old_token_after_logout(client, world):
    user, _ids = world
    log_in(client, user)
    old_token = csrf_token(client)
    client.post("/logout", data={"csrf_token": old_token})

    response = client.post("/logout", data={"csrf_token": old_token})

    assert response.status_code == 403


MALFORMED = [
    (b"--x\r\nbroken", "multipart/form-data; boundary=x"),
    (b"no boundary at all", "multipart/form-data"),
    (
        b"--x\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--x--\r\n",
        "multipart/form-data; boundary=x",
    ),
    (
        b'--x\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\nend',
        "multipart/form-data; boundary=x",
    ),
    (b"--" + b"x" * 70_000, "multipart/form-data; boundary=" + "x" * 100),
    (b"\xff\xfe=\xff&csrf_token=\xff", "application/x-www-form-urlencoded"),
    (b"csrf_token=%zz%", "application/x-www-form-urlencoded"),
]


@pytest.mark.parametrize(
    ("body", "content_type"),
    MALFORMED,
    ids=[
        "truncated",
        "no boundary",
        "part without a name",
        "unterminated part",
        "huge boundary",
        "bytes that are not text",
        "broken percent escape",
    ],
)
def test_it_answers_a_malformed_body_with_400_or_403_never_500(app, world, body, content_type, db):
    user, ids = world
    with TestClient(app, raise_server_exceptions=False) as client:
        log_in(client, user)
        client.get("/")
        before = snapshot(app.state.engine)
        for path in post_routes(app):
            response = client.post(
                url_of(path, ids),
                content=body,
                headers={"content-type": content_type},
                follow_redirects=False,
            )
            assert response.status_code in (400, 403), path
        assert snapshot(app.state.engine) == before
    assert db.get(Concern, ids["concern_id"]).status == "open"


def test_it_shows_back_what_was_typed_when_a_form_has_expired(client, make):
    region = make.region("alentejo")
    log_in(client, make.user())

    response = client.post(
        "/r/alentejo/new",
        data={"title": "The bus", "body": "It never comes on Sundays.", "csrf_token": "old"},
    )

    assert response.status_code == 403
    page = html(response)
    assert page.h1.text.strip() == "This form has expired"
    assert [area.text for area in page.select("main textarea")] == [
        "The bus",
        "It never comes on Sundays.",
    ]
    assert region.id is not None


def test_a_visitor_who_only_reads_gets_no_cookie(client, world):
    """No form, no token: reading the forum leaves nothing on the visitor's phone."""
    _user, ids = world
    for path in ("/", f"/r/{ids['slug']}", f"/c/{ids['concern_id']}", "/offline", "/nowhere"):
        response = client.get(path)

        assert "set-cookie" not in response.headers, path
        assert "X-CSRF-Token" not in response.text, path
    assert "agora_session=" in client.get("/login").headers["set-cookie"]  # a form: a token


def test_a_person_logged_in_gets_the_token_for_htmx(client, world):
    user, ids = world
    log_in(client, user)
    page = html(client.get(f"/c/{ids['concern_id']}"))

    assert csrf_token(client) in page.body["hx-headers"]
