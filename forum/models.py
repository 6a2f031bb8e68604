"""Database tables. Rules live in the services; this module is shape only."""

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Now, in UTC. Every timestamp is timezone-aware UTC (SQLModel's UTCDateTime stores it)."""
    return datetime.now(UTC)


class Role(StrEnum):
    partner = "partner"
    moderator = "moderator"
    leader = "leader"


class Status(StrEnum):
    open = "open"
    answered = "answered"
    resolved = "resolved"
    closed = "closed"


class CloseReason(StrEnum):
    duplicate = "duplicate"
    off_topic = "off_topic"


class Source(StrEnum):
    web = "web"
    meeting = "meeting"
    phone = "phone"


class Region(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=120)
    default_locale: str = Field(default="en", max_length=16)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60)
    # The name folded for comparison, so "Maria" and "maria" cannot both register.
    name_key: str = Field(max_length=60, unique=True)
    password_hash: str = Field(max_length=255)
    email: str | None = Field(default=None, max_length=254)
    locale: str | None = Field(default=None, max_length=16)
    organisation: str | None = Field(default=None, max_length=120)
    is_admin: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow)


class Membership(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("user_id", "region_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    region_id: int = Field(foreign_key="region.id", index=True, ondelete="CASCADE")
    role: str = Field(max_length=16)


class Topic(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=120)


class Audience(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=120)


class Concern(SQLModel, table=True):
    __table_args__ = (
        # The region page lists by latest activity, newest first, paginated by keyset.
        Index("ix_concern_region_activity", "region_id", "last_activity_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(foreign_key="region.id")
    author_id: int = Field(foreign_key="user.id", index=True)
    title: str = Field(max_length=140)
    body: str = Field(sa_column=Column(Text, nullable=False))
    language: str = Field(max_length=16)
    topic_id: int | None = Field(default=None, foreign_key="topic.id")
    status: str = Field(default=Status.open, max_length=16)
    close_reason: str | None = Field(default=None, max_length=16)
    duplicate_of_id: int | None = Field(default=None, foreign_key="concern.id")
    source: str = Field(default=Source.web, max_length=16)
    created_at: datetime = Field(default_factory=utcnow)
    last_activity_at: datetime = Field(default_factory=utcnow)
    first_official_answer_at: datetime | None = None
    resolved_at: datetime | None = None
    support_count: int = Field(default=0)
    reply_count: int = Field(default=0)
    hidden: bool = Field(default=False)
    locked: bool = Field(default=False)


class Reply(SQLModel, table=True):
    __table_args__ = (Index("ix_reply_concern_created", "concern_id", "created_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    concern_id: int = Field(foreign_key="concern.id", ondelete="CASCADE")
    author_id: int = Field(foreign_key="user.id", index=True)
    body: str = Field(sa_column=Column(Text, nullable=False))
    language: str = Field(max_length=16)
    official: bool = Field(default=False)
    # The partner's organisation when the answer was given: it stays true if they move on.
    organisation: str | None = Field(default=None, max_length=120)
    created_at: datetime = Field(default_factory=utcnow)
    hidden: bool = Field(default=False)


class ConcernAudience(SQLModel, table=True):
    __tablename__ = "concern_audience"

    concern_id: int = Field(foreign_key="concern.id", primary_key=True, ondelete="CASCADE")
    audience_id: int = Field(
        foreign_key="audience.id", primary_key=True, index=True, ondelete="CASCADE"
    )


class Support(SQLModel, table=True):
    concern_id: int = Field(foreign_key="concern.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", primary_key=True, index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)


class ModerationEvent(SQLModel, table=True):
    """One line of the moderation log. Append-only: nothing updates or deletes a row."""

    __tablename__ = "moderation_event"

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int = Field(foreign_key="user.id", index=True)
    region_id: int = Field(foreign_key="region.id", index=True)
    action: str = Field(max_length=32)
    target_type: str = Field(max_length=16)
    target_id: int
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    reason: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(default_factory=utcnow, index=True)
