"""The fixed words of the data: roles, kinds, statuses, reasons and answers, each a closed
list. The tables (forum.models) store their values; labels.py names them for people."""

from enum import StrEnum


class Role(StrEnum):
    partner = "partner"
    moderator = "moderator"
    leader = "leader"


class OrganisationKind(StrEnum):
    """The two sides of a pilot: who supplies the services, and who asked for them."""

    technology_provider = "technology_provider"
    local_administration = "local_administration"


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


class FlagReason(StrEnum):
    spam = "spam"
    offensive = "offensive"
    personal_data = "personal_data"
    off_topic = "off_topic"
    other = "other"


class NotificationKind(StrEnum):
    """What a person can be told about by email; each has its own setting."""

    own_concerns = "own_concerns"  # an official answer or a status change on my concern
    supported_concerns = "supported_concerns"  # the same, on a concern I said "me too" to
    flags = "flags"  # something was flagged in a region I moderate
    partner_tags = "partner_tags"  # a concern was tagged for technology providers (partners)


class Stage(StrEnum):
    """Where a piloted service is: planned, being tried out, running, or ended."""

    planned = "planned"
    testing = "testing"
    running = "running"
    ended = "ended"


class Judgement(StrEnum):
    """A verdict on a piloted service: does it work for you?"""

    works = "works"
    partly = "partly"
    not_yet = "not_yet"


class Delivery(StrEnum):
    off = "off"
    immediately = "immediately"
    daily = "daily"
