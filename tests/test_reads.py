"""Pages that only read (forum.web.reads): on SQLite made on the event loop, start to finish,
on PostgreSQL in a thread; their connection given back before the response goes out, and
never by a round trip to PostgreSQL on the event loop."""

from __future__ import annotations

import asyncio
import threading
import time

import httpx
import pytest
from sqlmodel import Session, select

from forum import db as forum_db
from forum.app import create_app
from forum.models import Role
from forum.web.reads import PAGE_THREADS, made, made_in_a_thread, released
from tests.event_loops import in_a_thread_of_its_own
from tests.factories import log_in, post

# A session cookie that names no session: the page is a visitor's, made for each request.
NOT_KEPT = {"Cookie": "agora_session=none"}


def test_sqlite_makes_the_page_on_the_event_loop_and_postgresql_in_a_thread(app):
    found: dict[str, object] = {}

    async def run() -> None:
        with Session(app.state.engine) as db:

            def make() -> int:
                db.exec(select(1)).one()
                options = db.connection().get_execution_options()
                found["autocommit"] = options.get("isolation_level") == "AUTOCOMMIT"
                return threading.get_ident()

            found["on the loop"] = await made(db, make) == threading.get_ident()
            found["holding a connection"] = db.in_transaction()

    in_a_thread_of_its_own(run)
    on_sqlite = app.state.engine.dialect.name == "sqlite"
    # SQLite reads in a transaction, for one snapshot; at PostgreSQL's READ COMMITTED each
    # statement takes its own, and a transaction would only cost round trips.
    assert found == {
        "on the loop": on_sqlite,
        "autocommit": not on_sqlite,
        "holding a connection": False,
    }


def test_a_session_holding_a_postgresql_connection_is_closed_in_a_thread(app):
    """Closing rolls back: on PostgreSQL a round trip, which would hold up the event loop."""
    found: dict[str, object] = {}

    async def run() -> None:
        db = Session(app.state.engine)
        db.exec(select(1)).one()
        closed_in: list[int] = []
        close = db.close

        def recorded_close() -> None:
            closed_in.append(threading.get_ident())
            close()

        db.close = recorded_close  # type: ignore[method-assign]
        await released(db)
        found["closed on the loop"] = closed_in == [threading.get_ident()]
        found["holding a connection"] = db.in_transaction()

    in_a_thread_of_its_own(run)
    on_sqlite = app.state.engine.dialect.name == "sqlite"
    assert found == {"closed on the loop": on_sqlite, "holding a connection": False}


def slow_to_receive(app):  # type: ignore[no-untyped-def]
    """The app, for clients on a slow network: each part of a response waits its turn to go,
    so that the other requests run meanwhile (as when a socket's buffer is full)."""

    async def served(scope, receive, send):  # type: ignore[no-untyped-def]
        async def sent_later(message):  # type: ignore[no-untyped-def]
            await asyncio.sleep(0)
            await send(message)

        await app(scope, receive, sent_later)

    return served


@pytest.fixture
def two_connections(monkeypatch, settings):  # type: ignore[no-untyped-def]
    """The app with a pool of two connections, whichever the database."""
    monkeypatch.setattr(forum_db, "THREADS", 1)
    monkeypatch.setattr(forum_db, "POSTGRES_POOL", {"pool_size": 1, "max_overflow": 1})
    app = create_app(settings)
    yield app
    app.state.engine.dispose()


def test_many_visitors_at_once_need_no_more_connections_than_the_pool_has(two_connections, make):
    app = two_connections
    region = make.region("alentejo")
    author = make.user("ana")
    concerns = [make.concern(region, author, title=f"Concern number {n}") for n in range(12)]

    async def run() -> None:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=slow_to_receive(app))
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                asked = (client.get(f"/c/{c.id}", headers=NOT_KEPT) for c in concerns)
                pages = await asyncio.wait_for(asyncio.gather(*asked), timeout=20)
        assert [page.status_code for page in pages] == [200] * 12
        assert all(f"Concern number {n}" in page.text for n, page in enumerate(pages))

    in_a_thread_of_its_own(run)


def test_a_page_is_made_in_a_thread_while_the_pool_has_no_room(two_connections):
    engine = two_connections.state.engine
    found: dict[str, bool] = {}

    async def run() -> None:
        with engine.connect() as taken, Session(engine) as db:
            taken.exec_driver_sql("SELECT 1")

            def make() -> int:
                db.exec(select(1)).one()
                return threading.get_ident()

            found["on the loop"] = await made(db, make) == threading.get_ident()

    in_a_thread_of_its_own(run)
    assert found == {"on the loop": False}


def test_only_a_few_pages_are_made_in_threads_at_once(app):
    """The others wait their turn: more threads would only take turns for the GIL."""
    running: list[int] = []
    most = 0
    lock = threading.Lock()

    def make() -> None:
        nonlocal most
        with lock:
            running.append(1)
            most = max(most, len(running))
        time.sleep(0.02)
        with lock:
            running.pop()

    async def run() -> None:
        sessions = [Session(app.state.engine) for _ in range(3 * PAGE_THREADS)]
        await asyncio.gather(*(made_in_a_thread(db, make) for db in sessions))

    in_a_thread_of_its_own(run)
    assert most == PAGE_THREADS


def test_a_session_holding_a_connection_does_not_wait_for_a_turn(app):
    """A logged-in person's session holds a connection from the lookup of who they are: if
    it waited for a turn, the pages holding the turns could wait for its connection."""
    turns_taken = threading.Event()
    release = threading.Event()
    found: dict[str, object] = {}

    async def run() -> None:
        visitors = [Session(app.state.engine) for _ in range(PAGE_THREADS)]
        busy = [asyncio.ensure_future(made_in_a_thread(db, release.wait)) for db in visitors]
        await asyncio.sleep(0.1)  # every turn is taken
        turns_taken.set()
        with Session(app.state.engine) as signed_in:
            signed_in.exec(select(1)).one()  # holds a connection, as after the lookup
            found["made"] = await asyncio.wait_for(
                made_in_a_thread(signed_in, lambda: "made"), timeout=5
            )
        release.set()
        await asyncio.gather(*busy)

    in_a_thread_of_its_own(run)
    assert turns_taken.is_set() and found == {"made": "made"}


def test_every_request_gives_its_connection_back(app, client, make):
    """Pages, a failed form, a refusal and a streamed export: once each is answered, the
    sessions it opened are closed (forum.web.deps.SessionsClosed)."""
    region = make.region("alentejo")
    leader = make.user("lena", roles={Role.leader: [region]})
    concern = make.concern(region, leader, title="Buses stop at six")
    engine = app.state.engine

    assert client.get(f"/c/{concern.id}", headers=NOT_KEPT).status_code == 200
    assert client.get("/c/999999").status_code == 404
    log_in(client, leader)
    assert post(client, f"/c/{concern.id}/replies", {"body": ""}).status_code == 400
    with client.stream("GET", "/r/alentejo/export.csv") as export:
        assert export.status_code == 200 and b"Buses stop at six" in export.read()

    assert engine.pool.checkedout() == 0
