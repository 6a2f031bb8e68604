"""What a phone downloads, measured in Chromium with compression on (issue 6).

The budgets from design.md: a concern page with 20 replies sends at most 14 KB of compressed
HTML; the first view of any page (HTML, CSS, JavaScript, icons, a service worker if the page
registers one) stays under 50 KB compressed; no web fonts; nothing from another site. A second
page asks the server for no static file again: the hashed names are cached for a year.

How the bytes are measured: Chromium itself asks for `gzip, deflate, br, zstd`, and for each
response it reports `encodedDataLength` (Network.loadingFinished in the DevTools protocol),
the bytes that came off the socket: response headers plus the body as sent, compressed. A
response from the browser's cache has an `encodedDataLength` of 0. Playwright's
`request.sizes()` splits that figure: `responseBodySize` is `encodedDataLength` minus
`responseHeadersSize`, so the two added up give back what came over the wire, and 0 for a cache
hit. The service worker's own requests (its precache) are reported in the same way, on the
browser context, except its script, which comes without an `encodedDataLength`: for that one
the Content-Length (the gzipped body) stands in. Run with `pytest -s` to see the figures.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    APIRequestContext,
    BrowserContext,
    Page,
    Playwright,
    Request,
)

from tests.browser.conftest import Server
from tests.browser.test_journeys import CONCERN_URL, CSRF, DEMO_PASSWORD, REGION, unique

KB = 1024
CONCERN_HTML_BUDGET = 14 * KB
FIRST_VIEW_BUDGET = 50 * KB
REPLIES = 20
# Text that is worth compressing; smaller bodies may travel as they are.
COMPRESS_FROM = 1 * KB
TEXT_TYPES = (
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "image/svg+xml",
    "application/json",
    "application/manifest+json",
)
FONT_EXTENSIONS = (".woff", ".woff2", ".ttf", ".otf", ".eot", ".ttc", ".fnt")
FONT_TYPES = ("font/", "application/font", "application/x-font", "application/vnd.ms-fontobject")

# The words people use in their replies, for replies that differ from one another as real
# ones do: twenty copies of one sentence would gzip to almost nothing and flatter the page.
VOCABULARY = """
the bus on demand does not come to our village on sunday my mother is eighty two and needs
to see the doctor in town who decides the timetable we asked the parish council twice last
winter nobody answered the app asks for a card number but the office in the square is closed
after noon my neighbour books for me by phone when the signal is good the solar panels on
the school roof stopped reporting in march thank you we are looking into it our technician
will visit on thursday morning please tell us which stop you use the new schedule starts in
april and adds a second trip on market days farmers near the river say the sensors send
wrong readings after rain we replaced two of them and will check the others next week
"""
WORDS = VOCABULARY.split()


def varied(seed: int, words: int) -> str:
    """A reply of `words` words of its own, a few sentences long."""
    chooser = random.Random(seed)
    sentences = []
    while words > 0:
        length = min(words, chooser.randint(6, 16))
        sentence = " ".join(chooser.choice(WORDS) for _ in range(length))
        sentences.append(sentence.capitalize() + chooser.choice([".", ".", ".", "?", "!"]))
        words -= length
    return " ".join(sentences)


# --- what goes over the wire ----------------------------------------------------------------


@dataclass(frozen=True)
class Transfer:
    """One response, as Chromium received it."""

    url: str
    kind: str  # Playwright's resource type: document, stylesheet, script, image, font, ...
    status: int
    media_type: str
    encoding: str
    content_length: int  # -1 without a Content-Length header
    header_bytes: int
    body_bytes: int  # the body as sent: compressed when `encoding` says so
    by_service_worker: bool  # the service worker's own request (its precache, say)
    from_service_worker: bool  # answered by the service worker: nothing went over the wire

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def wire_bytes(self) -> int:
        """Headers and body off the socket; 0 from a cache (see the module's docstring)."""
        if self.from_service_worker:
            return 0
        return max(0, self.header_bytes + self.body_bytes)

    @property
    def sent_body_bytes(self) -> int:
        return 0 if self.wire_bytes == 0 else self.body_bytes

    @property
    def is_static(self) -> bool:
        return self.path.startswith("/static/")

    def __str__(self) -> str:
        how = self.encoding or "plain"
        who = " (service worker)" if self.by_service_worker else ""
        return (
            f"{self.kind:>10} {self.status} {self.sent_body_bytes:>7,} B body "
            f"+ {self.wire_bytes - self.sent_body_bytes:>5,} B headers {how:>5}  "
            f"{self.path}{who}"
        )


def body_bytes(sizes: dict[str, int], headers: dict[str, str]) -> int:
    """The body as sent. Chromium gives no `encodedDataLength` for the service worker's own
    script (Playwright then says 0 bytes of body, but the headers' size): for a response that
    came over the network, its Content-Length is that body, compressed as it was sent."""
    reported = sizes["responseBodySize"]
    over_the_network = sizes["responseHeadersSize"] + reported > 0
    if reported == 0 and over_the_network and headers.get("content-length"):
        return int(headers["content-length"])
    return reported


class Wire:
    """Every request a browser context makes, its pages' and its service worker's."""

    def __init__(self, context: BrowserContext) -> None:
        self.requests: list[Request] = []
        context.on("request", self._record)

    def _record(self, request: Request) -> None:
        self.requests.append(request)

    def clear(self) -> None:
        self.requests.clear()

    def transfers(self) -> list[Transfer]:
        """What arrived; waits for requests still on their way."""
        transfers = []
        for request in list(self.requests):
            response = request.response()
            if response is None:  # failed: nothing arrived, and the test says so elsewhere
                continue
            if not 300 <= response.status < 400:
                response.finished()
            sizes = request.sizes()
            headers = response.all_headers()
            transfers.append(
                Transfer(
                    url=request.url,
                    kind=request.resource_type,
                    status=response.status,
                    media_type=headers.get("content-type", "").partition(";")[0].strip(),
                    encoding=headers.get("content-encoding", ""),
                    content_length=int(headers.get("content-length") or -1),
                    header_bytes=sizes["responseHeadersSize"],
                    body_bytes=body_bytes(sizes, headers),
                    by_service_worker=request.service_worker is not None,
                    from_service_worker=response.from_service_worker,
                )
            )
        return transfers

    def failed(self) -> list[str]:
        return [f"{request.url}: {request.failure}" for request in self.requests if request.failure]


def settle(page: Page, *, js: bool = True) -> None:
    """Wait until the page has loaded everything it will load by itself, including the
    service worker's install (which precaches files) when the page registers one."""
    page.wait_for_load_state("networkidle")
    if not js:
        return
    page.evaluate(
        """async () => {
          if (!("serviceWorker" in navigator)) return;
          const registration = await navigator.serviceWorker.getRegistration();
          if (registration) await navigator.serviceWorker.ready;
        }"""
    )


def report(title: str, transfers: list[Transfer]) -> None:
    total = sum(transfer.wire_bytes for transfer in transfers)
    bodies = sum(transfer.sent_body_bytes for transfer in transfers)
    print(f"\n{title}: {len(transfers)} requests, {total:,} B over the wire ({bodies:,} B bodies)")
    for transfer in transfers:
        print(f"  {transfer}")


# --- the stage: a concern with 20 replies, and signed-in contexts ---------------------------


def sign_in(request: APIRequestContext, name: str) -> None:
    """Log in over plain HTTP. With a browser context's `request`, the context gets the
    session cookie and its browser cache stays empty."""
    form = request.get("/login")
    match = CSRF.search(form.text())
    assert match is not None
    response = request.post(
        "/login",
        form={"name": name, "password": DEMO_PASSWORD, "csrf_token": match.group(1), "next": "/"},
        max_redirects=0,
    )
    assert response.status == 303, response.text()


def token(request: APIRequestContext, path: str) -> str:
    match = CSRF.search(request.get(path).text())
    assert match is not None, path
    return match.group(1)


@pytest.fixture(scope="module")
def busy_concern(playwright: Playwright, server: Server) -> Iterator[int]:
    """A concern in the demo region with 20 replies, each its own text: the first an official
    answer from the partner, then the citizen and the partner taking turns."""
    people = {}
    for name in ("citizen", "partner"):
        people[name] = playwright.request.new_context(
            base_url=server.url, extra_http_headers={"Accept-Language": "en"}
        )
        sign_in(people[name], name)
    citizen, partner = people["citizen"], people["partner"]
    path = f"/r/{REGION}/new"
    raised = citizen.post(
        path,
        form={
            "csrf_token": token(citizen, path),
            "title": unique("The bus on demand never comes to our village on Sundays"),
            "body": varied(0, 90),
            "topic": "",
        },
        max_redirects=0,
    )
    assert raised.status == 303, raised.text()
    match = CONCERN_URL.search(raised.headers["location"])
    assert match is not None
    concern_id = int(match.group(1))

    for number in range(REPLIES):
        person = partner if number % 2 == 0 else citizen
        form = {"csrf_token": token(person, f"/c/{concern_id}"), "body": varied(number + 1, 55)}
        if number == 0:
            form["official"] = "1"
        reply = person.post(f"/c/{concern_id}/replies", form=form, max_redirects=0)
        assert reply.status == 303, reply.text()
    page = citizen.get(f"/c/{concern_id}").text()
    assert page.count('<article class="reply') == REPLIES, "the replies are not all on the page"
    yield concern_id
    for request in people.values():
        request.dispose()


@pytest.fixture
def fresh(new_context: Callable[..., BrowserContext]) -> Callable[[str | None], BrowserContext]:
    """A new browser context with an empty cache, signed in as `who` (or a visitor)."""

    def make(who: str | None) -> BrowserContext:
        context = new_context()
        if who:
            sign_in(context.request, who)
        return context

    return make


def first_view(context: BrowserContext, path: str) -> list[Transfer]:
    wire = Wire(context)
    page = context.new_page()
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    settle(page)
    assert not wire.failed(), wire.failed()
    return wire.transfers()


# --- the budgets ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", [None, "citizen", "moderator"], ids=["visitor", "citizen", "moderator"]
)
def test_a_concern_with_20_replies_sends_at_most_14_kb_of_compressed_html(
    fresh: Callable[[str | None], BrowserContext], busy_concern: int, who: str | None
) -> None:
    transfers = first_view(fresh(who), f"/c/{busy_concern}")
    documents = [transfer for transfer in transfers if transfer.kind == "document"]
    report(f"concern page with {REPLIES} replies, seen by {who or 'a visitor'}", documents)

    assert len(documents) == 1, documents
    html = documents[0]
    assert html.encoding in ("gzip", "br"), html
    assert html.sent_body_bytes <= CONCERN_HTML_BUDGET, html
    # The measure measures what the server sent: its Content-Length, gzipped, a few KB.
    assert html.sent_body_bytes == html.content_length, html
    assert html.sent_body_bytes > 2 * KB, html


