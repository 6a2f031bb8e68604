"""Database tables. Rules live in the services; this module is shape only."""

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

# The tables' words (forum.vocabulary), imported from here too.
from forum.vocabulary import CloseReason as CloseReason
from forum.vocabulary import Delivery as Delivery
from forum.vocabulary import FlagReason as FlagReason
from forum.vocabulary import Judgement as Judgement
from forum.vocabulary import NotificationKind as NotificationKind
from forum.vocabulary import OrganisationKind as OrganisationKind
from forum.vocabulary import Role as Role
from forum.vocabulary import Source as Source
from forum.vocabulary import Stage as Stage
from forum.vocabulary import Status as Status


def utcnow() -> datetime:
    """Now, in UTC. Every timestamp is timezone-aware UTC (SQLModel's UTCDateTime stores it)."""
    return datetime.now(UTC)


class Region(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=120)
    default_locale: str = Field(default="en", max_length=16)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)


class Organisation(SQLModel, table=True):
    """A partner organisation: a technology provider or a local administration. A partner
    answers for one; the official answer shows it."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    # The name folded for comparison: "Energia Lda" and "energia lda" are one organisation.
    name_key: str = Field(max_length=120, unique=True)
    kind: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow)


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60)
    # The name folded for comparison, so "Maria" and "maria" cannot both register.
    name_key: str = Field(max_length=60, unique=True)
    password_hash: str = Field(max_length=255)
    email: str | None = Field(default=None, max_length=254)
    locale: str | None = Field(default=None, max_length=16)
    # The organisation a partner answers for (organisations are never deleted).
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    is_admin: bool = Field(default=False)
    # A blocked person can read but no longer post; what they wrote stays unless hidden.
    blocked_at: datetime | None = None
    blocked_reason: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(default_factory=utcnow)
    # An erased account keeps only its number, so that posts it leaves stay whole: its name,
    # email and password are gone, and pages call it a former member.
    erased_at: datetime | None = None


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
        # The home page counts each region's open and answered concerns from this index alone.
        Index("ix_concern_region_counts", "region_id", "hidden", "status", "id"),
        # The monitoring page counts each region's concerns, those answered, and how long the
        # first answers took, from this index alone.
        Index(
            "ix_concern_region_answered",
            "region_id",
            "hidden",
            "first_official_answer_at",
            "created_at",
        ),
        # A region's Atom feed: its newest concerns.
        Index("ix_concern_region_created", "region_id", "created_at", "id"),
        # A form resent after the network dropped carries the same key: one concern.
        Index("uq_concern_author_client_key", "author_id", "client_key", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(foreign_key="region.id")
    author_id: int = Field(foreign_key="user.id", index=True)
    title: str = Field(max_length=140)
    body: str = Field(sa_column=Column(Text, nullable=False))
    language: str = Field(max_length=16)
    topic_id: int | None = Field(default=None, foreign_key="topic.id")
    # The piloted service it is about, if any (one of its region's).
    service_id: int | None = Field(default=None, foreign_key="service.id", index=True)
    status: str = Field(default=Status.open, max_length=16)
    close_reason: str | None = Field(default=None, max_length=16)
    # Indexed: a concern's page lists the concerns closed as its duplicates.
    duplicate_of_id: int | None = Field(default=None, foreign_key="concern.id", index=True)
    source: str = Field(default=Source.web, max_length=16)
    created_at: datetime = Field(default_factory=utcnow)
    last_activity_at: datetime = Field(default_factory=utcnow)
    first_official_answer_at: datetime | None = None
    # The earliest official reply not hidden (forum.concerns.answers). Not a foreign key: the
    # concern and the reply would each point at the other.
    first_answer_id: int | None = None
    resolved_at: datetime | None = None
    support_count: int = Field(default=0)
    reply_count: int = Field(default=0)
    hidden: bool = Field(default=False)
    hidden_reason: str | None = Field(default=None, sa_column=Column(Text))
    locked: bool = Field(default=False)
    # Assisted posting: a moderator records a concern for someone met at a meeting or by phone.
    source_person: str | None = Field(default=None, max_length=120)
    source_meeting: str | None = Field(default=None, max_length=200)
    source_date: date | None = None
    publication_consent: bool | None = None
    # The key the form (or the person's device) gave this submission: a resend finds it.
    client_key: str | None = Field(default=None, max_length=64)
    # An optional photo (forum.photos): the unguessable name of its files, what it shows, and
    # the size of its phone-sized version.
    photo: str | None = Field(default=None, max_length=64, unique=True)
    photo_alt: str | None = Field(default=None, max_length=300)
    photo_width: int | None = None
    photo_height: int | None = None


class Service(SQLModel, table=True):
    """A digital service piloted in a region. Its words are kept per language (ServiceText)."""

    __table_args__ = (UniqueConstraint("region_id", "slug"),)

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(foreign_key="region.id", index=True)
    slug: str = Field(max_length=64)
    stage: str = Field(default=Stage.planned, max_length=16)
    # The organisation that runs it (organisations are never deleted).
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ServiceText(SQLModel, table=True):
    """A service's words in one language: its name, what it is in plain words, what it
    brings to each audience, and how it works (one step a line, `label: explanation`)."""

    __tablename__ = "service_text"

    service_id: int = Field(foreign_key="service.id", primary_key=True, ondelete="CASCADE")
    locale: str = Field(max_length=16, primary_key=True)
    name: str = Field(max_length=120)
    summary: str = Field(sa_column=Column(Text, nullable=False))
    value_local_administration: str = Field(sa_column=Column(Text, nullable=False))
    value_technology_providers: str = Field(sa_column=Column(Text, nullable=False))
    value_citizens: str = Field(sa_column=Column(Text, nullable=False))
    steps: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)


class Verdict(SQLModel, table=True):
    """One person's answer to "does it work for you?" on a service; a second replaces the
    first. It counts for the audience the person spoke for when they gave it: citizens, or
    the kind of their organisation for a partner."""

    __table_args__ = (UniqueConstraint("service_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="service.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    audience: str = Field(max_length=32)
    verdict: str = Field(max_length=16)
    why: str | None = Field(default=None, sa_column=Column(Text))
    # The partner's organisation when they gave it.
    organisation: str | None = Field(default=None, max_length=120)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Reply(SQLModel, table=True):
    __table_args__ = (
        Index("ix_reply_concern_created", "concern_id", "created_at", "id"),
        # A region's Atom feed: the newest official answers, walked newest first.
        Index("ix_reply_official_created", "official", "created_at", "id"),
        Index("uq_reply_author_client_key", "author_id", "client_key", unique=True),
    )

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
    hidden_reason: str | None = Field(default=None, sa_column=Column(Text))
    client_key: str | None = Field(default=None, max_length=64)


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
    # None: the operator, from the `forum` command on the server.
    actor_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    # None for what concerns every region: a topic or an organisation.
    region_id: int | None = Field(default=None, foreign_key="region.id", index=True)
    action: str = Field(max_length=32)
    target_type: str = Field(max_length=16)
    target_id: int
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    reason: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(default_factory=utcnow, index=True)


class Flag(SQLModel, table=True):
    """A private report on a concern or a reply. Never shown publicly."""

    __table_args__ = (UniqueConstraint("reporter_id", "target_type", "target_id"),)

    id: int | None = Field(default=None, primary_key=True)
    reporter_id: int = Field(foreign_key="user.id", index=True)
    region_id: int = Field(foreign_key="region.id", index=True)
    concern_id: int = Field(foreign_key="concern.id", index=True, ondelete="CASCADE")
    target_type: str = Field(max_length=16)  # concern | reply
    target_id: int
    reason: str = Field(max_length=16)
    text: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(default_factory=utcnow)
    resolved_at: datetime | None = None
    resolved_by_id: int | None = Field(default=None, foreign_key="user.id")
    resolution: str | None = Field(default=None, max_length=16)  # dismissed | hidden


class NotificationSetting(SQLModel, table=True):
    """A person's choice for one kind of email; without a row, the default applies."""

    __tablename__ = "notification_setting"

    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    kind: str = Field(max_length=32, primary_key=True)
    delivery: str = Field(max_length=16)


