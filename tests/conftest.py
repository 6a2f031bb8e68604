"""Each test gets the app on a freshly migrated database.

SQLite by default. Set FORUM_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test
to run the same suite on PostgreSQL: the database is migrated once into a template, and each
test gets its own copy (CREATE DATABASE ... TEMPLATE), dropped afterwards.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from forum.accounts import service as accounts
from forum.app import create_app
from forum.db import OBSERVING, upgrade
from forum.settings import Settings
from tests.factories import Factory
from tests.mailbox import Mailbox, free_port

POSTGRES_URL = os.environ.get("FORUM_TEST_DATABASE_URL", "")

# Argon2id as Agora uses it, with the smallest cost: a real hash, checked as in production,
# without 150 ms of deliberate slowness for each of the suite's thousand logins. The servers
# the browser tests start keep the real cost.
accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
accounts._DUMMY_HASH = accounts._hasher.hash("not a real password")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_report_header() -> str:
    return f"database: {'PostgreSQL ' + POSTGRES_URL if POSTGRES_URL else 'SQLite'}"


class SqliteDatabases:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.template = folder / "template.db"
        upgrade(f"sqlite:///{self.template}")

    def create(self) -> str:
        path = self.folder / f"{uuid.uuid4().hex}.db"
        shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"

    def drop(self, url: str) -> None:
        Path(make_url(url).database or "").unlink(missing_ok=True)

    def close(self) -> None:
        pass


class PostgresDatabases:
    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT", pool_size=1)
        self.template = f"agora_template_{os.getpid()}"
        try:
            self._execute(f'DROP DATABASE IF EXISTS "{self.template}"')
        except OperationalError as error:
            if IN_CI:
                raise
            pytest.skip(f"PostgreSQL is not reachable at {url}: {error}")
        self._execute(f'CREATE DATABASE "{self.template}"')
        template_url = self.url.set(database=self.template)
        upgrade(template_url.render_as_string(hide_password=False))
        create_engine(template_url).dispose()

    def _execute(self, statement: str) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(statement))

    def create(self) -> str:
        name = f"agora_test_{uuid.uuid4().hex[:12]}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def close(self) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        self.admin.dispose()


@pytest.fixture(scope="session")
def databases(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[SqliteDatabases | PostgresDatabases]:
    if POSTGRES_URL:
        factory: SqliteDatabases | PostgresDatabases = PostgresDatabases(POSTGRES_URL)
    else:
        factory = SqliteDatabases(tmp_path_factory.mktemp("databases"))
    yield factory
    factory.close()


@pytest.fixture
def database_url(databases: SqliteDatabases | PostgresDatabases) -> Iterator[str]:
    url = databases.create()
    yield url
    databases.drop(url)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key="test-secret-key-that-is-long-enough-for-production-use",
        base_url="http://testserver",
        upload_dir=str(tmp_path / "uploads"),
        page_size=20,
        # No background email worker in tests: a test that sends email drains the outbox itself.
        smtp_url="",
        worker=False,
    )


@pytest.fixture
def app(settings: Settings) -> Iterator:
    app = create_app(settings)
    yield app
    app.state.engine.dispose()


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=True) as client:
        yield client


@pytest.fixture
def db(app) -> Iterator[Session]:
    """The test's own session: it sees at once what the app committed (see OBSERVING)."""
    with Session(
        app.state.engine.execution_options(**OBSERVING), expire_on_commit=False
    ) as session:
        yield session


@pytest.fixture
def make(db: Session) -> Factory:
    return Factory(db)


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """A real SMTP server for one test; a test module sends the app's mail to it with
    `settings` overridden by `tests.mailbox.sending_to`."""
    box = Mailbox(free_port())
    box.start()
    yield box
    box.stop()
