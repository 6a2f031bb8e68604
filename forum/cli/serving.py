"""forum serve, forum worker."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from forum.settings import Settings, SettingsError


def add_commands(commands: Any) -> None:
    serve = commands.add_parser(
        "serve",
        help="migrate the database to the newest version, then serve the site",
        description="Upgrade the database to head, then serve Agora with uvicorn.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
    serve.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes (default: FORUM_WORKERS, else 1)",
    )
    serve.add_argument(
        "--demo",
        action="store_true",
        help="on an empty database, first load the demo regions, users and concerns "
        "(refused when FORUM_ENV=production)",
    )
    serve.set_defaults(run=serve_site)

    worker = commands.add_parser(
        "worker",
        help="send the queued emails (the server does it too, unless FORUM_WORKER=off)",
        description="Write the daily emails that are due and send the outbox over "
        "FORUM_SMTP_URL, every few seconds, until stopped. Safe beside other workers.",
    )
    worker.add_argument(
        "--once", action="store_true", help="send what is due now, then exit (for cron)"
    )
    worker.set_defaults(run=send_emails)


def serve_site(args: argparse.Namespace) -> int:
    import uvicorn

    from forum import demo
    from forum.db import make_engine, upgrade
    from forum.operations import logs, metrics

    settings = Settings()
    if args.demo and settings.env == "production":
        raise SettingsError(
            "--demo loads demo people who all share one published password, so it is refused "
            "when FORUM_ENV=production. Set up a real region with `forum regions create` and "
            "`forum users create` instead, or unset FORUM_ENV on a machine for trying Agora out."
        )
    settings.resolved_secret_key()  # refuse to start without a real secret in production
    settings.smtp_server()  # and with a malformed FORUM_SMTP_URL
    logs.configure_unless_done(settings)
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
    workers = args.workers or settings.workers
    with metrics.shared_between_processes(workers):
        uvicorn.run(
            "forum.app:served_app",
            factory=True,
            host=args.host,
            port=args.port,
            workers=workers,
            proxy_headers=True,
            server_header=False,
            access_log=False,  # Agora logs each request itself, with its request id
            log_config=logs.config(settings),
        )
    return 0


def send_emails(args: argparse.Namespace) -> int:
    import signal
    import threading

    from forum.db import make_engine
    from forum.notifications import emails, worker
    from forum.operations import logs

    settings = Settings()
    logs.configure_unless_done(settings)
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
