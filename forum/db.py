"""The database engine, its SQLite pragmas, and the per-request session."""

import fcntl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, event, make_url, text
from sqlalchemy import create_engine as sa_create_engine
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import ConnectionPoolEntry, NullPool
from sqlmodel import Session, create_engine

from forum.resources import resource_dir
from forum.settings import Settings

SQLITE_BUSY_TIMEOUT_MS = 5000
# Sync routes run in the thread pool (anyio's 40 threads). A pool smaller than that opens and
# closes connections under load (SQLite runs its pragmas again each time); an SQLite
# connection is a file handle, a PostgreSQL one a server process (several instances of
# Agora share its max_connections, 100 by default).
THREADS = 40
POSTGRES_POOL = {"pool_size": 20, "max_overflow": 10}


# What writes begins its transaction with BEGIN IMMEDIATE on SQLite (see _begin).
WRITING = {"sqlite_begin": "immediate"}
# A session that mostly looks (the tests' own): no transaction is begun, so each statement
# sees what others committed, as under PostgreSQL's READ COMMITTED.
OBSERVING = {"sqlite_begin": "none"}


def make_engine(settings: Settings) -> Engine:
    if settings.is_sqlite:
        in_file = make_url(settings.database_url).database not in (None, "", ":memory:")
        engine = create_engine(
            settings.database_url,
            connect_args={"check_same_thread": False, "timeout": 5},
            **({"pool_size": THREADS, "max_overflow": THREADS} if in_file else {}),
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _begin)
        return engine
    engine = create_engine(settings.database_url, **POSTGRES_POOL)
    event.listen(engine, "connect", _note_use)
    event.listen(engine, "checkin", _note_use)
    event.listen(engine, "checkout", _pinging_if_idle(engine.dialect))
    return engine


# A PostgreSQL connection that waited longer than this in the pool is asked whether it is
# still there before a request has it (the server may have restarted, or a firewall dropped
# it); one used a moment ago is not, for that question is a round trip of its own, and a
# concern's page makes four others. If the server goes away in between, the statement that
# finds out fails, and SQLAlchemy replaces every connection of the pool at its next use.
PING_AFTER_IDLE_SECONDS = 10.0


def _note_use(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    record.info["used_at"] = time.monotonic()


def _pinging_if_idle(dialect: Dialect) -> Callable[[Any, ConnectionPoolEntry, Any], None]:
    def ping_if_idle(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        """As SQLAlchemy's pool_pre_ping, only after a wait: a DisconnectionError makes the
        pool replace the connection and try again."""
        if time.monotonic() - record.info.get("used_at", 0.0) <= PING_AFTER_IDLE_SECONDS:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            raise DisconnectionError(str(error)) from error

    return ping_if_idle


def writer(engine: Engine) -> Engine:
    """The engine for a request that writes: on SQLite its transaction takes the write lock
    when it begins, so that it waits its turn (busy_timeout) instead of failing at its first
    write after another writer ("database is locked")."""
    return engine.execution_options(**WRITING)


def _begin(connection: Connection) -> None:
    """SQLite transactions begin here, not in Python's sqlite3 module, which begins them only
    before a write: a SAVEPOINT outside a transaction would then be a transaction of its own,
    committed when released, whatever the rest of the request does."""
    mode = connection.get_execution_options().get("sqlite_begin")
    if mode != "none":
        # Straight to the driver: through SQLAlchemy, a BEGIN paid for a whole execution (its
        # context, its result, its events), about 1% of a concern page's instructions.
        driver = connection.connection.driver_connection
        assert driver is not None
        driver.execute("BEGIN IMMEDIATE" if mode == "immediate" else "BEGIN")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # transactions begin in _begin
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session for work outside a request (CLI, demo data), committed on success. It may
    write, so it waits its turn for SQLite's write lock when it begins (see writer)."""
    with Session(writer(engine), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


# Tables the models leave to the migrations: the search index (0011, and its FTS5 shadow
# tables on SQLite) and the pages' version (0012).
MIGRATIONS_ONLY = ("concern_search", "page_version")


def compared_with_models(
    thing: Any, name: str | None, kind: str, reflected: bool, compare_to: Any
) -> bool:
    """Whether Alembic should compare `thing` with the models (for `include_object`)."""
    if not reflected:
        return True
    return not (kind == "table" and (name or "").startswith(MIGRATIONS_ONLY))


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resource_dir("migrations")))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


# Any number that is Agora's alone: the PostgreSQL advisory lock held while migrating.
MIGRATION_LOCK = 0x4A6F7261


def upgrade(database_url: str, revision: str = "head") -> None:
    """Migrate to `revision`. Several instances starting at once take turns: the first
    migrates, the others find the database at head."""
    config = alembic_config(database_url)
    with _migration_lock(database_url) as connection:
        if connection is not None:
            config.attributes["connection"] = connection
        command.upgrade(config, revision)


@contextmanager
def _migration_lock(database_url: str) -> Iterator[Connection | None]:
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        engine = sa_create_engine(url, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
                connection.commit()  # the lock belongs to the session, not the transaction
                try:
                    yield connection
                finally:
                    connection.rollback()
                    connection.execute(
                        text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK}
                    )
                    connection.commit()
        finally:
            engine.dispose()
    elif url.database and url.database != ":memory:":
        lock_path = Path(f"{url.database}.migrating")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with lock_path.open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield None
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
    else:
        yield None


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


def head_revision(database_url: str) -> str | None:
    """The newest migration this installation ships."""
    return ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
