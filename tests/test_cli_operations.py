"""The operator's commands: --version, python -m forum, db downgrade, backup and restore,
`serve --demo` refused in production, and the app as `serve` runs it."""

from __future__ import annotations

import gc
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, make_url, text

from forum import cli
from forum.app import create_app, served_app
from forum.db import head_revision
from forum.version import VERSION


@pytest.fixture
def environment(monkeypatch, settings):
    monkeypatch.setenv("FORUM_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("FORUM_SECRET_KEY", settings.secret_key)
    return settings


def revision_of(database_url: str) -> str | None:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()


def test_it_says_its_version(capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(["--version"])

    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"forum (Agora) {VERSION}"
    assert VERSION[0].isdigit()


def test_it_runs_as_python_dash_m_forum():
    done = subprocess.run(
        [sys.executable, "-m", "forum", "--version"], capture_output=True, text=True, check=False
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"forum (Agora) {VERSION}"


def test_the_served_app_leaves_what_it_made_at_start_out_of_garbage_collection(environment):
    gc.unfreeze()
    app = served_app()
    try:
        assert gc.get_freeze_count() > 0
        with TestClient(app) as client:
            assert client.get("/").status_code == 200
    finally:
        gc.unfreeze()
        app.state.engine.dispose()


def test_it_refuses_the_demo_in_production_and_says_why(monkeypatch, environment, capsys):
    monkeypatch.setenv("FORUM_ENV", "production")

    assert cli.main(["serve", "--demo"]) == 2

    said = capsys.readouterr().err
    assert "--demo" in said and "FORUM_ENV=production" in said
    assert "Traceback" not in said


def test_it_downgrades_and_upgrades_again(environment, app, capsys):
    app.state.engine.dispose()
    head = head_revision(environment.database_url)

    assert cli.main(["db", "downgrade", "-1"]) == 0
    assert revision_of(environment.database_url) == f"{int(head) - 1:04d}"
    assert cli.main(["db", "upgrade"]) == 0
    assert revision_of(environment.database_url) == head


def test_it_refuses_an_unknown_revision_with_a_message(environment, app, capsys):
    app.state.engine.dispose()

    assert cli.main(["db", "downgrade", "9999"]) == 2

    said = capsys.readouterr().err
    assert "cannot downgrade to 9999" in said and "Traceback" not in said
    assert revision_of(environment.database_url) == head_revision(environment.database_url)


def restored_url(backup: Path, database_url: str, tmp_path: Path) -> str:
    """A database made from the backup, as the README says to restore it."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        restored = tmp_path / "restored.db"
        shutil.copyfile(backup, restored)
        return f"sqlite:///{restored}"
    name = f"agora_restored_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    target = url.set(database=name)
    libpq = target.set(drivername="postgresql").render_as_string(hide_password=False)
    subprocess.run(
        ["pg_restore", "--no-owner", f"--dbname={libpq}", str(backup)],
        check=True,
        capture_output=True,
    )
    return target.render_as_string(hide_password=False)


def drop_restored(url: str, database_url: str) -> None:
    if make_url(url).get_backend_name() != "postgresql":
        return
    admin = create_engine(make_url(database_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def test_a_backup_taken_while_the_site_writes_serves_the_same_data(
    environment, app, client, make, tmp_path, capsys
):
    region = make.region("alentejo")
    concern = make.concern(region, make.user("maria"), title="The bus to Pias never comes")
    # Another connection is in the middle of writing: the backup does not wait for it, and
    # does not hold what it has not committed.
    writer = app.state.engine.connect()
    writer.execute(text("UPDATE concern SET title = 'half written' WHERE id = :id"), {"id": 1})
    out = tmp_path / "backups" / "agora.backup"
    out.parent.mkdir()
    try:
        assert cli.main(["backup", "--out", str(out)]) == 0
    finally:
        writer.rollback()
        writer.close()

    assert out.stat().st_size > 0
    assert [path.name for path in out.parent.iterdir()] == ["agora.backup"]  # no partial file
    assert "wrote a backup" in capsys.readouterr().err
    url = restored_url(out, environment.database_url, tmp_path)
    try:
        restored = create_app(environment.model_copy(update={"database_url": url}))
        with TestClient(restored) as other:
            page = other.get(f"/c/{concern.id}")
            assert page.status_code == 200
            assert "The bus to Pias never comes" in page.text
            assert other.get("/readyz").status_code == 200
        restored.state.engine.dispose()
    finally:
        drop_restored(url, environment.database_url)


def test_a_backup_is_a_whole_database_file(environment, app, make, tmp_path):
    make.region("alentejo")
    out = tmp_path / "copy.backup"

    assert cli.main(["backup", "--out", str(out)]) == 0

    if environment.is_sqlite:
        with sqlite3.connect(out) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert copy.execute("SELECT slug FROM region").fetchall() == [("alentejo",)]
    else:  # pg_dump's custom format, as pg_restore reads it
        listing = subprocess.run(
            ["pg_restore", "--list", str(out)], capture_output=True, text=True, check=True
        ).stdout
        assert "TABLE DATA public region" in listing
        assert "TABLE DATA public alembic_version" in listing


def test_it_says_plainly_when_it_cannot_write_the_backup(environment, app, tmp_path, capsys):
    out = tmp_path / "no-such-folder" / "agora.backup"

    assert cli.main(["backup", "--out", str(out)]) == 2

    said = capsys.readouterr().err
    assert "cannot write" in said or "could not" in said or "failed" in said
    assert "Traceback" not in said
    assert not out.parent.exists() or not any(out.parent.iterdir())


def test_it_says_there_is_no_database_to_back_up(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("FORUM_DATABASE_URL", f"sqlite:///{tmp_path}/missing.db")

    assert cli.main(["backup", "--out", str(tmp_path / "x.db")]) == 2

    assert "there is no SQLite database" in capsys.readouterr().err
    assert not (tmp_path / "x.db").exists()