class Notification(SQLModel, table=True):
    """Something a person is to be told about. Immediate ones become an email at once; daily
    ones wait for the digest, which gathers them into one email."""

    __table_args__ = (Index("ix_notification_pending", "delivery", "outbox_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    kind: str = Field(max_length=32)
    event: str = Field(max_length=32)  # official_answer | status | flag | tagged
    concern_id: int = Field(foreign_key="concern.id", ondelete="CASCADE")
    delivery: str = Field(max_length=16)
    created_at: datetime = Field(default_factory=utcnow)
    outbox_id: int | None = Field(default=None, foreign_key="outbox.id")


class Outbox(SQLModel, table=True):
    """An email to send. Written in the same transaction as what caused it; a worker sends it,
    with retries and backoff, so a restart or an SMTP outage loses nothing."""

    __table_args__ = (Index("ix_outbox_due", "sent_at", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    to_address: str = Field(max_length=254)
    subject: str = Field(max_length=300)
    body_text: str = Field(sa_column=Column(Text, nullable=False))
    body_html: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    next_attempt_at: datetime = Field(default_factory=utcnow)
    claimed_until: datetime | None = None
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    sent_at: datetime | None = None


class Attempt(SQLModel, table=True):
    """One counted try of a limited action (a failed login), by one key: an account or a
    client. Keys are keyed hashes, never an address; rows older than the window are deleted."""

    __table_args__ = (
        Index("ix_attempt_key", "action", "key", "at"),
        Index("ix_attempt_at", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    action: str = Field(max_length=32)
    key: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow)


class UserSession(SQLModel, table=True):
    """A browser logged in as a person. The session cookie carries a random id; the table keeps
    only its hash. Logging out, changing or resetting the password, and erasing the account
    delete the rows, so a copied cookie stops working everywhere at once."""

    __tablename__ = "user_session"

    id_hash: str = Field(max_length=64, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow, index=True)


class Invitation(SQLModel, table=True):
    """An email address asked to take a role in a region (a partner, for an organisation).
    The link it gets carries a token; the table keeps only its hash. Single use, 7 days."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    email: str = Field(max_length=254)
    region_id: int = Field(foreign_key="region.id", index=True, ondelete="CASCADE")
    role: str = Field(max_length=16)
    organisation_id: int | None = Field(
        default=None, foreign_key="organisation.id", ondelete="SET NULL"
    )
    invited_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    accepted_at: datetime | None = None
    accepted_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")


class PasswordReset(SQLModel, table=True):
    """A link to choose a new password, mailed on request: single use, one hour. The table
    keeps only the hash of its token."""

    __tablename__ = "password_reset"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None
