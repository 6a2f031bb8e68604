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

A PostgreSQL query waits on the network and on the server, so there the page is made in a
thread, as a plain `def` route is.
"""

from collections.abc import Callable
from typing import TypeVar

from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session

Made = TypeVar("Made")


async def made(db: Session, make: Callable[[], Made]) -> Made:
    """What `make` returns, made with `db`: on the event loop for SQLite, else in a thread."""
    if db.get_bind().dialect.name != "sqlite":
        return await run_in_threadpool(make)
    try:
        return make()
    finally:
        db.close()  # its connection back to the pool before the response is sent
