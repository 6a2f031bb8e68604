"""The `forum` command: serve, db upgrade, users create, i18n, export, seed."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session, select

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

    worker = commands.add_parser(
        "worker",
        help="send the queued emails (the server does it too, unless FORUM_WORKER=off)",
        description="Write the daily emails that are due and send the outbox over "
        "FORUM_SMTP_URL, every few seconds, until stopped. Safe beside other workers.",
    )
    worker.add_argument(
        "--once", action="store_true", help="send what is due now, then exit (for cron)"
    )
    worker.set_defaults(run=_worker)

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
    i18n.add_parser(
        "status", help="how many messages each catalog translates, and how many are left"
    ).set_defaults(run=_i18n("status"))
    init = i18n.add_parser("init", help="start a catalog for a new locale")
    init.add_argument("locale", help="for example: fr, hr, se")
    init.set_defaults(run=_i18n("init"))
    _add_export_and_seed(commands)
    return parser


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from forum import demo
    from forum.db import make_engine, upgrade

    settings = Settings()
    settings.resolved_secret_key()  # refuse to start without a real secret in production
    settings.smtp_server()  # and with a malformed FORUM_SMTP_URL
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


def _worker(args: argparse.Namespace) -> int:
    import signal
    import threading

    from forum.db import make_engine
    from forum.notifications import emails, worker

    settings = Settings()
    mailer = worker.mailer_for(settings)
    if mailer is None:
        print("forum: email is off: set FORUM_SMTP_URL to send the queued emails", file=sys.stderr)
        return 2
    engine = make_engine(settings)
    emails.configure(engine, settings)
    if args.once:
        drained = worker.run_once(engine, mailer)
        print(f"forum: sent {drained.sent} emails, {drained.failed} failed", file=sys.stderr)
        return 0
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(
        f"forum: sending emails through {mailer.server.host}:{mailer.server.port}", file=sys.stderr
    )
    try:
        worker.run_forever(engine, mailer, stop)
    except KeyboardInterrupt:
        stop.set()
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
            "status": catalogs.status,
        }[action]()

    return run


def _add_export_and_seed(commands: argparse._SubParsersAction) -> None:
    export = commands.add_parser(
        "export",
        help="write a region's concerns and summary to a CSV, Excel or JSON file",
        description="Export a region's concerns, one line each, with its summary (Excel and "
        "JSON). Authors appear as pseudonyms; hidden posts are left out. Dates are whole days, "
        "in UTC, both included.",
    )
    export.add_argument("--region", required=True, metavar="SLUG", help="the region's slug")
    export.add_argument(
        "--format", required=True, choices=["csv", "xlsx", "json"], help="the file's format"
    )
    export.add_argument("--since", default="", metavar="DATE", help="first day, e.g. 2025-01-31")
    export.add_argument("--until", default="", metavar="DATE", help="last day, e.g. 2025-12-31")
    export.add_argument("--audience", default="", metavar="SLUG", help="only this audience")
    export.add_argument("--topic", default="", metavar="SLUG", help="only this topic")
    export.add_argument(
        "--small-counts",
        default="show",
        choices=["show", "suppress"],
        help="suppress: hide counts below 5 in the summary's breakdowns (default: show)",
    )
    export.add_argument("--out", required=True, type=Path, metavar="FILE", help="file to write")
    export.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar on stderr (default: when stderr is a terminal)",
    )
    export.set_defaults(run=_export)

    seed = commands.add_parser(
        "seed",
        help="add synthetic regions, people, concerns and replies (for benchmarks)",
        description="Add N new regions (seed-1, seed-2...) with partners, a moderator, a leader "
        "and citizens, and spread the concerns and replies over them. Nobody can log in as a "
        "seeded person. Do not run it on a real site.",
    )
    seed.add_argument("--regions", type=int, default=1, metavar="N", help="new regions (1)")
    seed.add_argument(
        "--concerns", type=int, default=1000, metavar="N", help="concerns in all (1000)"
    )
    seed.add_argument(
        "--replies", type=int, default=3000, metavar="N", help="replies in all (3000)"
    )
    seed.add_argument("--random-seed", type=int, default=None, metavar="N", help="repeatable data")
    seed.set_defaults(run=_seed)


class _ProgressBar:
    """A one-line progress bar on stderr: [#####.....] 45% 45,000 of 100,000."""

    def __init__(self, label: str, width: int = 30) -> None:
        self.label, self.width, self.shown = label, width, False

    def __call__(self, done: int, total: int) -> None:
        share = min(done / total, 1.0) if total else 1.0
        filled = int(self.width * share)
        bar = "#" * filled + "." * (self.width - filled)
        sys.stderr.write(f"\r{self.label} [{bar}] {share:4.0%} {done:,} of {total:,}")
        sys.stderr.flush()
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            sys.stderr.write("\n")


def _export(args: argparse.Namespace) -> int:
    from forum.concerns import queries
    from forum.db import make_engine
    from forum.errors import FormErrors
    from forum.i18n import negotiate, translator
    from forum.models import Region
    from forum.summaries import exports
    from forum.summaries.filters import read_filters

    settings = Settings()
    engine = make_engine(settings)
    show_progress = sys.stderr.isatty() if args.progress is None else args.progress
    bar = _ProgressBar(f"forum: exporting {args.region}")
    try:
        with Session(engine, expire_on_commit=False) as session:
            region = session.exec(select(Region).where(Region.slug == args.region)).first()
            if region is None:
                print(f"forum: there is no region '{args.region}'", file=sys.stderr)
                return 2
            audiences, topics = queries.audiences(session), queries.topics(session)
            typed = {
                "since": args.since,
                "until": args.until,
                "audience": args.audience,
                "topic": args.topic,
                "small_counts": args.small_counts,
            }
            try:
                filters = read_filters(typed, audiences, topics)
            except FormErrors as invalid:
                english = translator("en")
                for name, message in invalid.errors.items():
                    print(
                        f"forum: --{name.replace('_', '-')}: {english.message(message)}",
                        file=sys.stderr,
                    )
                return 2
            prepared = exports.prepare(
                session,
                engine,
                region,
                filters,
                audiences=audiences,
                topics=topics,
                base_url=settings.base_url,
                i18n=translator(negotiate(region_default=region.default_locale)),
                progress=bar if show_progress else None,
            )
            # Written beside the target, then renamed: a failed export leaves no half file.
            partial = args.out.with_name(f".{args.out.name}.partial")
            try:
                with partial.open("wb") as file:
                    for chunk in exports.WRITERS[args.format](prepared):
                        file.write(chunk)
                partial.replace(args.out)
            except OSError as error:
                partial.unlink(missing_ok=True)
                print(f"forum: cannot write {args.out}: {error.strerror}", file=sys.stderr)
                return 2
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
    finally:
        bar.finish()
        engine.dispose()
    total = prepared.summary.total
    print(f"forum: wrote {total:,} concerns to {args.out}", file=sys.stderr)
    return 0


def _seed(args: argparse.Namespace) -> int:
    from forum import seed
    from forum.db import make_engine

    if min(args.regions, args.concerns, args.replies) < 0 or args.regions < 1:
        print("forum: give at least one region, and no negative numbers", file=sys.stderr)
        return 2
    engine = make_engine(Settings())
    bar = _ProgressBar("forum: seeding")
    try:
        seeded = seed.seed(
            engine,
            regions=args.regions,
            concerns=args.concerns,
            replies=args.replies,
            random_seed=args.random_seed,
            progress=(lambda _what, done, total: bar(done, total)) if sys.stderr.isatty() else None,
        )
    finally:
        bar.finish()
        engine.dispose()
    print(
        f"forum: added regions {', '.join(seeded.regions)}: {seeded.users:,} people, "
        f"{seeded.concerns:,} concerns, {seeded.replies:,} replies, {seeded.supports:,} me-toos",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    os.environ.setdefault("FORUM_ENV", "development")
    raise SystemExit(main())
