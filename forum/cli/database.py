"""forum db upgrade, forum db downgrade REV, forum backup --out FILE."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from forum.cli.common import command
from forum.settings import Settings


def add_commands(commands: Any) -> None:
    db = commands.add_parser("db", help="database commands").add_subparsers(metavar="COMMAND")
    command(db, "upgrade", upgrade_database, "apply every migration up to the newest (head)")
    downgrade = command(
        db, "downgrade", downgrade_database, "undo migrations down to revision REV (back up first)"
    )
    downgrade.add_argument("revision", metavar="REV", help="for example 0004, -1 or base")
    backup = command(
        commands, "backup", back_up, "copy the database to a file while the site keeps running"
    )
    backup.add_argument("--out", required=True, type=Path, metavar="FILE", help="file to write")


def upgrade_database(_args: argparse.Namespace) -> int:
    """Apply every migration up to the newest (head)."""
    from forum.db import upgrade

    upgrade(Settings().database_url)
    print("forum: the database is at the newest version", file=sys.stderr)
    return 0


def downgrade_database(args: argparse.Namespace) -> int:
    """Undo the migrations after REV, newest first. REV is a revision id such as 0004, a
    relative step such as -1, or base (an empty database). Data kept only by the undone
    migrations is lost: run `forum backup` first."""
    from alembic.util import CommandError

    from forum.db import downgrade

    try:
        downgrade(Settings().database_url, args.revision)
    except CommandError as error:
        print(f"forum: cannot downgrade to {args.revision}: {error}", file=sys.stderr)
        return 2
    print(f"forum: the database is at revision {args.revision}", file=sys.stderr)
    return 0


def back_up(args: argparse.Namespace) -> int:
    """SQLite: a consistent copy made with SQLite's online backup API, safe while the server
    runs; start a server on the copy to restore it. PostgreSQL: runs pg_dump --format=custom
    (restore with pg_restore)."""
    from forum.operations import backup

    try:
        written = backup.back_up(Settings().database_url, args.out)
    except backup.BackupError as error:
        print(f"forum: {error}", file=sys.stderr)
        return 2
    print(f"forum: wrote a backup of {written:,} bytes to {args.out}", file=sys.stderr)
    return 0
