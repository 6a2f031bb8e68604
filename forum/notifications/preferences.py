"""Who gets which emails, and how often: each person's choice per kind, or the default.

No HTTP here. A person without an email address gets none, whatever they chose.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import Session, col

from forum.errors import FormErrors
from forum.i18n import N_, Message
from forum.models import Delivery, Notification, NotificationKind, NotificationSetting, Role
from forum.notifications import queries, tokens
from forum.permissions import Viewer

DEFAULTS: dict[NotificationKind, Delivery] = {
    NotificationKind.own_concerns: Delivery.immediately,
    NotificationKind.supported_concerns: Delivery.daily,
    NotificationKind.flags: Delivery.immediately,
    NotificationKind.partner_tags: Delivery.immediately,
}
# What each kind is about, as the account page and the unsubscribe page say it.
KIND_LABEL: dict[NotificationKind, Message] = {
    NotificationKind.own_concerns: N_("Your concerns: an answer, or a change of status"),
    NotificationKind.supported_concerns: N_(
        "Concerns you said “me too” to: an answer, or a change of status"
    ),
    NotificationKind.flags: N_("Posts reported to the moderators in your regions"),
    NotificationKind.partner_tags: N_(
        "Concerns that ask technology providers to answer, in your regions"
    ),
}
DELIVERY_LABEL: dict[Delivery, Message] = {
    Delivery.immediately: N_("Email me each time"),
    Delivery.daily: N_("One email a day with all the news"),
    Delivery.off: N_("No emails"),
}
# A kind that only some people can get: the role it needs in at least one region.
NEEDS_ROLE = {NotificationKind.flags: Role.moderator, NotificationKind.partner_tags: Role.partner}


def kinds_for(viewer: Viewer) -> list[NotificationKind]:
    """The kinds of email that apply to this person, in the order the account page shows."""
    return [
        kind
        for kind in NotificationKind
        if kind not in NEEDS_ROLE or viewer.regions_with(NEEDS_ROLE[kind])
    ]


def deliveries(
    session: Session, user_ids: Iterable[int], kind: NotificationKind
) -> dict[int, Delivery]:
    """How each of these people wants this kind of email: their choice, else the default."""
    ids = list(dict.fromkeys(user_ids))
    chosen = queries.settings_of(session, ids, [kind])
    return {user_id: chosen.get((user_id, kind), DEFAULTS[kind]) for user_id in ids}


def choices(session: Session, viewer: Viewer) -> dict[NotificationKind, Delivery]:
    """The person's delivery for each kind that applies to them."""
    assert viewer.id is not None
    kinds = kinds_for(viewer)
    chosen = queries.settings_of(session, [viewer.id], kinds)
    return {kind: chosen.get((viewer.id, kind), DEFAULTS[kind]) for kind in kinds}


@dataclass(frozen=True)
class Choice:
    kind: NotificationKind
    field: str  # the form field, also the id of its first radio button


def form_fields(viewer: Viewer) -> list[Choice]:
    return [Choice(kind, f"delivery-{kind.value}") for kind in kinds_for(viewer)]


# The account form's field for each kind of email.
FORM_FIELDS = [f"delivery-{kind.value}" for kind in NotificationKind]


def save_choices(session: Session, viewer: Viewer, typed: Mapping[str, str]) -> None:
    """Save one delivery per kind from the account form; an unknown value changes nothing."""
    assert viewer.id is not None
    wanted: dict[NotificationKind, Delivery] = {}
    errors: dict[str, Message] = {}
    for choice in form_fields(viewer):
        value = typed.get(choice.field, "")
        if value in Delivery.__members__:
            wanted[choice.kind] = Delivery(value)
        else:
            errors[choice.field] = N_("Choose how often we email you about this.")
    if errors:
        raise FormErrors(errors)
    for kind, delivery in wanted.items():
        choose(session, viewer.id, kind, delivery)


def choose(session: Session, user_id: int, kind: NotificationKind, delivery: Delivery) -> None:
    """Set one kind's delivery. Turning a kind off also drops what waits for the daily email."""
    setting = session.get(NotificationSetting, (user_id, kind.value))
    if setting is None:
        setting = NotificationSetting(user_id=user_id, kind=kind.value, delivery=delivery.value)
    setting.delivery = delivery.value
    session.add(setting)
    if delivery == Delivery.off:
        session.execute(
            delete(Notification).where(
                col(Notification.user_id) == user_id,
                col(Notification.kind) == kind.value,
                col(Notification.delivery) == Delivery.daily.value,
                col(Notification.outbox_id).is_(None),
            )
        )


@dataclass(frozen=True)
class Row:
    """One kind of email on the account page, with the delivery chosen (or typed)."""

    field: str
    label: Message
    chosen: str


def rows(session: Session, viewer: Viewer, typed: Mapping[str, str] | None = None) -> list[Row]:
    saved = choices(session, viewer)
    return [
        Row(
            choice.field,
            KIND_LABEL[choice.kind],
            (typed or {}).get(choice.field) or saved[choice.kind],
        )
        for choice in form_fields(viewer)
    ]


def stopping(session: Session, user_id: int, scope: str) -> list[NotificationKind]:
    """What an unsubscribe link stops: its kind, or every kind that comes in the daily email."""
    if scope != tokens.DAILY:
        return [NotificationKind(scope)]
    kinds = list(NotificationKind)
    chosen = queries.settings_of(session, [user_id], kinds)
    return [kind for kind in kinds if chosen.get((user_id, kind), DEFAULTS[kind]) == Delivery.daily]


def unsubscribe(session: Session, user_id: int, scope: str) -> list[NotificationKind]:
    """Turn off what the link stops; returns those kinds."""
    kinds = stopping(session, user_id, scope)
    for kind in kinds:
        choose(session, user_id, kind, Delivery.off)
    return kinds
