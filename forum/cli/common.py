"""What every command shares: how it stops with a message, and how it says a form's errors."""

from __future__ import annotations

import argparse
import inspect
import sys
from collections.abc import Callable
from typing import Any

from forum.errors import FormErrors
from forum.i18n import translator


class CommandError(Exception):
    """The command cannot do what was asked; the message says why (exit code 2)."""


def say(message: str) -> None:
    print(f"forum: {message}", file=sys.stderr)


def form_errors(invalid: FormErrors, option: dict[str, str] | None = None) -> CommandError:
    """The domain's messages, in English, each with the option it is about."""
    english = translator("en")
    lines = []
    for name, message in invalid.errors.items():
        flag = (option or {}).get(name, "--" + name.replace("_", "-"))
        lines.append(f"{flag}: {english.message(message)}")
    return CommandError("\nforum: ".join(lines))


def command(
    group: Any, name: str, run: Callable[[argparse.Namespace], int], said: str
) -> argparse.ArgumentParser:
    """A command of `group` that `run` carries out: `said` is its line in the group's --help,
    and run's docstring is what its own --help says."""
    parser: argparse.ArgumentParser = group.add_parser(
        name, help=said, description=inspect.getdoc(run)
    )
    parser.set_defaults(run=run)
    return parser
