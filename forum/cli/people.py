"""forum users create."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sqlmodel import select

from forum.settings import Settings


def add_commands(commands: Any) -> None:
    users = commands.add_parser("users", help="user commands").add_subparsers(metavar="COMMAND")
    create = users.add_parser(
        "create",
        help="create a user, with roles per region",
        description="Create a user. Roles are given in pairs: --role partner --region alentejo.",
    )
    create.add_argument("--name", required=True, help="the name the person logs in with")
    create.add_argument(
        "--password-file",
        required=True,
        type=Path,
        help="a file whose first line is the password (keeps it out of the shell history)",
    )
    create.add_argument("--email", default="", help="optional email address")
    create.add_argument("--organisation", default=None, help="a partner's organisation")
    create.add_argument(
        "--role",
        action="append",
        default=[],
        choices=["partner", "moderator", "leader"],
        help="a role in the region given by the --region that follows (repeatable)",
    )
    create.add_argument(
        "--region", action="append", default=[], help="the region slug of each --role"
    )
    create.add_argument("--admin", action="store_true", help="make the user an administrator")
    create.set_defaults(run=create_user)


def create_user(args: argparse.Namespace) -> int:
    from forum.accounts import service
    from forum.db import make_engine, session_scope
    from forum.errors import FormErrors
    from forum.i18n import translator
    from forum.models import Region, Role

    if len(args.role) != len(args.region):
        print("forum: give each --role with its --region", file=sys.stderr)
        return 2
    try:
        password = args.password_file.read_text().splitlines()[0]
    except (OSError, IndexError):
        print(f"forum: cannot read a password from {args.password_file}", file=sys.stderr)
        return 2
    engine = make_engine(Settings())
    try:
        with session_scope(engine) as session:
            user = service.register(session, name=args.name, password=password, email=args.email)
            user.is_admin = args.admin
            user.organisation = args.organisation
            for role, slug in zip(args.role, args.region, strict=True):
                region = session.exec(select(Region).where(Region.slug == slug)).first()
                if region is None:
                    raise LookupError(slug)
                service.grant(session, user, Role(role), region)
    except FormErrors as invalid:
        english = translator("en")
        for field, message in invalid.errors.items():
            print(f"forum: {field}: {english.message(message)}", file=sys.stderr)
        return 2
    except LookupError as missing:
        print(f"forum: there is no region '{missing}'", file=sys.stderr)
        return 2
    print(f"forum: created user {args.name}", file=sys.stderr)
    return 0
