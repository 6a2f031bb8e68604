"""Sending the outbox: claim the emails that are due, send them over SMTP, record the result.

A claim is a lease (claimed_until) taken in one statement, so two workers never send the
same email; a worker that dies mid-way leaves its lease to run out, and the email is tried
again. A failure is retried later and later (exponential backoff); a restart or an SMTP
outage loses nothing. Each email keeps one Message-ID across its tries.
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr
from threading import Event
from time import monotonic

from sqlalchemy import Engine
from sqlmodel import Session

from forum.models import Outbox, utcnow
from forum.notifications import queries
from forum.settings import SmtpServer

log = logging.getLogger("forum.notifications")

BATCH = 100
LEASE = timedelta(minutes=5)
# A batch stops taking new emails this long before its lease runs out, so that no email is
# sent after another worker could have claimed it again.
LEASE_MARGIN = timedelta(minutes=1)
SMTP_TIMEOUT_SECONDS = 30
FIRST_RETRY = timedelta(seconds=30)
LAST_RETRY = timedelta(hours=6)
# After this many failed tries the email stays in the outbox, unsent, with its last error.
MAX_ATTEMPTS = 15
MAX_ERROR = 1000


def retry_delay(attempts: int) -> timedelta:
    """30 s after the first failure, then twice as long each time, at most 6 hours."""
    delay: timedelta = FIRST_RETRY * 2 ** max(attempts - 1, 0)
    return min(delay, LAST_RETRY)


@dataclass
class Drained:
    sent: int = 0
    failed: int = 0

    def __iadd__(self, other: Drained) -> Drained:
        self.sent += other.sent
        self.failed += other.failed
        return self


class Mailer:
    """Opens connections to the SMTP server of the settings, and writes the messages."""

    def __init__(self, server: SmtpServer, sender: str) -> None:
        self.server = server
        self.sender = sender  # the From header, maybe with a name: Agora <agora@example.org>
        self.envelope_sender = parseaddr(sender)[1]
        self.domain = self.envelope_sender.rpartition("@")[2] or "localhost"

    def connect(self) -> smtplib.SMTP:
        server = self.server
        connection: smtplib.SMTP
        if server.security == "ssl":
            connection = smtplib.SMTP_SSL(
                server.host,
                server.port,
                timeout=SMTP_TIMEOUT_SECONDS,
                context=ssl.create_default_context(),
            )
        else:
            connection = smtplib.SMTP(server.host, server.port, timeout=SMTP_TIMEOUT_SECONDS)
            if server.security == "starttls":
                connection.starttls(context=ssl.create_default_context())
        if server.username:
            connection.login(server.username, server.password or "")
        return connection

    def message(self, email: Outbox) -> EmailMessage:
        """The email as MIME: a plain-text part and an HTML part, in the recipient's language."""
        message = EmailMessage(policy=SMTP)
        message["From"] = self.sender
        message["To"] = email.to_address
        message["Subject"] = email.subject
        message["Date"] = format_datetime(email.created_at)
        # The same id on every try: a server that got it once can tell it is the same email.
        message["Message-ID"] = f"<agora.{email.id}.{email.created_at:%Y%m%d%H%M%S}@{self.domain}>"
        message["Auto-Submitted"] = "auto-generated"
        unsubscribe = unsubscribe_link(email.body_html)
        if unsubscribe:
            message["List-Unsubscribe"] = f"<{unsubscribe}>"
        message.set_content(email.body_text, charset="utf-8")
        message.add_alternative(email.body_html, subtype="html", charset="utf-8")
        # After the parts are made: making them moves every Content-* header into the first.
        language = written_in(email.body_html)
        if language:
            message["Content-Language"] = language
        return message


_LANG = re.compile(r'<html lang="([A-Za-z0-9-]{2,16})"')
_UNSUBSCRIBE = re.compile(r'<a id="unsubscribe" href="([^"<>\s]+)"')


def written_in(body_html: str) -> str | None:
    """The language an email was written in: its HTML part says so, as a page does."""
    match = _LANG.search(body_html)
    return match.group(1) if match else None


