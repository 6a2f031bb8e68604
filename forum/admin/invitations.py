"""Inviting someone by email to take a role in a region, and accepting. The link is single
use and lasts 7 days; the table keeps only the hash of its token. No HTTP here."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col

from forum.accounts.service import grant, register, valid_email
from forum.admin import queries
from forum.admin.service import role_and_organisation
from forum.errors import FormErrors, NotAllowed, Refused
from forum.i18n import N_, Message, negotiate
from forum.models import Invitation, Organisation, Region, Role, User, utcnow
from forum.moderation.log import log
from forum.notifications import emails
from forum.permissions import Action, Viewer, can

LIFETIME = timedelta(days=7)
WHY = N_(
    "You get this email because someone who runs Agora in this region invited this address. "
    "If you do not know them, you can ignore it."
)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(
    session: Session, viewer: Viewer, region: Region, *, email: str, role: str, organisation: str
) -> Invitation:
    """Invite an address to take a role in the region (a partner, for an organisation), and
    mail it the link, in the region's language. A leader invites only to their regions."""
    assert region.id is not None and viewer.user is not None
    if not can(viewer, Action.manage_people, region.id):
        raise NotAllowed(Action.manage_people)
    errors: dict[str, Message] = {}
    email = email.strip()
    if not email or not valid_email(email):
        errors["email"] = N_("Enter an email address like name@example.org.")
    found = role_and_organisation(session, role, organisation, errors)
    if errors:
        raise FormErrors(errors)
    token, now = secrets.token_urlsafe(32), utcnow()
    invitation = Invitation(
        token_hash=token_hash(token),
        email=email,
        region_id=region.id,
        role=role,
        organisation_id=found.id if found else None,
        invited_by_id=viewer.id,
        created_at=now,
        expires_at=now + LIFETIME,
    )
    session.add(invitation)
    session.flush()
    _mail(session, invitation, token, region, viewer.user, found)
    after = {"email": email, "role": role, "organisation": found.name if found else None}
    log(session, viewer, invitation, "invite", None, after)
    return invitation


def _mail(
    session: Session,
    invitation: Invitation,
    token: str,
    region: Region,
    inviter: User,
    organisation: Organisation | None,
) -> None:
    url = emails.links_for(session).url(f"/invite/{token}")
    locale = negotiate(region_default=region.default_locale)
    row = emails.message_row(
        session,
        "invitation",
        to=invitation.email,
        locale=locale,
        why=WHY,
        invitation=invitation,
        region=region,
        inviter=inviter,
        organisation=organisation,
        accept_url=url,
    )
    session.add(row)


def usable(session: Session, token: str) -> Invitation:
    """The invitation the link names, while it can be accepted; else Refused, saying why."""
    invitation = queries.invitation_by_hash(session, token_hash(token)) if token else None
    if invitation is None:
        raise Refused(N_("This invitation link does not work. Ask the person who invited you."))
    if invitation.accepted_at is not None:
        raise Refused(N_("This invitation was already accepted. Log in to use Agora."))
    if _aware(invitation.expires_at) <= utcnow():
        raise Refused(N_("This invitation is too old: it works for 7 days. Ask for a new one."))
    return invitation


def accept(
    session: Session, viewer: Viewer, token: str, *, name: str = "", password: str = ""
) -> User:
    """Accept the invitation: as the person logged in, or as a new account with this name and
    password (and the invited address). Two tabs sending it at once: one accepts."""
    invitation = usable(session, token)
    person = viewer.user or register(session, name=name, password=password, email=invitation.email)
    assert person.id is not None
    taken = session.execute(
        update(Invitation)
        .where(col(Invitation.id) == invitation.id, col(Invitation.accepted_at).is_(None))
        .values(accepted_at=utcnow(), accepted_by_id=person.id)
    )
    if not taken.rowcount:  # type: ignore[attr-defined]
        raise Refused(N_("This invitation was already accepted. Log in to use Agora."))
    region = session.get(Region, invitation.region_id)
    assert region is not None
    grant(session, person, Role(invitation.role), region)
    if invitation.organisation_id is not None:
        person.organisation_id = invitation.organisation_id
        session.add(person)
    after = {"role": invitation.role, "person": person.name}
    log(session, Viewer(person), invitation, "invitation_accepted", None, after)
    return person


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
