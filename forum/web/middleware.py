"""What every response goes through, as pure ASGI middleware (no per-request overhead): the
security headers, gzip, HEAD answered as GET, and a hard limit on what a request may send."""

from __future__ import annotations

from starlette.datastructures import Headers
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
