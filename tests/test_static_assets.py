"""Static files under names that carry a hash of their content, and compressed responses.

A phone on a weak signal keeps `/static/agora.1a2b3c4d5e.css` for a year without asking again;
a new release has new names, so nobody is left with an old stylesheet. Everything text-like
travels gzipped when the browser asks for it, and plain when it does not.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from forum.models import Role
from forum.resources import STATIC_DIR
from forum.web.assets import Assets
from tests.factories import html, log_in

HASHED = re.compile(r"/static/(?P<stem>[^/]+)\.(?P<digest>[0-9a-f]{10})(?P<suffix>\.[a-z0-9]+)")
IMMUTABLE = "public, max-age=31536000, immutable"
# The links a browser follows as it loads the page; `alternate` (the feeds) it does not.
FETCHED = {"stylesheet", "icon", "apple-touch-icon", "manifest", "preload", "modulepreload"}
MEDIA_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}


@pytest.fixture
def pages(make) -> list[str]:
    """One of each page a visitor reaches first: the regions, a region, a concern, the forms."""
    region = make.region("alentejo", name="Alentejo")
    author = make.user("maria")
    concern = make.concern(region, author, body="The bus does not come on Sundays. " * 20)
    make.reply(concern, author, body="Still waiting for the bus. " * 10)
    return ["/", "/r/alentejo", f"/c/{concern.id}", "/login", "/register"]


def linked(page: Response) -> list[str]:
    """Every stylesheet, icon and script the page makes the browser fetch (not its feeds)."""
    soup = html(page)
    return [
        *(link["href"] for link in soup.select("link[href]") if FETCHED & set(link["rel"])),
        *(script["src"] for script in soup.select("script[src]")),
    ]


def static_files() -> list[Path]:
    return sorted(path for path in STATIC_DIR.iterdir() if path.is_file())


def without_accept_encoding(client: TestClient, method: str, url: str) -> Response:
    """A request that says nothing about encodings (httpx says `gzip, deflate` by default)."""
    request = client.build_request(method, url)
    del request.headers["accept-encoding"]
    return client.send(request)


def raw_body(client: TestClient, url: str, accept_encoding: str) -> tuple[Response, bytes]:
    """The response and its body as it came over the wire, before any decoding."""
    with client.stream("GET", url, headers={"Accept-Encoding": accept_encoding}) as response:
        return response, b"".join(response.iter_raw())


# --- the names the pages use ----------------------------------------------------------------


def test_it_links_stylesheets_scripts_and_icons_by_hashed_names_that_exist(client, pages):
    for path in pages:
        urls = linked(client.get(path))
        suffixes = {HASHED.fullmatch(url)["suffix"] for url in urls if HASHED.fullmatch(url)}
        assert {".css", ".js", ".svg"} <= suffixes, (path, urls)

        for url in urls:
            name = HASHED.fullmatch(url)
            assert name, f"{path} links {url}, which has no content hash in its name"
            file = STATIC_DIR / f"{name['stem']}{name['suffix']}"
            assert name["digest"] == hashlib.sha256(file.read_bytes()).hexdigest()[:10], url
            response = client.get(url)
            assert response.status_code == 200, url
            assert response.content == file.read_bytes(), url
            media_type = response.headers["content-type"].partition(";")[0]
            expected = MEDIA_TYPES.get(name["suffix"]) or mimetypes.guess_type(file.name)[0]
            assert media_type == expected, url


def test_it_serves_every_static_file_under_its_hashed_name(client, app):
    assert static_files(), "the static folder is empty"
    for file in static_files():
        url = app.state.assets.url(file.name)
        assert HASHED.fullmatch(url), url

        response = client.get(url)

        assert response.status_code == 200, url
        assert response.content == file.read_bytes(), url


def test_it_lets_browsers_keep_hashed_names_for_a_year_and_revalidate_plain_names(client, app):
    for file in static_files():
        hashed = client.get(app.state.assets.url(file.name))
        plain = client.get(f"/static/{file.name}")

        assert hashed.headers["cache-control"] == IMMUTABLE, file.name
        assert plain.status_code == 200, file.name
        assert plain.headers["cache-control"] == "no-cache", file.name
        assert plain.content == hashed.content == file.read_bytes(), file.name


def test_the_hash_changes_when_the_content_changes(tmp_path):
    (tmp_path / "agora.css").write_text("body { color: black; }")
    (tmp_path / "favicon.svg").write_text("<svg></svg>")
    before = Assets(tmp_path)
    again = Assets(tmp_path)
    (tmp_path / "agora.css").write_text("body { color: navy; }")
    after = Assets(tmp_path)

    assert again.url("agora.css") == before.url("agora.css")
    assert HASHED.fullmatch(after.url("agora.css"))
    assert after.url("agora.css") != before.url("agora.css")
    assert after.url("favicon.svg") == before.url("favicon.svg")
    assert after.digest != before.digest  # the service worker's cache is named after it
    assert after.find(after.url("agora.css").removeprefix("/static/")) is not None
    assert after.find(before.url("agora.css").removeprefix("/static/")) is None


def test_it_answers_304_when_the_browser_already_has_the_file(client, app):
    url = app.state.assets.url("agora.css")
    first = client.get(url)
    etag = first.headers["etag"]

    again = client.get(url, headers={"If-None-Match": etag})
    changed = client.get(url, headers={"If-None-Match": '"agora.0123456789.css"'})

    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert again.headers["cache-control"] == IMMUTABLE
    assert changed.status_code == 200
    assert changed.content == first.content


def test_the_gzipped_and_the_plain_file_have_their_own_tags(client, app):
    url = app.state.assets.url("agora.css")
    gzipped = client.get(url, headers={"Accept-Encoding": "gzip"}).headers["etag"]
    plain = client.get(url, headers={"Accept-Encoding": "identity"}).headers["etag"]

    assert gzipped != plain
    # A browser holding the plain file, now asking for gzip, gets the gzipped one.
    switched = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": plain})
    assert switched.status_code == 200
    # Weak tags and lists, as caches send them, still match.
    for if_none_match in (f"W/{gzipped}", f'"other", {gzipped}', "*"):
        again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": if_none_match})
        assert again.status_code == 304, if_none_match


# --- compression ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "accept_encoding", ["gzip", "gzip, deflate, br, zstd", "br;q=1, gzip;q=0.8"]
)
def test_it_sends_static_files_gzipped_to_browsers_that_ask(client, app, accept_encoding):
    for name in ("agora.css", "htmx-2.0.11.min.js", "favicon.svg"):
        file = (STATIC_DIR / name).read_bytes()

        response, wire = raw_body(client, app.state.assets.url(name), accept_encoding)

        assert response.headers["content-encoding"] == "gzip", name
        assert "accept-encoding" in response.headers["vary"].lower(), name
        assert int(response.headers["content-length"]) == len(wire) < len(file), name
        assert gzip.decompress(wire) == file, name


@pytest.mark.parametrize("accept_encoding", ["gzip;q=0", "identity", "br", "deflate", "*;q=0"])
def test_it_sends_static_files_plain_to_browsers_that_do_not_take_gzip(
    client, app, accept_encoding
):
    for name in ("agora.css", "htmx-2.0.11.min.js"):
        file = (STATIC_DIR / name).read_bytes()

        response, wire = raw_body(client, app.state.assets.url(name), accept_encoding)

        assert "content-encoding" not in response.headers, name
        assert wire == file, name


def test_it_sends_static_files_plain_when_the_browser_says_nothing_about_encodings(client, app):
    file = (STATIC_DIR / "agora.css").read_bytes()

    response = without_accept_encoding(client, "GET", app.state.assets.url("agora.css"))

    assert "content-encoding" not in response.headers
    assert response.content == file
    assert int(response.headers["content-length"]) == len(file)


def test_it_answers_head_with_the_headers_of_get_and_no_body(client, app):
    for url in (app.state.assets.url("agora.css"), "/static/agora.css"):
        got = client.get(url)
        head = client.head(url)

        assert head.status_code == 200, url
        assert head.content == b"", url
        for header in ("content-type", "content-length", "content-encoding", "etag"):
            assert head.headers.get(header) == got.headers.get(header), (url, header)
        assert head.headers["cache-control"] == got.headers["cache-control"], url


@pytest.mark.parametrize(
    "path",
    [
        "/static/nothing.css",
        "/static/agora.0123456789.css",  # a name from another release
        "/static/AGORA.CSS",
        "/static/..%2F..%2Fpyproject.toml",
        "/static/%2e%2e%2fapp.py",
        "/static/%252e%252e%252fsettings.py",
        "/static/..%5Capp.py",
        "/static/%FF%FE.css",
        "/static/%C3%A9.css",
        "/static/" + "a" * 4000 + ".css",
        "/static/agora.css%00",
        "/static/%00",
        "/static/",
    ],
)
def test_it_refuses_unknown_and_junk_names_without_crashing(client, path):
    for method in ("GET", "HEAD"):
        response = client.request(method, path)

        assert response.status_code in (400, 404), (method, path, response.status_code)
        assert (
            "cache-control" not in response.headers
            or "immutable" not in (response.headers["cache-control"])
        )


def test_favicon_ico_redirects_to_the_hashed_icon_the_pages_link(client, pages):
    icons = [link["href"] for link in html(client.get("/")).select("link[rel=icon]")]

    response = client.get("/favicon.ico", follow_redirects=False)
    icon = client.get(response.headers["location"])

    assert response.status_code == 301
    assert [response.headers["location"]] == icons
    assert HASHED.fullmatch(response.headers["location"])
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.headers["cache-control"] == IMMUTABLE


# --- pages ----------------------------------------------------------------------------------


def test_pages_come_gzipped_to_browsers_that_ask(client, pages):
    for path in ("/", "/r/alentejo", pages[2]):
        response, wire = raw_body(client, path, "gzip, deflate, br")

        assert response.status_code == 200, path
        assert response.headers["content-encoding"] == "gzip", path
        assert "accept-encoding" in response.headers["vary"].lower(), path
        assert "<!doctype html>" in gzip.decompress(wire).decode()[:20].lower(), path


def test_pages_come_plain_to_browsers_that_do_not_take_gzip(client, pages):
    for path in ("/", "/r/alentejo", pages[2]):
        for accept_encoding in ("gzip;q=0", "identity"):
            response, wire = raw_body(client, path, accept_encoding)

            assert "content-encoding" not in response.headers, (path, accept_encoding)
            assert wire.lower().startswith(b"<!doctype html>"), (path, accept_encoding)
        assert "content-encoding" not in without_accept_encoding(client, "GET", path).headers


def test_pages_for_signed_in_people_link_hashed_names_too(client, make):
    region = make.region("alentejo")
    partner = make.user("ana", roles={Role.partner: [region], Role.moderator: [region]})
    log_in(client, partner)

    for path in ("/account", "/r/alentejo/new", "/partner", "/moderation"):
        urls = linked(client.get(path))

        assert urls, path
        assert all(HASHED.fullmatch(url) for url in urls), (path, urls)


def test_pages_name_each_vary_header_once(client, pages):
    """Caches key pages by language, session and htmx; the session middleware adds Cookie
    again, and a doubled name is noise every proxy must parse."""
    for path in ("/", "/r/alentejo", pages[2]):
        response, _wire = raw_body(client, path, "gzip")
        names = [name.strip().lower() for name in response.headers["vary"].split(",")]

        assert len(names) == len(set(names)), (path, names)
        assert {"accept-language", "cookie", "hx-request", "accept-encoding"} <= set(names)
