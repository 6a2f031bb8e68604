"""What HTTP itself asks of every route: HEAD wherever GET answers, and bodies over the limit
refused with 413 before anything reads them."""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import select

from forum.models import Concern, Role
from tests.factories import csrf_token, html, log_in, post
from tests.test_bad_input import get_paths


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"max_body_bytes": 50_000, "max_multipart_bytes": 200_000})


@pytest.fixture
def region(make):
    return make.region("alentejo")


def test_head_answers_wherever_get_does_without_a_body(client, app, make, region):
    make.concern(region, make.user())
    boss = make.user("boss", admin=True, roles={Role.leader: [region], Role.moderator: [region]})
    log_in(client, boss)
    checked = 0
    for path in get_paths(app):
        url = re.sub(r"\{slug\}", "alentejo", re.sub(r"\{\w+_id\}", "1", path))
        url = re.sub(r"\{[^}]+\}", "x", url)
        got = client.get(url, follow_redirects=False)
        head = client.head(url, follow_redirects=False)
        assert (url, head.status_code) == (url, got.status_code)
        assert head.content == b""
        assert head.headers.get("content-type") == got.headers.get("content-type")
        checked += got.status_code == 200
    assert checked > 20  # most pages really answered


def test_a_form_over_the_limit_gets_413_and_nothing_is_stored(client, db, make, region):
    log_in(client, make.user())

    response = post(client, "/r/alentejo/new", {"title": "Spam", "body": "x" * 60_000})

    assert response.status_code == 413
    assert html(response).h1.get_text(strip=True) == "What you sent is too large"
    assert db.exec(select(Concern)).all() == []


def test_a_body_without_a_length_is_counted_as_it_arrives(client, make, region):
    log_in(client, make.user())
    token = csrf_token(client)

    def chunks():
        yield f"csrf_token={token}&title=Spam&body=".encode()
        for _ in range(100):
            yield b"x" * 1000

    response = client.post(
        "/r/alentejo/new",
        content=chunks(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413


def test_a_body_announced_too_large_is_refused_before_a_byte_is_read(app):
    """The CSRF check, the NUL check and the form parser never see a 20 MB body."""
    read = []
    sent: list[dict] = []

    async def receive() -> dict:
        read.append(True)
        return {"type": "http.request", "body": b"x", "more_body": True}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/r/alentejo/new",
        "raw_path": b"/r/alentejo/new",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", b"20000000"),
        ],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
        "state": {},
    }
    # In a thread of its own: the browser tests of the same run keep an event loop running
    # in this one.
    with ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(asyncio.run, app(scope, receive, send)).result()

    assert sent[0]["status"] == 413
    assert read == []


def test_a_file_form_may_send_more_than_a_plain_one(client, make, region):
    """Up to the multipart limit, a form with a file reaches its route (here: a form whose
    route takes no file, which then answers as it would to any other post)."""
    log_in(client, make.user())
    token = csrf_token(client)
    fields = {"csrf_token": token, "title": "Photo", "body": "See the photo."}
    photo = {"attachment": ("bus.jpg", b"\xff\xd8" + b"x" * 100_000, "image/jpeg")}

    fits = client.post("/r/alentejo/new", data=fields, files=photo, follow_redirects=False)
    too_big = {"attachment": ("bus.jpg", b"\xff\xd8" + b"x" * 250_000, "image/jpeg")}
    refused = client.post("/r/alentejo/new", data=fields, files=too_big, follow_redirects=False)

    assert fits.status_code == 303
    assert refused.status_code == 413
