"""What every response goes through, as pure ASGI middleware (no per-request overhead): the
security headers, gzip, HEAD answered as GET, pages not sent again to a browser that has
them, and a hard limit on what a request may send."""

from __future__ import annotations

from hashlib import blake2b

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware.gzip import GZipMiddleware, GZipResponder, IdentityResponder
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from forum.web import assets

SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"base-uri 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"geolocation=(), camera=(), microphone=()"),
]
# Only when Agora is served over https: browsers then refuse plain http to it for a year.
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


def _one_vary(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """Vary names each request header once (the session middleware adds Cookie again)."""
    seen: dict[bytes, bytes] = {}
    for name, value in headers:
        if name.lower() == b"vary":
            for part in value.split(b","):
                seen.setdefault(part.strip().lower(), part.strip())
    if not seen:
        return headers
    others = [(name, value) for name, value in headers if name.lower() != b"vary"]
    return [*others, (b"vary", b", ".join(seen.values()))]


class SecurityHeaders:
    """Adds the security headers to every response (pure ASGI: no per-request overhead),
    and says each Vary name once."""

    def __init__(self, app: ASGIApp, *, https: bool = False) -> None:
        self.app = app
        self.headers = [*SECURITY_HEADERS, HSTS] if https else SECURITY_HEADERS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = _one_vary(list(message.get("headers", [])))
                message["headers"] = [*headers, *self.headers]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class GZip(GZipMiddleware):
    """Starlette's gzip, except that it reads Accept-Encoding as the static files do: Starlette
    looks for the word "gzip" anywhere, so `gzip;q=0` (no gzip, thanks) got gzip."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        responder: ASGIApp
        if assets.accepts_gzip(Headers(scope=scope).get("accept-encoding", "")):
            responder = GZipResponder(
                self.app,
                self.minimum_size,
                compresslevel=self.compresslevel,
                thread_minimum_size=self.thread_minimum_size,
                exclude_content_types=self.exclude_content_types,
            )
        else:
            responder = IdentityResponder(
                self.app, self.minimum_size, exclude_content_types=self.exclude_content_types
            )
        await responder(scope, receive, send)


class HeadAsGet:
    """HEAD on every page: answered as GET would be (status and headers, Content-Length
    included), without the body. FastAPI's routes answer only the methods they name."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_without_body)


class NotModified:
    """Each whole page gets a weak ETag, a hash of its bytes, and `Cache-Control: no-cache`
    (kept, but asked about again each time). A browser that sends the tag back in
    If-None-Match gets 304 Not Modified and no body when the page it would get is the very
    same, byte for byte: on a weak signal, a page read again costs a few hundred bytes.

    The page is still rendered each time, so it is never stale: a new reply, a hidden one or
    another person's controls make other bytes, so another tag. Only 200 answers to GET
    (HEAD becomes GET further in) sent in one piece and without caching rules of their own
    (a photo, the static files) are tagged; an export, streamed, is not. A page for someone
    with cookies is `private`: no shared cache keeps it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        asked = Headers(scope=scope)
        cached = asked.get("if-none-match", "")
        rules = "private, no-cache" if "cookie" in asked else "no-cache"
        held: Message | None = None

        async def send_tagged(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                headers = Headers(raw=message["headers"])
                untagged = "etag" not in headers and "cache-control" not in headers
                if message["status"] == 200 and untagged:
                    held = message  # until the body says whether it is whole
                    return
                await send(message)
                return
            if held is None:
                await send(message)
                return
            start, held = held, None
            headers = MutableHeaders(raw=list(start["headers"]))
            if not message.get("more_body", False):
                tag = f'W/"{blake2b(message.get("body", b""), digest_size=16).hexdigest()}"'
                headers["etag"] = tag
                headers["cache-control"] = rules
                if _matches(cached, tag):
                    del headers["content-length"]
                    headers.add_vary_header("Accept-Encoding")  # as gzip says of the 200
                    await send({**start, "status": 304, "headers": headers.raw})
                    await send({"type": "http.response.body", "body": b""})
                    return
            await send({**start, "headers": headers.raw})
            await send(message)

        await self.app(scope, receive, send_tagged)


def _matches(if_none_match: str, tag: str) -> bool:
    """Whether If-None-Match names this tag (compared weakly, as RFC 9110 says), or is *."""
    if if_none_match.strip() == "*":
        return True
    opaque = tag.removeprefix("W/")
    return any(part.strip().removeprefix("W/") == opaque for part in if_none_match.split(","))


class BodyLimit:
    """Refuses a request body over the limit with a 413 before anything parses it: a file
    form may send `multipart` bytes (a photo a little too big still reaches its form, which
    says so and keeps what was typed), anything else `plain`. The limit holds whether or not
    the client says the length in advance: the body is counted as it arrives."""

    def __init__(self, app: ASGIApp, *, plain: int, multipart: int) -> None:
        self.app = app
        self.plain, self.multipart = plain, multipart

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        is_multipart = headers.get("content-type", "").startswith("multipart/form-data")
        limit = self.multipart if is_multipart else self.plain
        declared = headers.get("content-length", "")
        too_large = declared.isdigit() and int(declared) > limit
        received = 0

        async def counted() -> Message:
            nonlocal received
            if too_large:
                raise HTTPException(status_code=413)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(status_code=413)
            return message

        await self.app(scope, counted, send)
