"""Malformed requests to every route and every form, as an attacker or a broken client sends
them: hostile and random unicode, huge and empty values, missing, repeated and unknown fields,
wrong types and methods, broken multipart, invalid UTF-8, absurd headers, bodies over the
limit. Nothing may answer 5xx, and the server answers normally afterwards.

Forms are found as a person finds them: on the pages, with the fields they really have."""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict

import pytest
from fastapi.testclient import TestClient

from forum.models import Role
from tests.factories import csrf_token, html, log_in
from tests.test_bad_input import get_paths
from tests.test_csrf import iter_route_contexts

SEED = 20261203
HOSTILE = [
    "",
    " ",
    "\t\r\n",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../../../etc/passwd",
    "\u202egnp.exe",  # right-to-left override
    "𝕬𝖌𝖔𝖗𝖆 🙂👩🏽‍🌾",
    "Z̷̢̛̛a̵̡l̷g̶o̶",
    "١٢٣",  # Arabic-Indic digits
    "²",
    "-1",
    "0",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "null",
    "true",
    "[]",
    "{}",
    "%00",
    "\r\n\r\nSet-Cookie: admin=1",
    "x" * 10_000,
    "ä" * 60_000,  # 120 kB of UTF-8: under the body limit, over every field's
]
JUNK_PATH_VALUES = ["0", "-1", "abc", "99999999999999999999", "%F0%9F%99%82", "..", "a" * 300]


def random_text(rng: random.Random) -> str:
    """Code points from every plane we might meet, surrogates left out (no UTF-8 for them)."""
    ranges = [
        (0x20, 0x7E),
        (0xA0, 0x2FF),
        (0x370, 0x1FFF),
        (0x2000, 0x2BFF),
        (0x4E00, 0x4FFF),
        (0xE000, 0xF8FF),
        (0xFFF0, 0xFFFF),
        (0x1F300, 0x1FAFF),
        (0x10000, 0x10FFFF),
    ]
    chars = []
    for _ in range(rng.randint(0, 80)):
        low, high = rng.choice(ranges)
        chars.append(chr(rng.randint(low, high)))
    return "".join(chars)


@pytest.fixture
def world(make):
    region = make.region("vale")
    boss = make.user(
        "boss", admin=True, roles={role: [region] for role in (Role.moderator, Role.leader)}
    )
    ana = make.user("ana")
    concern = make.concern(region, ana)
    reply = make.reply(concern, ana)
    make.reply(concern, make.user("pia", roles={Role.partner: [region]}, organisation="Bus Co"))
    make.service(region, "water")
    return {"boss": boss, "concern": concern, "reply": reply, "region": region}


def filled(path: str, world) -> str:
    values = {
        "slug": "vale",
        "concern_id": str(world["concern"].id),
        "reply_id": str(world["reply"].id),
        "user_id": str(world["boss"].id),
        "service": "water",
    }
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), "1"), path)


def forms_on_pages(client: TestClient, app, world) -> dict[str, set[str]]:
    """Every form that posts, by action, with the names of its fields, from every page."""
    forms: dict[str, set[str]] = defaultdict(set)
    for path in get_paths(app):
        response = client.get(filled(path, world))
        if "html" not in response.headers.get("content-type", ""):
            continue
        for form in html(response).select("form[method=post]"):
            names = {field["name"] for field in form.select("[name]")}
            forms[form.get("action") or path] |= names - {"csrf_token"}
    return forms


class Fuzzer:
    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.sent = 0
        self.statuses: Counter[int] = Counter()
        self.crashes: list[tuple[str, str, int]] = []

    def send(self, method: str, url: str, what: str, **kwargs) -> None:
        response = self.client.request(method, url, follow_redirects=False, **kwargs)
        self.sent += 1
        self.statuses[response.status_code] += 1
        if response.status_code >= 500:
            self.crashes.append((f"{method} {url[:80]}", what, response.status_code))


