"""What the rest of Agora tells the notifications about. Each call only records, in the
caller's transaction, who is to be told; emails are sent later by the outbox worker.

Each recipient gets a Notification row, as their setting for its kind says (or the default);
an immediate one is written as an email into the outbox at once, in the recipient's language,
and a daily one waits for the daily email. Nobody is emailed about what they did themselves,
and people without an email address get nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session

from forum import labels
from forum.i18n import N_
from forum.models import (
    Concern,
    Delivery,
    Flag,
    Notification,
    NotificationKind,
    Outbox,
    Reply,
    Role,
)
from forum.notifications import emails, preferences, queries


def official_answer_posted(
    session: Session, concern: Concern, reply: Reply, *, actor_id: int | None = None
) -> None:
    """The author and the supporters are told (one email each, not one per change)."""
    _tell_followers(
        session, concern, "official_answer", actor_id or reply.author_id, {"reply": reply}
    )


def status_changed(
    session: Session, concern: Concern, before: str, after: str, *, actor_id: int | None = None
) -> None:
    """The author and the supporters are told that the status moved."""
    _tell_followers(session, concern, "status", actor_id, {"before": before, "after": after})


def flagged(session: Session, flag: Flag, *, actor_id: int | None = None) -> None:
    """The region's moderators are told that something was flagged."""
    concern = session.get(Concern, flag.concern_id)
    assert concern is not None
    _tell(
        session,
        queries.holder_ids(session, flag.region_id, Role.moderator.value),
        NotificationKind.flags,
        "flag",
        concern,
        actor_id=actor_id or flag.reporter_id,
        context={"flag": flag, "flag_reasons": labels.FLAG_REASON},
    )


def tagged_for_partners(
    session: Session, concern: Concern, audience: str, *, actor_id: int | None = None
) -> None:
    """The region's partners who answer for `audience` (technology providers, or the local
    administration) are told that a concern now asks them."""
    _tell(
        session,
        queries.partner_ids_for(session, concern.region_id, audience),
        NotificationKind.partner_tags,
        "tagged",
        concern,
        actor_id=actor_id,
        context={"audience": audience},
    )


def post_hidden(
    session: Session,
    concern: Concern,
    reply: Reply | None,
    reason: str,
    *,
    actor_id: int | None = None,
) -> None:
    """The author of the hidden concern (or reply) is told why.

    This follows the setting for one's own concerns, but never waits for the daily email:
    someone whose words were hidden should learn why while it is fresh."""
    author_id = reply.author_id if reply is not None else concern.author_id
    _tell(
        session,
        [author_id],
        NotificationKind.own_concerns,
        "hidden",
        concern,
        actor_id=actor_id,
        context={
            "reply": reply,
            "reason": reason,
            "why": N_("You get this email because you wrote something on Agora."),
        },
        may_wait=False,
    )


def report_upheld(
    session: Session,
    concern: Concern,
    reply: Reply | None,
    reporter_ids: list[int],
    *,
    actor_id: int | None = None,
) -> None:
    """The people who reported a post that a moderator then hid are told it was acted on.

    It follows their setting for their own concerns (what happens to what they did)."""
    _tell(
        session,
        reporter_ids,
        NotificationKind.own_concerns,
        "report_upheld",
        concern,
        actor_id=actor_id,
        context={
            "reply": reply,
            "why": N_("You get this email because you reported something on Agora."),
        },
        may_wait=False,
    )


def _tell_followers(
    session: Session,
    concern: Concern,
    event: str,
    actor_id: int | None,
    context: dict[str, Any],
) -> None:
    """The concern's author, and the people who said "me too" to it, each by their setting."""
    assert concern.id is not None
    _tell(
        session,
        [concern.author_id],
        NotificationKind.own_concerns,
        event,
        concern,
        actor_id=actor_id,
        context=context,
    )
    supporters = [
        user_id
        for user_id in queries.supporter_ids(session, concern.id)
        if user_id != concern.author_id
    ]
    _tell(
        session,
        supporters,
        NotificationKind.supported_concerns,
        event,
        concern,
        actor_id=actor_id,
        context=context,
    )


def _tell(
    session: Session,
    user_ids: Iterable[int],
    kind: NotificationKind,
    event: str,
    concern: Concern,
    *,
    actor_id: int | None,
    context: dict[str, Any] | None = None,
    may_wait: bool = True,
) -> None:
    assert concern.id is not None
    people = queries.with_email(session, [i for i in dict.fromkeys(user_ids) if i != actor_id])
    if not people:
        return
    deliveries = preferences.deliveries(session, [p.id for p in people if p.id], kind)
    region = queries.region(session, concern.region_id)
    pending: list[tuple[Notification, Outbox | None]] = []
    for person in people:
        assert person.id is not None
        delivery = deliveries[person.id]
        if delivery == Delivery.daily and not may_wait:
            delivery = Delivery.immediately
        if delivery == Delivery.off:
            continue
        email = None
        if delivery == Delivery.immediately:
            email = emails.outbox_row(
                session,
                event,
                person,
                region,
                kind.value,
                kind=kind.value,
                concern=concern,
                **(context or {}),
            )
            session.add(email)
        notification = Notification(
            user_id=person.id,
            kind=kind.value,
            event=event,
            concern_id=concern.id,
            delivery=delivery.value,
        )
        pending.append((notification, email))
    session.flush()  # one flush gives every email its id
    for notification, email in pending:
        notification.outbox_id = email.id if email else None
        session.add(notification)
    session.flush()