FIRST_VIEWS = [
    ("home", "/", None),
    ("region", f"/r/{REGION}", None),
    ("concern", "/c/{concern}", None),
    ("login", "/login", None),
    ("register", "/register", None),
    ("new concern", f"/r/{REGION}/new", "citizen"),
    ("account", "/account", "citizen"),
    ("moderation queue", "/moderation", "moderator"),
    ("partner queue", "/partner", "partner"),
    ("summary", f"/r/{REGION}/summary", "leader"),
    ("service", f"/r/{REGION}/services/telecare-tablet", None),
    ("guide", "/guide", None),
    ("monitoring", "/monitoring", "leader"),
]


@pytest.mark.parametrize(("name", "path", "who"), FIRST_VIEWS, ids=[v[0] for v in FIRST_VIEWS])
def test_a_first_view_transfers_under_50_kb_from_this_site_only_with_no_fonts(
    fresh: Callable[[str | None], BrowserContext],
    server: Server,
    busy_concern: int,
    name: str,
    path: str,
    who: str | None,
) -> None:
    context = fresh(who)
    page_path = path.format(concern=busy_concern)

    transfers = first_view(context, page_path)
    fonts = context.pages[0].evaluate("() => document.fonts.size")
    report(f"first view of the {name} page ({page_path}) as {who or 'a visitor'}", transfers)

    total = sum(transfer.wire_bytes for transfer in transfers)
    assert total < FIRST_VIEW_BUDGET, f"{name}: {total:,} B"
    kinds = {transfer.kind for transfer in transfers}
    assert {"document", "stylesheet", "script"} <= kinds, kinds
    here = urlsplit(server.url).netloc
    # data: and blob: URLs come from the page itself and never leave the phone.
    elsewhere = [
        t.url
        for t in transfers
        if urlsplit(t.url).scheme not in ("data", "blob") and urlsplit(t.url).netloc != here
    ]
    assert not elsewhere, f"requests to other sites: {elsewhere}"
    assert fonts == 0, f"{name}: the page declares {fonts} web fonts"
    for transfer in transfers:
        assert transfer.kind != "font", transfer
        assert not transfer.path.lower().endswith(FONT_EXTENSIONS), transfer
        assert not transfer.media_type.startswith(FONT_TYPES), transfer
        if transfer.media_type in TEXT_TYPES and transfer.status == 200:
            decoded = len(context.request.get(transfer.url).body())
            if decoded > COMPRESS_FROM and transfer.wire_bytes:
                assert transfer.encoding in ("gzip", "br"), f"{transfer} ({decoded:,} B plain)"


