"""Settings from the environment (FORUM_*) and a .env file."""

import secrets
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

PLACEHOLDER_SECRETS = {"", "change-me", "changeme", "secret", "dev", "development"}
SECRET_FILE_NAME = ".forum-secret"


class SettingsError(RuntimeError):
    """A setting is missing or wrong; the message says which and how to fix it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FORUM_", env_file=".env", extra="ignore")

    env: Literal["development", "production"] = "development"
    database_url: str = "sqlite:///forum.db"
    secret_key: str = ""
    base_url: str = "http://127.0.0.1:8000"
    smtp_url: str = ""
    upload_dir: str = "uploads"
    # Length of a page of concerns on a region's page.
    page_size: int = Field(default=20, ge=1, le=200)
    # Offer the pseudo-locale en_XA (for tests that hunt untranslated text; never in production).
    pseudo_locale: bool = False

    @cached_property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @cached_property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

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
        if path.exists():
            return path.read_text().strip()
        key = secrets.token_urlsafe(48)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(key + "\n")
        path.chmod(0o600)
        return key
