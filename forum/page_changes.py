"""When a page may have changed: a stamp that changes whenever anything a page shows does,
whoever wrote it (this process, another worker, another app instance, the CLI).

The database marks each change itself (migration 0012's triggers). A page kept with the
stamp read before it was made is still right while the stamp reads the same:

- SQLite: the number in `page_version`, read on a connection of our own. The writer's
  transaction changes it, so it changes exactly when what it stands for is seen.
- PostgreSQL: the notifications `agora_pages` heard on a connection that listens, and the
  commits of this process (heard at once, before the response that follows the commit).
  Another instance's change is heard a moment after its commit, as if its request had come
  a moment later. While nothing listens (before the app starts, or while the connection is
  lost), there is no stamp and nothing is kept.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import AsyncIterator, Hashable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol

import psycopg
from sqlalchemy import event, make_url
from sqlalchemy.orm import ORMExecuteState
from sqlmodel import Session

log = logging.getLogger("forum.page_changes")

CHANNEL = "agora_pages"
APPLICATION_NAME = "agora-pages"  # the listening connection, as pg_stat_activity shows it
# How long a lost listening connection waits before it tries again, and how often a quiet
# one makes sure it is still there (a connection dropped without a word hears nothing) and
# whether the app has stopped.
RETRY_SECONDS = 1.0
CHECK_SECONDS = 1.0


class Stamp(Protocol):
    def now(self) -> Hashable | None:
        """The stamp of what the pages show now; None: it cannot be known, keep nothing."""

    def listening(self) -> AbstractAsyncContextManager[None]:
        """Entered for the app's lifespan."""


class Unknown:
    """No stamp (an in-memory SQLite database, which no other connection sees)."""

    def now(self) -> Hashable | None:
        return None

    @asynccontextmanager
    async def listening(self) -> AsyncIterator[None]:
        yield


class SqliteVersion:
    """The number in `page_version`, on a connection of its own: a read in WAL mode waits for
    no writer, and it is a few microseconds, on the event loop."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def now(self) -> Hashable | None:
        with self._lock:
            try:
                if self._connection is None:
                    self._connection = sqlite3.connect(
                        self._path, timeout=0.1, check_same_thread=False, isolation_level=None
                    )
                row = self._connection.execute("SELECT changes FROM page_version").fetchone()
            except sqlite3.Error:
                return None  # busy a moment, or not migrated yet: this page is not kept
            return row[0] if row else None

    @asynccontextmanager
    async def listening(self) -> AsyncIterator[None]:
        try:
            yield
        finally:
            with self._lock:
                if self._connection is not None:
                    self._connection.close()
                    self._connection = None


class _Commits:
    """The sessions of this process that wrote and committed, counted: a statement that is
    not a SELECT, or a flush of changed objects, marks its session until it commits (a
    mark left by a rolled back write costs a later commit's pages their turn, no more)."""

    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    def wrote(self, session: Session, *_: Any) -> None:
        session.info["wrote"] = True

    def executed(self, state: ORMExecuteState) -> None:
        if not state.is_select:
            state.session.info["wrote"] = True

    def committed(self, session: Session) -> None:
        if session.info.pop("wrote", False):
            with self._lock:
                self.count += 1


COMMITS = _Commits()
event.listen(Session, "after_flush", COMMITS.wrote)
event.listen(Session, "do_orm_execute", COMMITS.executed)
event.listen(Session, "after_commit", COMMITS.committed)


class PostgresNotifications:
    """The notifications heard, while a connection listens (in a thread of its own), and
    this process's commits."""

    def __init__(self, database_url: str) -> None:
        url = make_url(database_url).set(drivername="postgresql")
        self._conninfo = url.render_as_string(hide_password=False)
        self._lock = threading.Lock()
        self._heard = 0
        self._users = 0
        self._stop: threading.Event | None = None  # the running listener's
        self._active: threading.Event | None = None  # the listener that listens now

    def now(self) -> Hashable | None:
        if self._active is None:
            return None
        return (self._heard, COMMITS.count)

    @asynccontextmanager
    async def listening(self) -> AsyncIterator[None]:
        """One connection listens while the app runs, however many times it is started (a
        test may run it in two clients at once)."""
        with self._lock:
            self._users += 1
            if self._stop is None:
                self._stop = threading.Event()
                listener = threading.Thread(
                    target=self._listen, args=(self._stop,), name="agora-pages", daemon=True
                )
                listener.start()
        try:
            yield
        finally:
            with self._lock:
                self._users -= 1
                if self._users == 0 and self._stop is not None:
                    self._stop.set()  # the thread ends within CHECK_SECONDS
                    self._stop = None

    def _hear(self) -> None:
        with self._lock:
            self._heard += 1

    def _listen(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                with psycopg.connect(
                    self._conninfo, autocommit=True, application_name=APPLICATION_NAME
                ) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self._hear()
                    self._active = stop
                    while not stop.is_set():
                        for _ in connection.notifies(timeout=CHECK_SECONDS):
                            self._hear()
                        connection.execute("SELECT 1")  # still there?
            except (psycopg.Error, OSError) as error:
                if not stop.is_set():
                    log.warning("not listening for changed pages (none kept): %s", error)
            finally:
                if self._active is stop:
                    self._active = None
                self._hear()  # what was missed meanwhile: nothing kept before is sent
            stop.wait(RETRY_SECONDS)


def stamp_for(database_url: str) -> Stamp:
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        return PostgresNotifications(database_url)
    if url.database in (None, "", ":memory:"):
        return Unknown()
    return SqliteVersion(url.database)