def test_a_second_page_asks_for_no_static_file_again(
    new_context: Callable[..., BrowserContext], server: Server, busy_concern: int, js: bool
) -> None:
    """With JavaScript, the service worker has the files; without, the browser's cache keeps
    them, because their names are immutable: either way the server is not asked again."""
    context = new_context(java_script_enabled=js)
    wire = Wire(context)
    page = context.new_page()
    page.goto("/")
    settle(page, js=js)
    first = wire.transfers()
    static = {t.path for t in first if t.is_static and not t.by_service_worker}
    assert static, "the first view loads no static file"

    wire.clear()
    offset = server.log_size()
    page.goto(f"/r/{REGION}")
    settle(page, js=js)
    page.goto(f"/c/{busy_concern}")
    settle(page, js=js)
    second = wire.transfers()
    # Agora's request log names the route: "GET /static/{name} 200 0.4 ms request=...".
    asked = re.findall(r"(?:GET|HEAD) (/static/\S+) \d{3} ", server.log_since(offset))
    report(f"the next two pages, after the home page ({'with' if js else 'no'} JavaScript)", second)

    assert static <= {t.path for t in second}, "the next pages load other static files"
    assert not asked, f"the server was asked for static files again: {asked}"
    for transfer in second:
        if transfer.is_static:
            assert transfer.wire_bytes == 0, transfer
            assert transfer.from_service_worker == js, transfer
    # The pages themselves did come over the network (through the service worker, if any).
    for path in (f"/r/{REGION}", f"/c/{busy_concern}"):
        assert any(t.path == path and t.wire_bytes for t in second), path
