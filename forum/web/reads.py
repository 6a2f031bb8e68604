"""Where a page that only reads is made: on the event loop for SQLite, in a thread otherwise.

    @router.get("/c/{concern_id}")
    async def show(concern_id: str, db: DB, pages: Pages) -> Response:
        return await made(db, lambda: render_the_page(db, concern_id, pages))

A read of SQLite in WAL mode waits for no writer, and a page's few indexed lookups take a
fraction of a millisecond: less than the hop to a thread and back, and under load the
threads would only take turns for the GIL. So on SQLite the page is made where the request
is, start to finish, with no await in between, and the session gives its connection back
before the response goes out: requests made this way hold one connection at a time, and
never wait for one that another request on the same loop holds.

Requests in threads may hold connections across awaits (a logged-in person's session is
looked up in one), so the event loop takes a page only while it can have a connection at
once: the session holds one already, or the pool has room. Otherwise a wait for one would
hold up the very requests that are to give one back, and the page is made in a thread.

A PostgreSQL query waits on the network and on the server, so there the page is made in a
thread, as a plain `def` route is (`made_in_a_thread` makes one there on SQLite too), and
its session is closed in that thread: a round trip on the event loop would hold up every
other request of the worker (`released` does the same for the other routes).

At most PAGE_THREADS pages of a worker are made in threads at once (a logged-in person's
excepted: their session holds a connection already); the others wait their turn on the
event loop, without a connection. A page is mostly Python, which runs one thread at a time,
and waits on PostgreSQL only for a few short round trips: a few threads keep the core busy,
and more only take turns for the GIL. With 40 threads (anyio's default), a concern page at
random on PostgreSQL made 610 requests a second, p99 114 ms; with 4, 759 and 81 ms.

On PostgreSQL a page that only reads does so outside a transaction. At READ COMMITTED each
statement sees what was committed when it began, in a transaction or not, so one buys the
page nothing and costs it two round trips (BEGIN, ROLLBACK); and at each rollback psycopg
forgets the statements it prepared, so that none was ever prepared: the server parsed and
planned every query of every page anew.
"""

from collections.abc import Callable
from typing import TypeVar

from anyio import CapacityLimiter, to_thread
from anyio.lowlevel import RunVar
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Engine
from sqlalchemy.pool import QueuePool
from sqlmodel import Session

Made = TypeVar("Made")
PAGE_THREADS = 4
# Each event loop's own limiter, as anyio keeps its default one (a test may run several).
_page_threads: RunVar[CapacityLimiter] = RunVar("page_threads")


async def made(db: Session, make: Callable[[], Made]) -> Made:
    """What `make` returns, made with `db`: on the event loop for SQLite, else in a thread."""
    if not _on_the_loop(db):
        return await made_in_a_thread(db, make)
    return _read(db, make)


async def made_in_a_thread(db: Session, make: Callable[[], Made]) -> Made:
    """What `make` returns, made with `db` in a thread (a page that may read for a while)."""
    # A session that holds a connection already (a logged-in person's) goes straight to
    # anyio's threads: waiting for a turn with it could leave a turn's holder waiting for it.
    limiter = None if db.in_transaction() else _page_limiter()
    return await to_thread.run_sync(_read, db, make, limiter=limiter)


def _page_limiter() -> CapacityLimiter:
    try:
        return _page_threads.get()
    except LookupError:
        limiter = CapacityLimiter(PAGE_THREADS)
        _page_threads.set(limiter)
        return limiter


def _read(db: Session, make: Callable[[], Made]) -> Made:
    if _sqlite(db) is None and not db.in_transaction():
        db.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    try:
        return make()
    finally:
        db.close()  # its connection back to the pool before the response is sent


async def released(db: Session) -> None:
    """Close a request's session: where it holds a connection to PostgreSQL, in a thread,
    for the rollback that ends its transaction waits on the server."""
    if db.in_transaction() and _sqlite(db) is None:
        await run_in_threadpool(db.close)
    else:
        db.close()


def _on_the_loop(db: Session) -> bool:
    """SQLite, with a connection to be had without waiting."""
    engine = _sqlite(db)
    if engine is None:
        return False
    pool = engine.pool
    has_room = not isinstance(pool, QueuePool) or pool.checkedout() < pool.size()
    return db.in_transaction() or has_room


def _sqlite(db: Session) -> Engine | None:
    """The session's engine, if it is SQLite's."""
    engine = db.get_bind()
    return engine if isinstance(engine, Engine) and engine.dialect.name == "sqlite" else None
