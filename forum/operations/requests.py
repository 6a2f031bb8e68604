"""Each request gets an id (a proxy's X-Request-ID is kept), is counted for /metrics and is
logged as one line when it is answered. Pure ASGI, like the other middleware."""

from __future__ import annotations

import logging
import re
import uuid
from time import perf_counter

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from forum.operations import metrics

log = logging.getLogger("forum.requests")

HEADER = b"x-request-id"
# A proxy's id is kept when it is short and plain (it is written into every log line).
ACCEPTED_ID = re.compile(r"[A-Za-z0-9._:@+=/-]{1,128}")
UNMATCHED = "(unmatched)"


def request_id_of(scope: Scope) -> str:
    """The id the request came with, or a new one."""
    for name, value in scope.get("headers", []):
        if name == HEADER:
            offered: str = value.decode("latin-1")
            if ACCEPTED_ID.fullmatch(offered):
                return offered
            break
    return uuid.uuid4().hex


def route_of(scope: Scope) -> str:
    """The route's template (/c/{concern_id}), never the path itself: ids and tokens stay
    out of the metrics' labels and the logs."""
    route = scope.get("route")
    template = getattr(route, "path", None)
    return template if isinstance(template, str) and template else UNMATCHED


class RequestLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        started = perf_counter()
        status = 500  # what the server answers when the app raises before it answers
        recorded = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, recorded
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (HEADER, request_id.encode("latin-1")),
                ]
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                # Counted before the last byte leaves: a client that asks /metrics next
                # finds its request counted.
                recorded = True
                _record(scope, request_id, status, perf_counter() - started)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if not recorded:
                _record(scope, request_id, status, perf_counter() - started)


def _record(scope: Scope, request_id: str, status: int, seconds: float) -> None:
    route, method = route_of(scope), scope["method"]
    metrics.observe(route, method, status, seconds)
    viewer = (scope.get("state") or {}).get("viewer")
    user_id = getattr(viewer, "id", None)
    log.info(
        "%s %s %d %.1f ms request=%s",
        method,
        route,
        status,
        seconds * 1000,
        request_id,
        extra={
            "request_id": request_id,
            "method": method,
            "route": route,
            "status": status,
            "duration_ms": round(seconds * 1000, 1),
            "user_id": user_id if isinstance(user_id, int) else None,
        },
    )
