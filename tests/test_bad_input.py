"""No request, however malformed, gives a 500: every page, with junk in every place."""

import re

import pytest
from sqlmodel import select

from forum.models import Concern, Role
from tests.factories import log_in, post
from tests.test_csrf import iter_route_contexts

JUNK_IDS = ["0", "-1", "abc", "1.5", "99999999999999999999", "%00", "1%20OR%201=1"]
JUNK_QUERY = (
    "?after=%00~x&status=%FF&audience=../..&topic=%3Cscript%3E&q="
    + "x" * 300
    + "&since=2026-13-45&until=yesterday&lang=%00&next=//evil.example&reply=abc"
    + "&concern=-5&region=%C0&actor=NaN&action=DROP&small_counts=maybe&token=~~~&page=-1"
)


def get_paths(app) -> list[str]:
    return sorted(
        {
            route.path
            for route in iter_route_contexts(app.routes)
            if "GET" in (getattr(route, "methods", None) or ())
            and not route.path.startswith(("/api/docs", "/docs"))
        }
    )


@pytest.fixture
def admin(make):
    region = make.region("alentejo")
    author = make.user()
    make.concern(region, author)
    return make.user(
        "boss", admin=True, roles={role: [region] for role in (Role.moderator, Role.leader)}
    )


@pytest.mark.parametrize("who", ["visitor", "admin"])
def test_it_never_answers_a_get_with_a_500(client, app, admin, who):
    if who == "admin":
        log_in(client, admin)
    crashes = []
    for path in get_paths(app):
        filled = [re.sub(r"\{[^}]+\}", junk, path) for junk in JUNK_IDS]
        filled += [re.sub(r"\{slug\}", "alentejo", re.sub(r"\{\w+_id\}", "1", path))]
        for url in filled:
            for query in ("", JUNK_QUERY):
                response = client.get(url + query, follow_redirects=False)
                if response.status_code >= 500:
                    crashes.append((url + query[:40], response.status_code))
    assert not crashes, crashes


def test_it_walks_every_page_of_the_public_contract(app):
    paths = get_paths(app)
    for page in (
        "/",
        "/r/{slug}",
        "/r/{slug}/new",
        "/c/{concern_id}",
        "/r/{slug}/summary",
        "/moderation",
        "/moderation/log",
        "/partner",
        "/r/{slug}/feed.atom",
        "/account",
        "/login",
        "/register",
        "/healthz",
    ):
        assert page in paths, page


def test_it_refuses_a_nul_byte_in_a_form_with_a_400_and_stores_nothing(client, make, db):
    region = make.region("alentejo")
    log_in(client, make.user())

    response = post(client, "/r/alentejo/new", {"title": "Bus\x00", "body": "No bus"})

    assert response.status_code == 400
    assert db.exec(select(Concern).where(Concern.region_id == region.id)).all() == []
