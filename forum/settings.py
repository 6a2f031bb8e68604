"""Settings from the environment (FORUM_*) and a .env file."""

import os
import secrets
from dataclasses import dataclass
from email.utils import parseaddr
from functools import cached_property
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

PLACEHOLDER_SECRETS = {"", "change-me", "changeme", "secret", "dev", "development"}
SECRET_FILE_NAME = ".forum-secret"


class SettingsError(RuntimeError):
    """A setting is missing or wrong; the message says which and how to fix it."""


# FORUM_SMTP_URL's schemes: how the connection is protected, and the port it uses by default.
SMTP_SCHEMES = {"smtp": ("none", 25), "smtp+starttls": ("starttls", 587), "smtps": ("ssl", 465)}
SMTP_URL_FORMAT = (
    "smtp://host[:port] (no encryption, port 25), smtp+starttls://user:password@host[:port] "
    "(STARTTLS, port 587) or smtps://user:password@host[:port] (TLS from the start, port 465); "
    "percent-encode special characters in the user and password"
)


@dataclass(frozen=True)
class SmtpServer:
    """The mail server that FORUM_SMTP_URL names."""

    host: str
    port: int
    security: Literal["none", "starttls", "ssl"]
    username: str | None = None
    password: str | None = None


def parse_smtp_url(url: str) -> SmtpServer | None:
    """The server in FORUM_SMTP_URL, or None when it is empty (email is off)."""
    url = url.strip()
    if not url:
        return None

    def wrong(problem: str) -> SettingsError:
        return SettingsError(f"FORUM_SMTP_URL {problem}. Use {SMTP_URL_FORMAT}.")

    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise wrong(f"cannot be read ({error})") from error
    if parts.scheme not in SMTP_SCHEMES:
        raise wrong(f"has the scheme {parts.scheme or '(none)'!r}, which Agora does not know")
    if not parts.hostname:
        raise wrong("names no host")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise wrong("has something after the host and port")
    if parts.password is not None and not parts.username:
        raise wrong("has a password but no user")
    security, default_port = SMTP_SCHEMES[parts.scheme]
    return SmtpServer(
        host=parts.hostname,
        port=port or default_port,
        security=security,  # type: ignore[arg-type]
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FORUM_", env_file=".env", extra="ignore")

    env: Literal["development", "production"] = "development"
    database_url: str = "sqlite:///forum.db"
    secret_key: str = ""
    base_url: str = "http://127.0.0.1:8000"
    smtp_url: str = ""
    # The sender of notification emails; empty: agora@ the host of base_url.
    mail_from: str = ""
    # Whether the web server also sends the queued emails (off: run `forum worker` instead).
    worker: bool = True
    upload_dir: str = "uploads"
    # Length of a page of concerns on a region's page.
    page_size: int = Field(default=20, ge=1, le=200)
    # Offer the pseudo-locale en_XA (for tests that hunt untranslated text; never in production).
    pseudo_locale: bool = False
    # A name for this release. Phones keep an offline copy of the app; it is renewed whenever
    # the app's files change, or when this name does (for a change the files do not show).
    release: str = ""
    # Failed logins allowed within the window, from one client and for one account; past
    # either, logging in from there (or to that account) waits until the window has passed.
    login_limit_per_client: int = Field(default=10, ge=1)
    login_limit_per_account: int = Field(default=20, ge=1)
    login_window_minutes: int = Field(default=15, ge=1, le=24 * 60)
    # Posts a person may send within an hour (forum.pacing); one client address, three times
    # as many (registrations: as many). The region's staff are not counted.
    # The most a request may send, in bytes: a form with a file (a photo), and anything else.
    # More is refused with 413 before it is read.
    max_body_bytes: int = Field(default=1_000_000, ge=10_000)
    max_multipart_bytes: int = Field(default=16_000_000, ge=10_000)
    registrations_per_hour: int = Field(default=10, ge=1)
    concerns_per_hour: int = Field(default=10, ge=1)
    replies_per_hour: int = Field(default=60, ge=1)
    flags_per_hour: int = Field(default=30, ge=1)
    # How long a page a visitor was sent may be sent again to the next visitor, in seconds,
    # while nothing it shows has changed (forum.web.page_cache). 0: every page is made anew.
    page_cache_seconds: float = Field(default=10, ge=0, le=300)
    # Worker processes of `forum serve` when --workers is not given.
    workers: int = Field(default=1, ge=1, le=64)
    # How each log line is written: readable text, or one JSON object a line.
    log_format: Literal["text", "json"] = "text"
    # /metrics answers only with `Authorization: Bearer <this>`; empty: /metrics is off (404).
    metrics_token: str = ""
    # The address people write to about their data or about accessibility (the privacy
    # notice and the accessibility statement give it). Empty: they are asked to write to
    # the region's moderators through the forum.
    contact_email: str = ""
    # Where the footer's "source code" link points (AGPL section 13). Empty: Agora serves the
    # source of the running version itself, at /source.tar.gz.
    source_url: str = ""

    @cached_property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @cached_property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    def smtp_server(self) -> SmtpServer | None:
        """The mail server, or None when email is off; a malformed URL is a SettingsError."""
        return parse_smtp_url(self.smtp_url)

    def sender(self) -> str:
        """The From address of notification emails."""
        if self.mail_from.strip():
            address = parseaddr(self.mail_from)[1]
            if "@" not in address:
                raise SettingsError(
                    "FORUM_MAIL_FROM is not an email address: use agora@example.org or "
                    "Agora <agora@example.org>"
                )
            return self.mail_from.strip()
        host = urlsplit(self.base_url).hostname or "localhost"
        # An address cannot end in a bare IP address: a server on 127.0.0.1 sends as localhost.
        if host.replace(".", "").isdigit() or ":" in host:
            host = "localhost"
        return f"agora@{host}"

    def secret_file(self) -> Path:
        """The development secret lives beside the SQLite database (else in the working dir)."""
        if self.is_sqlite:
            database = make_url(self.database_url).database
            if database and database != ":memory:":
                return Path(database).resolve().parent / SECRET_FILE_NAME
        return Path.cwd() / SECRET_FILE_NAME

    def resolved_secret_key(self) -> str:
        """The signing secret; generated once and kept in a file in development."""
        if self.secret_key.strip().lower() not in PLACEHOLDER_SECRETS:
            if self.env == "production" and len(self.secret_key) < 32:
                raise SettingsError(
                    "FORUM_SECRET_KEY is too short for production: use at least 32 random "
                    "characters, e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'"
                )
            return self.secret_key
        if self.env == "production":
            raise SettingsError(
                "FORUM_SECRET_KEY is not set. In production Agora refuses to start without a "
                "real secret, because it signs sessions and CSRF tokens with it. Set it to at "
                "least 32 random characters, e.g. "
                "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        path = self.secret_file()
        kept = path.read_text().strip() if path.exists() else ""
        # An empty file (a write cut short) must not mean an empty signing key.
        if kept:
            return kept
        key = secrets.token_urlsafe(48)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Created readable by its owner only, from the first byte.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(key + "\n")
        return key
