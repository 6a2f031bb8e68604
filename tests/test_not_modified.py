"""Conditional GET (forum.web.middleware.NotModified): a browser that has a page already gets
304 and no body when the page it would get is the very same; anything that changes the page
(a reply, a hidden post, who is asking, the language) changes its tag, so it gets the page."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from forum.models import Role
from tests.factories import log_in, post


@pytest.fixture
def region(make):
    return make.region("alentejo")


@pytest.fixture
def concern(make, region):
    return make.concern(region, make.user("ana"), title="The bus stop has no shelter")


def tag_of(client: TestClient, url: str, **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response.headers["etag"]


def test_a_page_the_browser_has_comes_back_as_304_without_a_body(client, concern):
    first = client.get(f"/c/{concern.id}")
    tag = first.headers["etag"]
    assert tag.startswith('W/"') and first.headers["cache-control"] == "no-cache"

    again = client.get(f"/c/{concern.id}", headers={"If-None-Match": tag})

    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == tag
    assert "content-length" not in again.headers
    assert "Accept-Encoding" in again.headers["vary"]


def test_any_tag_of_a_list_or_a_star_matches(client, concern):
    tag = tag_of(client, f"/c/{concern.id}")
    url = f"/c/{concern.id}"

    assert client.get(url, headers={"If-None-Match": f'W/"other", {tag}'}).status_code == 304
    assert client.get(url, headers={"If-None-Match": tag.removeprefix("W/")}).status_code == 304
    assert client.get(url, headers={"If-None-Match": "*"}).status_code == 304
    assert client.get(url, headers={"If-None-Match": 'W/"other"'}).status_code == 200
    assert client.get(url, headers={"If-None-Match": '"'}).status_code == 200


def test_a_new_reply_changes_the_tag(client, make, concern):
    tag = tag_of(client, f"/c/{concern.id}")
    make.reply(concern, make.user("rui"), body="The council will put one up in May.")

    response = client.get(f"/c/{concern.id}", headers={"If-None-Match": tag})

    assert response.status_code == 200
    assert "put one up in May" in response.text
    assert response.headers["etag"] != tag


def test_a_hidden_reply_is_never_kept_from_a_stale_copy(app, make, region, concern):
    reply = make.reply(concern, make.user("rui"), body="Buy cheap watches here.")
    with TestClient(app) as visitor, TestClient(app) as moderator:
        tag = tag_of(visitor, f"/c/{concern.id}")
        log_in(moderator, make.user("mod", roles={Role.moderator: [region]}))
        hidden = post(moderator, f"/moderation/replies/{reply.id}/hide", {"reason": "Spam"})
        assert hidden.status_code == 303

        response = visitor.get(f"/c/{concern.id}", headers={"If-None-Match": tag})

    assert response.status_code == 200
    assert "cheap watches" not in response.text


def test_a_visitors_copy_is_not_confirmed_to_someone_logged_in(app, make, concern):
    with TestClient(app) as visitor, TestClient(app) as member:
        tag = tag_of(visitor, f"/c/{concern.id}")
        log_in(member, make.user("bea"))

        response = member.get(f"/c/{concern.id}", headers={"If-None-Match": tag})

        assert response.status_code == 200
        assert response.headers["cache-control"] == "private, no-cache"
        assert 'name="csrf_token"' in response.text


def test_each_language_has_its_own_tag(client, concern):
    english = tag_of(client, f"/c/{concern.id}", **{"Accept-Language": "en"})

    response = client.get(
        f"/c/{concern.id}", headers={"Accept-Language": "pt-PT", "If-None-Match": english}
    )

    assert response.status_code == 200
    assert response.headers["content-language"] == "pt-PT"


def test_head_is_answered_as_get_would_be(client, concern):
    tag = tag_of(client, f"/c/{concern.id}")

    head = client.head(f"/c/{concern.id}")
    assert head.headers["etag"] == tag
    assert client.head(f"/c/{concern.id}", headers={"If-None-Match": tag}).status_code == 304


def test_what_has_its_own_caching_rules_keeps_them(client, make, region):
    leader = make.user("lea", roles={Role.leader: [region]})
    log_in(client, leader)

    summary = client.get("/r/alentejo/summary")
    export = client.get("/r/alentejo/export.csv")
    health = client.get("/healthz")

    assert summary.status_code == 200 and "etag" not in summary.headers
    assert export.status_code == 200 and "etag" not in export.headers
    assert summary.headers["cache-control"] == "private, no-store"
    assert health.headers["cache-control"] == "no-store" and "etag" not in health.headers


def test_errors_and_forms_are_never_304(client, make, concern):
    missing = client.get("/c/999999", headers={"If-None-Match": "*"})
    assert missing.status_code == 404 and "etag" not in missing.headers

    log_in(client, make.user("bea"))
    sent = post(
        client, f"/c/{concern.id}/replies", {"body": "Me too"}, headers={"If-None-Match": "*"}
    )
    assert sent.status_code == 303
