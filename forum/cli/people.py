"""forum users create|grant|revoke: people and their roles per region."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from forum.cli.common import CommandError, command, operating, say

ROLES = ["partner", "moderator", "leader"]


def add_commands(commands: Any) -> None:
    users = commands.add_parser("users", help="user commands").add_subparsers(metavar="COMMAND")
    create = command(users, "create", create_user, "create a user, with roles per region")
    create.add_argument("--name", required=True, help="the name the person logs in with")
    create.add_argument(
        "--password-file",
        required=True,
        type=Path,
        help="a file whose first line is the password (keeps it out of the shell history)",
    )
    create.add_argument("--email", default="", help="optional email address")
    create.add_argument("--organisation", default=None, help="a partner's organisation's name")
    create.add_argument(
        "--role",
        action="append",
        default=[],
        choices=ROLES,
        help="a role in the region given by the --region that follows (repeatable)",
    )
    create.add_argument(
        "--region", action="append", default=[], help="the region slug of each --role"
    )
    create.add_argument("--admin", action="store_true", help="make the user an administrator")

    grant = command(users, "grant", grant_role, "give a person a role in a region")
    revoke = command(users, "revoke", revoke_role, "take a role in a region away from a person")
    for parser in (grant, revoke):
        parser.add_argument("--name", required=True, help="the person's name on Agora")
        parser.add_argument("--role", required=True, choices=ROLES)
        parser.add_argument("--region", required=True, metavar="SLUG", help="the region's slug")
    grant.add_argument("--organisation", default="", help="for a partner: their organisation")


def create_user(args: argparse.Namespace) -> int:
    """Create a user. Roles are given in pairs: --role partner --region alentejo. A partner's
    organisation is named with --organisation (create it first: forum organisations create)."""
    from forum.accounts import service
    from forum.models import Role

    if len(args.role) != len(args.region):
        raise CommandError("give each --role with its --region")
    try:
        password = args.password_file.read_text().splitlines()[0]
    except (OSError, IndexError):
        raise CommandError(f"cannot read a password from {args.password_file}") from None
    with operating() as session:
        user = service.register(session, name=args.name, password=password, email=args.email)
        user.is_admin = args.admin
        if args.organisation:
            user.organisation_id = _organisation(session, args.organisation)
        for role, slug in zip(args.role, args.region, strict=True):
            service.grant(session, user, Role(role), _region(session, slug))
    say(f"created user {args.name}")
    return 0


def grant_role(args: argparse.Namespace) -> int:
    """Give a person a role in a region; a partner also answers for --organisation. Giving a
    role the person has changes nothing."""
    from forum.admin import service
    from forum.errors import Refused
    from forum.permissions import OPERATOR

    with operating() as session:
        region = _region(session, args.region)
        organisation = str(_organisation(session, args.organisation)) if args.organisation else ""
        try:
            service.give_role(
                session, OPERATOR, region, service.Grant(args.name, args.role, organisation)
            )
        except Refused:
            say(f"{args.name} already is {args.role} in {args.region}: nothing changed")
            return 0
    say(f"{args.name} is {args.role} in {args.region}")
    return 0


def revoke_role(args: argparse.Namespace) -> int:
    """Take a role in a region away from a person. Taking a role the person does not have
    changes nothing."""
    from forum.accounts import queries
    from forum.accounts.service import clean_name, name_key
    from forum.admin import service
    from forum.errors import Refused
    from forum.permissions import OPERATOR

    with operating() as session:
        region = _region(session, args.region)
        person = queries.user_by_name_key(session, name_key(clean_name(args.name)))
        if person is None:
            raise CommandError(f"nobody is called {args.name!r}")
        try:
            service.take_role(session, OPERATOR, region, person, args.role)
        except Refused:
            say(f"{args.name} is not {args.role} in {args.region}: nothing changed")
            return 0
    say(f"{args.name} is no longer {args.role} in {args.region}")
    return 0


def _region(session: Any, slug: str) -> Any:
    from forum.admin import queries

    region = queries.region_by_slug(session, slug)
    if region is None:
        raise CommandError(f"there is no region '{slug}' (see: forum regions list)")
    return region


def _organisation(session: Any, name: str) -> int:
    from forum.accounts.service import name_key
    from forum.admin import queries

    found = queries.organisation_named(session, name_key(name.strip()))
    if found is None or found.id is None:
        raise CommandError(
            f"there is no organisation '{name}' (add it: forum organisations create)"
        )
    return found.id
