"""forum i18n extract|update|compile|status|init."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

COMMANDS = {
    "extract": "collect every translatable string into locales/messages.pot",
    "update": "merge messages.pot into every locale's messages.po",
    "compile": "compile every messages.po into messages.mo (checks them too)",
    "status": "how many messages each catalog translates, and how many are left",
}


def add_commands(commands: Any) -> None:
    i18n = commands.add_parser(
        "i18n", help="translation catalogs: extract, update, compile"
    ).add_subparsers(metavar="COMMAND")
    for action, said in COMMANDS.items():
        i18n.add_parser(action, help=said).set_defaults(run=_catalogs(action))
    init = i18n.add_parser("init", help="start a catalog for a new locale")
    init.add_argument("locale", help="for example: fr, hr, se")
    init.set_defaults(run=_catalogs("init"))


def _catalogs(action: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        from forum import catalogs

        if action == "init":
            return catalogs.init(args.locale)
        return {
            "extract": catalogs.extract,
            "update": catalogs.update,
            "compile": catalogs.compile,
            "status": catalogs.status,
        }[action]()

    return run
