"""Pages kept for visitors: a page a visitor (no session cookie) was sent is sent again to the
next visitor who asks for it in the same words, while nothing it shows has changed
(forum.page_changes) and for a few seconds at most (its "3 minutes ago" grows older).

What a visitor's page depends on is all in the key: the address, the language asked for
(the language cookie, Accept-Language) and whether htmx asks for one block. A page is kept
only when nothing else went into it: a 200 in one piece, HTML, no cookie set, nothing put
in the session (a form's CSRF token), no caching rules of its own. Someone logged in is
never sent a kept page, nor is their page kept. The stamp is read before the page is made,
so a change committed while it is made leaves it stale at once.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from forum.i18n import LANG_COOKIE
from forum.page_changes import Stamp

Key = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Kept:
    stamp: Hashable
    made: float  # time.monotonic()
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    route: object = None  # the route that made it, for the request log and the metrics


class Making:
    """A page being made: the requests for the same page wait for it rather than make it
    too (when a kept page grows too old, 32 requests at once would each make it)."""

    def __init__(self, stamp: Hashable) -> None:
        self.stamp = stamp
        self.done = asyncio.Event()
        self.loop = asyncio.get_running_loop()

    def here(self) -> bool:
        """Whether it is made on this event loop (a test may run the app on several)."""
        return self.loop is asyncio.get_running_loop()


class PageCache:
    def __init__(
        self,
        app: ASGIApp,
        *,
        stamp: Stamp,
        session_cookie: str,
        seconds: float,
        budget_bytes: int = 16_000_000,
    ) -> None:
        self.app = app
        self.stamp = stamp
        self.session_cookie = session_cookie
        self.seconds = seconds
        self.budget = budget_bytes
        self.pages: OrderedDict[Key, Kept] = OrderedDict()
        self.size = 0
        self.making: dict[Key, Making] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = self._key(scope) if scope["type"] == "http" and scope["method"] == "GET" else None
        stamp = self.stamp.now() if key is not None and self.seconds > 0 else None
        if key is None or stamp is None:
            await self.app(scope, receive, send)
            return
        kept = self._fresh(key, stamp)
        making = self.making.get(key)
        if kept is None and making and making.stamp == stamp and making.here():
            await making.done.wait()  # one request makes it, the others wait for it
            kept = self._fresh(key, stamp)
        if kept is not None:
            scope["route"] = kept.route
            await send(
                {"type": "http.response.start", "status": kept.status, "headers": kept.headers}
            )
            await send({"type": "http.response.body", "body": kept.body})
            return
        await self._made(key, stamp, scope, receive, send)

    def _fresh(self, key: Key, stamp: Hashable) -> Kept | None:
        kept = self.pages.get(key)
        if kept and kept.stamp == stamp and time.monotonic() - kept.made < self.seconds:
            self.pages.move_to_end(key)
            return kept
        return None

    def _key(self, scope: Scope) -> Key | None:
        """What the page depends on, or None for someone who may be logged in."""
        headers = Headers(scope=scope)
        if "authorization" in headers:
            return None
        cookies = cookie_parser(headers.get("cookie", ""))  # as the app reads them
        if self.session_cookie in cookies:
            return None
        return (
            scope.get("scheme", "http"),
            headers.get("host", ""),
            scope.get("root_path", "") + scope["path"],
            scope.get("query_string", b"").decode("latin-1"),
            cookies.get(LANG_COOKIE, ""),
            headers.get("accept-language", ""),
            headers.get("hx-request", ""),
        )

    async def _made(
        self, key: Key, stamp: Hashable, scope: Scope, receive: Receive, send: Send
    ) -> None:
        start: Message | None = None

        async def send_and_keep(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif start is not None:  # the first body: the page, unless more comes (a stream)
                whole = not message.get("more_body", False)
                if whole and _keepable(start, scope):
                    status, headers = start["status"], list(start["headers"])
                    body, route = message.get("body", b""), scope.get("route")
                    self._keep(key, Kept(stamp, time.monotonic(), status, headers, body, route))
                start = None
            await send(message)

        making = self.making.setdefault(key, Making(stamp))
        try:
            await self.app(scope, receive, send_and_keep)
        finally:
            if self.making.get(key) is making:
                del self.making[key]
                making.done.set()

    def _keep(self, key: Key, kept: Kept) -> None:
        if len(kept.body) > self.budget // 8:
            return
        if (old := self.pages.pop(key, None)) is not None:
            self.size -= len(old.body)
        self.pages[key] = kept
        self.size += len(kept.body)
        while self.size > self.budget:
            _, dropped = self.pages.popitem(last=False)
            self.size -= len(dropped.body)


def _keepable(start: Message, scope: Scope) -> bool:
    """A page made of what the stamp stands for, and of the key, and of nothing else."""
    if start["status"] != 200 or scope.get("session"):
        return False
    headers = Headers(raw=start["headers"])
    return (
        headers.get("content-type", "").startswith("text/html")
        and "set-cookie" not in headers
        and "cache-control" not in headers
    )
