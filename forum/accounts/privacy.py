"""A person's own data: all of it to download, or the account erased (GDPR Articles 17 and
20). Decidim's "download your data" and its anonymised deletion are the peers.

- `my_data`: a ZIP with `agora-data.json` (the account, the concerns and replies the person
  wrote, their "me too"s, their reports, their verdicts on services, their email choices)
  and their photos. Nobody else's posts.
- `erase`: the name, email, password, sessions, roles and choices are gone for good, and the
  name is free again; the row keeps only its number, so the posts left behind keep an
  author: pages call it a former member (verdicts are shown without names, and stay). With
  `remove_posts` the posts and verdicts go too, photos included. The moderation log keeps
  what was done, by whom it was done now says nobody.

No web framework here.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from forum.accounts import sessions
from forum.concerns import answers
from forum.errors import FormErrors
from forum.i18n import N_
from forum.models import (
    Concern,
    Flag,
    Invitation,
    Membership,
    Notification,
    NotificationSetting,
    Organisation,
    Outbox,
    PasswordReset,
    Region,
    Reply,
    Service,
    Support,
    User,
    Verdict,
    utcnow,
)
from forum.photos import Store

DATA_FILE = "agora-data.json"
SCHEMA = 1


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def my_data(session: Session, user: User, store: Store) -> bytes:
    """The ZIP a person downloads from /account/data."""
    assert user.id is not None
    concerns = session.exec(
        select(Concern, Region.slug)
        .join(Region, col(Region.id) == Concern.region_id)
        .where(Concern.author_id == user.id)
        .order_by(col(Concern.id))
    ).all()
    photos = {
        concern.id: f"photos/concern-{concern.id}.jpg" for concern, _ in concerns if concern.photo
    }
    data = {
        "schema": SCHEMA,
        "exported_at": utcnow().isoformat(),
        "account": _account(session, user),
        "concerns": [_concern(concern, slug, photos.get(concern.id)) for concern, slug in concerns],
        "replies": _replies(session, user.id),
        "me_too": [
            {"concern": support.concern_id, "at": _when(support.created_at)}
            for support in session.exec(select(Support).where(Support.user_id == user.id))
        ],
        "reports": _reports(session, user.id),
        "email_choices": {
            setting.kind: setting.delivery
            for setting in session.exec(
                select(NotificationSetting).where(NotificationSetting.user_id == user.id)
            )
        },
        "verdicts": _verdicts(session, user.id),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(DATA_FILE, json.dumps(data, ensure_ascii=False, indent=2))
        for concern, _slug in concerns:
            path = store.path(concern.photo, "large") if concern.photo else None
            if path is not None and path.is_file():
                archive.write(path, photos[concern.id])
    return out.getvalue()


def _account(session: Session, user: User) -> dict[str, Any]:
    organisation = session.get(Organisation, user.organisation_id) if user.organisation_id else None
    roles = session.exec(
        select(Region.slug, Membership.role)
        .join(Region, col(Region.id) == Membership.region_id)
        .where(Membership.user_id == user.id)
        .order_by(col(Region.slug), col(Membership.role))
    ).all()
    return {
        "name": user.name,
        "email": user.email,
        "language": user.locale,
        "created_at": _when(user.created_at),
        "administrator": user.is_admin,
        "organisation": organisation.name if organisation else None,
        "roles": [{"region": slug, "role": role} for slug, role in roles],
        "stopped_from_writing": _when(user.blocked_at),
    }


def _concern(concern: Concern, region: str, photo: str | None) -> dict[str, Any]:
    return {
        "id": concern.id,
        "region": region,
        "title": concern.title,
        "body": concern.body,
        "language": concern.language,
        "status": concern.status,
        "created_at": _when(concern.created_at),
        "hidden": concern.hidden,
        "hidden_reason": concern.hidden_reason,
        "photo": photo,
        "photo_description": concern.photo_alt,
    }


def _replies(session: Session, user_id: int) -> list[dict[str, Any]]:
    replies = session.exec(
        select(Reply).where(Reply.author_id == user_id).order_by(col(Reply.id))
    ).all()
    return [
        {
            "id": reply.id,
            "concern": reply.concern_id,
            "body": reply.body,
            "language": reply.language,
            "official": reply.official,
            "created_at": _when(reply.created_at),
            "hidden": reply.hidden,
        }
        for reply in replies
    ]


def _reports(session: Session, user_id: int) -> list[dict[str, Any]]:
    reports = session.exec(
        select(Flag).where(Flag.reporter_id == user_id).order_by(col(Flag.id))
    ).all()
    return [
        {
            "concern": report.concern_id,
            "on": report.target_type,
            "reason": report.reason,
            "text": report.text,
            "created_at": _when(report.created_at),
            "handled": report.resolution,
        }
        for report in reports
    ]


def _verdicts(session: Session, user_id: int) -> list[dict[str, Any]]:
    given = session.exec(
        select(Verdict, Service.slug, Region.slug)
        .join(Service, col(Service.id) == Verdict.service_id)
        .join(Region, col(Region.id) == Service.region_id)
        .where(Verdict.user_id == user_id)
        .order_by(col(Verdict.id))
    ).all()
    return [
        {
            "region": region,
            "service": service,
            "verdict": verdict.verdict,
            "why": verdict.why,
            "counted_for": verdict.audience,
            "organisation": verdict.organisation,
            "at": _when(verdict.updated_at),
        }
        for verdict, service, region in given
    ]


def erase(session: Session, user: User, *, confirmed: bool, remove_posts: bool) -> list[str]:
    """Erase the account (see the module's docstring), once the person confirmed it. Returns
    the photo tokens whose files the caller deletes once this is committed."""
    assert user.id is not None
    if not confirmed:
        raise FormErrors(
            {"confirm": N_("Tick the box to confirm that you want your account erased.")}
        )
    photos: list[str] = []
    if remove_posts:
        photos = _remove_posts(session, user.id)
    sessions.end_all(session, user.id)
    session.execute(delete(Notification).where(col(Notification.user_id) == user.id))
    session.execute(delete(Outbox).where(col(Outbox.user_id) == user.id))
    for model in (Membership, NotificationSetting, PasswordReset):
        session.execute(delete(model).where(col(model.user_id) == user.id))
    if user.email:
        session.execute(
            delete(Invitation).where(
                col(Invitation.email) == user.email, col(Invitation.accepted_at).is_(None)
            )
        )
    user.name, user.name_key = "", f"erased:{user.id}"
    user.email, user.locale, user.password_hash = None, None, "!"  # no password opens it
    user.organisation_id, user.is_admin = None, False
    user.blocked_at, user.blocked_reason = None, None
    user.erased_at = utcnow()
    session.add(user)
    return photos


def _remove_posts(session: Session, user_id: int) -> list[str]:
    """Delete the person's concerns (with what hangs on them) and replies; recount the
    concerns of others they had replied to."""
    own = session.exec(select(Concern.id, Concern.photo).where(Concern.author_id == user_id)).all()
    own_ids = [concern_id for concern_id, _ in own]
    replied_to = session.exec(
        select(Reply.concern_id).where(Reply.author_id == user_id).distinct()
    ).all()
    others = sorted(set(replied_to) - set(own_ids))
    session.execute(
        update(Concern)
        .where(col(Concern.duplicate_of_id).in_(own_ids))
        .values(duplicate_of_id=None)
    )
    session.execute(delete(Reply).where(col(Reply.author_id) == user_id))
    session.execute(delete(Verdict).where(col(Verdict.user_id) == user_id))
    session.execute(delete(Concern).where(col(Concern.id).in_(own_ids)))
    _recount(session, others)
    return [photo for _, photo in own if photo]


def _recount(session: Session, concern_ids: Sequence[int]) -> None:
    if not concern_ids:
        return
    replies = select(func.count()).where(Reply.concern_id == Concern.id).scalar_subquery()
    first_answer = (
        select(func.min(Reply.created_at))
        .where(Reply.concern_id == Concern.id, col(Reply.official))
        .scalar_subquery()
    )
    session.execute(
        update(Concern)
        .where(col(Concern.id).in_(concern_ids))
        .values(reply_count=replies, first_official_answer_at=first_answer)
    )
    answers.refresh(session, concern_ids)