def unsubscribe_link(body_html: str) -> str | None:
    """The link that stops this kind of email, from the foot of the HTML part."""
    match = _UNSUBSCRIBE.search(body_html)
    return match.group(1).replace("&amp;", "&") if match else None


def drain(
    engine: Engine,
    mailer: Mailer,
    *,
    now: datetime | None = None,
    stop: Event | None = None,
) -> Drained:
    """Send every email that is due, batch by batch, until none is left or the server fails.

    `now` fixes the clock (for tests); `stop` ends it between two emails."""
    total = Drained()
    while not (stop and stop.is_set()):
        moment = now or utcnow()
        with Session(engine, expire_on_commit=False) as session:
            batch = queries.claim_due(session, moment, moment + LEASE, BATCH, MAX_ATTEMPTS)
            session.commit()
        if not batch:
            break
        result, server_failed = _send_batch(engine, mailer, batch, now, stop)
        total += result
        if server_failed:
            break
    return total


def _send_batch(
    engine: Engine,
    mailer: Mailer,
    batch: list[Outbox],
    now: datetime | None,
    stop: Event | None,
) -> tuple[Drained, bool]:
    """Send a claimed batch over one connection. Returns the counts, and whether the server
    itself failed (then the rest of the batch waits for its retry)."""
    result = Drained()
    try:
        connection = mailer.connect()
    except (OSError, smtplib.SMTPException) as error:
        log.warning("cannot reach the mail server: %s", error)
        _record(engine, _failed(batch, error, now))
        return Drained(failed=len(batch)), True
    deadline = monotonic() + (LEASE - LEASE_MARGIN).total_seconds()
    pending = list(batch)
    try:
        while pending and not (stop and stop.is_set()) and monotonic() < deadline:
            email = pending.pop(0)
            try:
                message = mailer.message(email)
            except Exception as unwritable:  # e.g. an address the email package refuses
                _record(engine, _failed([email], unwritable, now))
                result.failed += 1
                continue
            try:
                connection.send_message(message, mailer.envelope_sender, [email.to_address])
            except REFUSED as refused:  # this email was refused; the next ones may go
                _record(engine, _failed([email], refused, now))
                result.failed += 1
                continue
            except (OSError, smtplib.SMTPException) as error:
                log.warning("the mail server failed while sending: %s", error)
                _record(engine, _failed([email, *pending], error, now))
                result.failed += 1 + len(pending)
                pending.clear()
                return result, True
            _record(engine, _sent(email, now))
            result.sent += 1
    finally:
        _quit(connection)
        if pending:  # stopped early: the next run takes them at once
            _record(engine, lambda session: queries.release(session, _ids(pending)))
    return result, False


# Refusals of one email; any other error is the server's, and ends the batch.
REFUSED = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,
)
Change = Callable[[Session], None]


def _sent(email: Outbox, now: datetime | None) -> Change:
    assert email.id is not None
    outbox_id = email.id
    return lambda session: queries.mark_sent(session, outbox_id, now or utcnow())


def _failed(emails: list[Outbox], error: BaseException, now: datetime | None) -> Change:
    message = f"{type(error).__name__}: {error}"[:MAX_ERROR]
    retry_base = now or utcnow()
    tries = [(email.id, email.attempts + 1) for email in emails if email.id is not None]

    def record(session: Session) -> None:
        for outbox_id, attempts in tries:
            retry_at = retry_base + retry_delay(attempts)
            queries.mark_failed(session, outbox_id, message, retry_at, attempts)

    return record


def _record(engine: Engine, change: Change) -> None:
    """Commit one change at once: a sent email is marked sent before the next one goes."""
    with Session(engine) as session:
        change(session)
        session.commit()


def _ids(emails: list[Outbox]) -> list[int]:
    return [email.id for email in emails if email.id is not None]


def _quit(connection: smtplib.SMTP) -> None:
    try:
        connection.quit()
    except (OSError, smtplib.SMTPException):
        connection.close()
