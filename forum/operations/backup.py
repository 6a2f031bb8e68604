"""`forum backup`: a consistent copy of the database, taken while the site keeps running."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import URL, make_url


class BackupError(Exception):
    """The backup could not be made; the message says why and what to do."""


def back_up(database_url: str, out: Path) -> int:
    """Write a backup of the database to `out`; returns its size in bytes. The copy is
    written beside `out` and renamed at the end, so a failed backup leaves no half file."""
    url = make_url(database_url)
    partial = out.with_name(f".{out.name}.partial")
    if not out.parent.is_dir():
        raise BackupError(f"cannot write {out}: there is no folder {out.parent}")
    try:
        if url.get_backend_name() == "sqlite":
            _sqlite(url, partial)
        elif url.get_backend_name() == "postgresql":
            _pg_dump(url, partial)
        else:
            raise BackupError(f"cannot back up a {url.get_backend_name()} database")
        partial.replace(out)
    except OSError as error:
        raise BackupError(f"cannot write {out}: {error.strerror or error}") from error
    finally:
        partial.unlink(missing_ok=True)
    return out.stat().st_size


def _sqlite(url: URL, partial: Path) -> None:
    """SQLite's online backup API: one read transaction, so writers carry on (WAL)."""
    source_path = url.database or ""
    if source_path in ("", ":memory:") or not Path(source_path).is_file():
        raise BackupError(f"there is no SQLite database at {source_path or '(none)'}")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{Path(source_path).resolve()}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(partial)
    except sqlite3.Error as error:
        source.close()
        raise BackupError(f"cannot write {partial.parent}: {error}") from error
    try:
        source.backup(target)
        (verdict,) = target.execute("PRAGMA quick_check").fetchone()
        if verdict != "ok":
            raise BackupError(f"the copy does not check out: {verdict}")
    except sqlite3.Error as error:
        raise BackupError(f"SQLite could not copy {source_path}: {error}") from error
    finally:
        target.close()
        source.close()


def _pg_dump(url: URL, partial: Path) -> None:
    """PostgreSQL's own tool, in its custom format (restore with pg_restore)."""
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError(
            "pg_dump is not installed: install PostgreSQL's client tools (Debian: "
            "postgresql-client), or back up with pg_dump from the database server"
        )
    environment = dict(os.environ)
    if url.password:  # a password stays out of the process list
        environment["PGPASSWORD"] = str(url.password)
    libpq_url = url.set(drivername="postgresql", password=None).render_as_string()
    done = subprocess.run(
        [pg_dump, "--format=custom", "--no-owner", f"--file={partial}", f"--dbname={libpq_url}"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()[:500]}")
