"""The `forum` command. Each command group lives in a module of its own:

serving (serve, worker), database (db upgrade|downgrade, backup), administration (regions,
topics, organisations), people (users create|grant|revoke), translations (i18n ...), data
(export, seed).
"""

from __future__ import annotations

import argparse

from forum.cli import administration, data, database, people, serving, translations
from forum.cli.common import CommandError, say
from forum.settings import SettingsError
from forum.version import VERSION

GROUPS = (serving, database, administration, people, translations, data)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except (SettingsError, CommandError) as error:
        say(str(error))
        return 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="forum",
        description="Agora, a citizen-feedback forum for rural pilot regions. "
        "Settings come from FORUM_* environment variables or a .env file (see README).",
    )
    parser.add_argument("--version", action="version", version=f"forum (Agora) {VERSION}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for group in GROUPS:
        group.add_commands(commands)
    return parser
