"""The worker: every few seconds, write the daily emails that are due and send the outbox.

It runs inside each web server process (FORUM_WORKER=on, the default), as an asyncio task
that does the blocking work in a thread, and alone with `forum worker`. Several at once are
safe: each email is claimed by one of them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import datetime
from threading import Event
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlmodel import Session

from forum import limits
from forum.db import writer
from forum.notifications import digest, outbox
from forum.settings import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI

log = logging.getLogger("forum.notifications")

POLL_SECONDS = 5.0


def mailer_for(settings: Settings) -> outbox.Mailer | None:
    """The mailer of the settings, or None when email is off. A malformed FORUM_SMTP_URL
    raises SettingsError here, at start-up."""
    server = settings.smtp_server()
    return outbox.Mailer(server, settings.sender()) if server else None


def run_once(
    engine: Engine,
    mailer: outbox.Mailer,
    *,
    now: datetime | None = None,
    stop: Event | None = None,
) -> outbox.Drained:
    """Write the daily emails that are due, then send everything that is due. Each of its
    transactions writes, so each takes SQLite's write lock when it begins (forum.db.writer):
    two workers at once then wait their turn instead of failing."""
    engine = writer(engine)
    with Session(engine) as session:  # housekeeping: limits' old tries (forum.limits)
        limits.forget_old(session, now)
        session.commit()
    written = digest.write_due(engine, now=now)
    if written:
        log.info("wrote %d daily emails", written)
    return outbox.drain(engine, mailer, now=now, stop=stop)


def run_forever(
    engine: Engine, mailer: outbox.Mailer, stop: Event, interval: float = POLL_SECONDS
) -> None:
    """`forum worker`: until `stop` is set."""
    while not stop.is_set():
        _run_safely(engine, mailer, stop)
        stop.wait(interval)


def _run_safely(engine: Engine, mailer: outbox.Mailer, stop: Event) -> None:
    try:
        drained = run_once(engine, mailer, stop=stop)
    except Exception:  # a database hiccup must not end the worker: the next round retries
        log.exception("the email worker failed; it tries again in a moment")
        return
    if drained.sent or drained.failed:
        log.info("sent %d emails, %d failed", drained.sent, drained.failed)


@asynccontextmanager
async def in_background(
    engine: Engine, mailer: outbox.Mailer, interval: float | None = None
) -> AsyncIterator[None]:
    """Run the worker beside the web server while the context is open. On the way out it
    finishes the email it is sending, and stops."""
    stop = Event()
    wake = asyncio.Event()

    async def loop() -> None:
        while not stop.is_set():
            await asyncio.to_thread(_run_safely, engine, mailer, stop)
            with suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), interval or POLL_SECONDS)

    task = asyncio.create_task(loop(), name="agora-email-worker")
    try:
        yield
    finally:
        stop.set()
        wake.set()
        await task


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The app's lifespan: the worker runs when email is on and FORUM_WORKER is not off."""
    settings: Settings = app.state.settings
    mailer: outbox.Mailer | None = app.state.mailer
    if mailer is None or not settings.worker:
        yield
        return
    async with in_background(app.state.engine, mailer):
        yield