def fuzz_form(fuzz: Fuzzer, action: str, fields: list[str], token: str, rng: random.Random) -> None:
    """Malformed posts of one form."""
    post = {"csrf_token": token}
    for value in HOSTILE + [random_text(rng) for _ in range(8)]:
        fuzz.send(
            "POST",
            action,
            "every field: " + value[:20],
            data={**post, **dict.fromkeys(fields, value)},
        )
    fuzz.send("POST", action, "no field but the token", data=post)
    fuzz.send(
        "POST",
        action,
        "each field twice",
        content="&".join(f"{name}=one&{name}=two" for name in fields) + f"&csrf_token={token}",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    fuzz.send(
        "POST",
        action,
        "unknown fields",
        data={**post, "is_admin": "1", "id": "1", "role": "admin", "__proto__": "x"},
    )
    fuzz.send(
        "POST",
        action,
        "invalid UTF-8",
        content=b"csrf_token="
        + token.encode()
        + b"&"
        + b"&".join(name.encode() + b"=\xff\xfe\xc0\xaf" for name in fields),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    fuzz.send(
        "POST",
        action,
        "JSON to a form",
        json={name: [1, {"a": None}] for name in fields},
        headers={"x-csrf-token": token},
    )
    fuzz.send(
        "POST",
        action,
        "multipart without a boundary",
        content=b"--x\r\n",
        headers={"content-type": "multipart/form-data", "x-csrf-token": token},
    )
    fuzz.send(
        "POST",
        action,
        "broken multipart",
        content=b'--b\r\nContent-Disposition: form-data; name="title\r\n\r\nx\r\n--b',
        headers={"content-type": "multipart/form-data; boundary=b", "x-csrf-token": token},
    )
    fuzz.send(
        "POST",
        action,
        "a file where text goes",
        data=post,
        files={fields[0]: ("x.exe", b"MZ\x00\x01", "application/octet-stream")},
    )
    fuzz.send(
        "POST",
        action,
        "over the body limit",
        content=b"title=" + b"x" * 1_100_000 + b"&csrf_token=" + token.encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    fuzz.send(
        "POST",
        action,
        "a wrong content type",
        content=b"\x00\x01\x02",
        headers={"content-type": "application/x-evil", "x-csrf-token": token},
    )


def fuzz_page(fuzz: Fuzzer, path: str, url: str, rng: random.Random) -> None:
    """Malformed requests for one page: junk in its path, wrong methods, absurd headers."""
    for junk in JUNK_PATH_VALUES:
        fuzz.send("GET", re.sub(r"\{\w+\}", junk, path), "junk in the path")
    for method in ("PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"):
        fuzz.send(method, url, "a wrong method")
    for name, value in (
        ("accept-language", "x" * 8000),
        ("accept-language", "*;q=abc, ;;;, zz-ZZ-x-private;q=2"),
        ("accept-encoding", "gzip;q=bogus, br;q=-1"),
        ("cookie", "agora_session=" + "A" * 3000 + "; lang=../../etc"),
        ("x-request-id", "\u00e9" * 500),
        ("hx-request", "true"),
        ("if-none-match", '"' + "x" * 5000),
        ("x-forwarded-for", "::1, 999.999.999.999, <script>"),
    ):
        fuzz.send(
            "GET",
            url,
            f"absurd {name}",
            headers={name: value.encode()},
        )
    fuzz.send(
        "GET",
        url + "?" + "&".join(f"{random_text(rng)}={random_text(rng)}" for _ in range(5)),
        "random query",
    )


def test_no_malformed_request_gets_a_5xx_and_the_server_lives_on(app, world):
    rng = random.Random(SEED)
    with TestClient(app, raise_server_exceptions=False) as client:
        log_in(client, world["boss"])  # past the login and CSRF checks, into every route
        token = csrf_token(client)
        fuzz = Fuzzer(client)
        forms = forms_on_pages(client, app, world)
        every_post = {
            filled(route.path, world)
            for route in iter_route_contexts(app.routes)
            if "POST" in (getattr(route, "methods", None) or ())
        }
        assert len(forms) > 20  # the pages really were read
        # Logging out, or erasing the account (any value confirms it), would leave the rest to
        # a visitor, stopped at the door: those two come last.
        last = ["/account/delete", "/logout"]

        def form(action: str) -> None:
            fields = sorted(forms.get(action, set())) or ["name", "body", "title", "reason"]
            fuzz_form(fuzz, action, fields, token, rng)

        for action in sorted((every_post | set(forms)) - set(last)):
            form(action)
        for path in get_paths(app):
            fuzz_page(fuzz, path, filled(path, world), rng)
        for action in last:
            form(action)

        alive = client.get("/healthz")

    print(f"\nfuzz: {fuzz.sent} requests, {len(fuzz.crashes)} answered 5xx: {fuzz.statuses}")
    assert fuzz.crashes == []
    assert alive.status_code == 200
    assert fuzz.sent > 2500
    assert fuzz.statuses[400] > 500 and fuzz.statuses[403] < fuzz.sent / 10  # inside the routes
