"""The `forum` command: serve, db upgrade, users create, i18n."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from sqlmodel import select

from forum.settings import Settings, SettingsError


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except SettingsError as error:
        print(f"forum: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="forum",
        description="Agora, a citizen-feedback forum for rural pilot regions. "
        "Settings come from FORUM_* environment variables or a .env file (see README).",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="migrate the database to the newest version, then serve the site",
        description="Upgrade the database to head, then serve Agora with uvicorn.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
    serve.add_argument("--workers", type=int, default=1, help="worker processes (1)")
    serve.add_argument(
        "--demo",
        action="store_true",
        help="on an empty database, first load the demo regions, users and concerns",
    )
    serve.set_defaults(run=_serve)

    db = commands.add_parser("db", help="database commands").add_subparsers(metavar="COMMAND")
    upgrade = db.add_parser("upgrade", help="apply every migration up to the newest (head)")
    upgrade.set_defaults(run=_db_upgrade)

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
    create.set_defaults(run=_users_create)

    i18n = commands.add_parser(
        "i18n", help="translation catalogs: extract, update, compile"
    ).add_subparsers(metavar="COMMAND")
    i18n.add_parser(
        "extract", help="collect every translatable string into locales/messages.pot"
    ).set_defaults(run=_i18n("extract"))
    i18n.add_parser(
        "update", help="merge messages.pot into every locale's messages.po"
    ).set_defaults(run=_i18n("update"))
    i18n.add_parser(
        "compile", help="compile every messages.po into messages.mo (checks them too)"
    ).set_defaults(run=_i18n("compile"))
    init = i18n.add_parser("init", help="start a catalog for a new locale")
    init.add_argument("locale", help="for example: fr, hr, se")
    init.set_defaults(run=_i18n("init"))
    return parser


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from forum import demo
    from forum.db import make_engine, upgrade

    settings = Settings()
    settings.resolved_secret_key()  # refuse to start without a real secret in production
    upgrade(settings.database_url)
    if args.demo:
        engine = make_engine(settings)
        if demo.is_empty(engine):
            demo.load(engine)
            print(
                "forum: loaded the demo data (logins: admin, moderator, partner, leader, "
                f"citizen; password {demo.DEMO_PASSWORD})",
                file=sys.stderr,
            )
        engine.dispose()
    uvicorn.run(
        "forum.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        server_header=False,
    )
    return 0


def _db_upgrade(_args: argparse.Namespace) -> int:
    from forum.db import upgrade

    upgrade(Settings().database_url)
    print("forum: the database is at the newest version", file=sys.stderr)
    return 0


def _users_create(args: argparse.Namespace) -> int:
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


def _i18n(action: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        from forum import catalogs

        if action == "init":
            return catalogs.init(args.locale)
        return {
            "extract": catalogs.extract,
            "update": catalogs.update,
            "compile": catalogs.compile,
        }[action]()

    return run


if __name__ == "__main__":
    os.environ.setdefault("FORUM_ENV", "development")
    raise SystemExit(main())
