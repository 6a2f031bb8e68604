"""What the rest of Agora tells the notifications about. Each call only records, in the
caller's transaction, who is to be told; emails are sent later by the outbox worker."""

from sqlmodel import Session

from forum.models import Concern, Flag, Reply


def official_answer_posted(session: Session, concern: Concern, reply: Reply) -> None:
    """The author and the supporters are told (one email each, not one per change)."""


def status_changed(session: Session, concern: Concern, before: str, after: str) -> None:
    """The author and the supporters are told that the status moved."""


def flagged(session: Session, flag: Flag) -> None:
    """The region's moderators are told that something was flagged."""


def tagged_for_partners(session: Session, concern: Concern) -> None:
    """The region's partners are told that a concern now asks technology providers."""


def post_hidden(session: Session, concern: Concern, reply: Reply | None, reason: str) -> None:
    """The author of the hidden concern (or reply) is told why."""
