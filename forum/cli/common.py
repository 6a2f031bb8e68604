"""What every command shares: how it stops with a message, and how it says a form's errors."""

from __future__ import annotations

import argparse
import inspect
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlmodel import Session

from forum.errors import FormErrors, Refused
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


@contextmanager
def operating(options: dict[str, str] | None = None) -> Iterator[Session]:
    """A session for a command that changes something: committed when it succeeds. The
    domain's messages become the command's (in English), each with the option it is about
    (`options` names those not called like their field), with exit code 2."""
    from forum.db import make_engine, writer
    from forum.settings import Settings

    engine = make_engine(Settings())
    try:
        with Session(writer(engine), expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except FormErrors as invalid:
                raise form_errors(invalid, options) from None
            except Refused as refused:
                raise CommandError(translator("en").message(refused.message)) from None
    finally:
        engine.dispose()
