"""PostgreSQL's pool (forum.db): a connection that waited in the pool is asked whether it is
still there before a request has it, and replaced if the server dropped it; one used a moment
ago is not asked, for the question is a round trip of its own. These run on the SQLite run
too, against the PostgreSQL that CI always has."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

from forum import db as forum_db
from forum.db import make_engine
from forum.settings import Settings
from tests.conftest import IN_CI
from tests.test_page_cache import POSTGRES_FOR_SQLITE_RUN


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    url = database_url if database_url.startswith("postgresql") else POSTGRES_FOR_SQLITE_RUN
    engine = make_engine(Settings(database_url=url))
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:
        if IN_CI:
            raise
        pytest.skip(f"PostgreSQL is not reachable at {url}: {error}")
    yield engine
    engine.dispose()


def backend_of(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def pings_counted(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    pings: list[object] = []
    ping = engine.dialect.do_ping

    def counted(dbapi_connection: object) -> bool:
        pings.append(dbapi_connection)
        return ping(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return pings


def test_a_connection_used_a_moment_ago_is_not_asked_again(engine, monkeypatch):
    pings = pings_counted(engine, monkeypatch)
    first = backend_of(engine)  # a new connection: nothing to ask

    assert [backend_of(engine) for _ in range(3)] == [first] * 3
    assert pings == []


def test_a_connection_that_waited_is_asked_first(engine, monkeypatch):
    pings = pings_counted(engine, monkeypatch)
    first = backend_of(engine)
    monkeypatch.setattr(forum_db, "PING_AFTER_IDLE_SECONDS", -1.0)  # every wait is too long

    assert backend_of(engine) == first
    assert len(pings) == 1


def test_a_connection_the_server_dropped_while_it_waited_is_replaced(engine, monkeypatch):
    dropped = backend_of(engine)
    elsewhere = create_engine(engine.url, poolclass=NullPool)
    with elsewhere.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": dropped})
    elsewhere.dispose()
    monkeypatch.setattr(forum_db, "PING_AFTER_IDLE_SECONDS", -1.0)

    replaced = {backend_of(engine) for _ in range(2)}

    assert dropped not in replaced
