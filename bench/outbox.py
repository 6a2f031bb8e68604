"""How long the outbox takes to deliver 1,000 emails to a local SMTP server.

    python bench/outbox.py [--emails 1000] [--workers 1] [--database-url URL]

Builds a throwaway SQLite database (or uses --database-url, e.g. an empty PostgreSQL
database), gives one concern N supporters who asked for an email each time, and posts an
official answer: that queues N emails, written in the same transaction. Then it times the
worker draining them into an aiosmtpd server on 127.0.0.1, and checks each arrived once.
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller
from sqlmodel import Session, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from forum.accounts.service import grant, hash_password  # noqa: E402
from forum.concerns import service  # noqa: E402
from forum.db import make_engine, upgrade  # noqa: E402
from forum.models import (  # noqa: E402
    Concern,
    NotificationSetting,
    Outbox,
    Region,
    Role,
    Support,
    User,
)
from forum.notifications import emails, worker  # noqa: E402
from forum.permissions import Viewer  # noqa: E402
from forum.settings import Settings  # noqa: E402


class Counter:
    def __init__(self) -> None:
        self.message_ids: list[str] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        for line in envelope.content.splitlines():
            if line.lower().startswith(b"message-id:"):
                self.message_ids.append(line.decode())
                break
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def queue(session: Session, count: int) -> float:
    """N supporters who want each email at once, then an official answer. Returns seconds."""
    password = hash_password("not used in the benchmark")
    region = Region(slug="bench", name="Bench", default_locale="pt_PT")
    session.add(region)
    author = User(name="author", name_key="author", password_hash=password)
    partner = User(name="partner", name_key="partner", password_hash=password, organisation="Org")
    session.add_all([author, partner])
    session.flush()
    assert region.id is not None and author.id is not None
    grant(session, partner, Role.partner, region)
    concern = Concern(
        region_id=region.id, author_id=author.id, title="Bench", body="b", language="en"
    )
    session.add(concern)
    people = [
        User(
            name=f"p{n}",
            name_key=f"p{n}",
            password_hash=password,
            email=f"p{n}@example.org",
            locale="en" if n % 2 else None,
        )
        for n in range(count)
    ]
    session.add_all(people)
    session.flush()
    assert concern.id is not None
    for person in people:
        assert person.id is not None
        session.add(Support(concern_id=concern.id, user_id=person.id))
        session.add(
            NotificationSetting(
                user_id=person.id, kind="supported_concerns", delivery="immediately"
            )
        )
    session.commit()
    viewer = Viewer(partner, frozenset({(region.id, Role.partner.value)}))
    started = time.perf_counter()
    service.post_reply(session, viewer, concern, body="We will come.", official=True, language="en")
    session.commit()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--emails", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=1, help="workers draining at once")
    parser.add_argument("--database-url", default="", help="an empty database (default: SQLite)")
    args = parser.parse_args()

    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    upgrade(url)
    counter, port = Counter(), free_port()
    smtp = Controller(counter, hostname="127.0.0.1", port=port)
    smtp.start()
    settings = Settings(database_url=url, secret_key="x" * 40, smtp_url=f"smtp://127.0.0.1:{port}")
    engine = make_engine(settings)
    emails.configure(engine, settings)
    mailer = worker.mailer_for(settings)
    assert mailer is not None
    try:
        with Session(engine, expire_on_commit=False) as session:
            queued_in = queue(session, args.emails)
            queued = len(session.exec(select(Outbox.id)).all())
        started = time.perf_counter()
        threads = [
            threading.Thread(target=worker.run_once, args=(engine, mailer))
            for _ in range(args.workers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        drained_in = time.perf_counter() - started
    finally:
        smtp.stop()
        engine.dispose()

    received = len(counter.message_ids)
    print(f"database:  {url.split(':', 1)[0]}")
    print(f"queued:    {queued} emails in {queued_in:.2f} s (written in the answer's transaction)")
    print(
        f"delivered: {received} emails in {drained_in:.2f} s with {args.workers} worker(s): "
        f"{received / drained_in:.0f} emails/s"
    )
    print(f"duplicates: {received - len(set(counter.message_ids))}")
    if received != args.emails or received != len(set(counter.message_ids)):
        raise SystemExit("some emails were lost or sent twice")


if __name__ == "__main__":
    main()
