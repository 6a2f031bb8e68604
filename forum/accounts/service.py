"""Accounts: registering, logging in, and preferences. No HTTP here."""

import re
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from forum.accounts import queries
from forum.errors import FormErrors
from forum.i18n import N_, OFFERED_LOCALES, Message
from forum.models import Membership, Organisation, Region, Role, User
from forum.permissions import Viewer

MIN_PASSWORD = 10
MAX_PASSWORD = 1024
MAX_NAME = 60
MAX_EMAIL = 254
_hasher = PasswordHasher()
# Verifying against this keeps a login for an unknown name as slow as one for a known name.
_DUMMY_HASH = _hasher.hash("not a real password")


def name_key(name: str) -> str:
    """Names compare without case or accents' composition: 'Maria' and 'maria' are one."""
    return unicodedata.normalize("NFKC", name).casefold()


def clean_name(raw: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", raw).split())


def valid_email(email: str) -> bool:
    """Empty (email is optional) or something shaped like an address."""
    return not email or (
        len(email) <= MAX_EMAIL and re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email) is not None
    )


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_error(password: str) -> Message | None:
    """What is wrong with a new password, if anything."""
    if len(password) < MIN_PASSWORD:
        return N_("Use a password of at least %(min)d characters.", min=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        return N_("Use a password of at most %(max)d characters.", max=MAX_PASSWORD)
    return None


def name_error(session: Session, name: str) -> Message | None:
    """What is wrong with a new name (cleaned), if anything: it must be free, too."""
    if not name:
        return N_("Enter a name. It can be a nickname.")
    # The folded key can be longer than the name ("ß" -> "ss"), and its column holds MAX_NAME.
    if len(name) > MAX_NAME or len(name_key(name)) > MAX_NAME:
        return N_("Use a name of at most %(max)d characters.", max=MAX_NAME)
    if any(unicodedata.category(char).startswith("C") for char in name):
        return N_("Use only letters, numbers and spaces in your name.")
    if queries.name_taken(session, name_key(name)):
        return TAKEN
    return None


TAKEN = N_("This name is already taken. Try another one.")


def register(
    session: Session, *, name: str, password: str, email: str = "", locale: str | None = None
) -> User:
    name = clean_name(name)
    email = email.strip()
    errors: dict[str, Message] = {}
    if message := name_error(session, name):
        errors["name"] = message
    if message := password_error(password):
        errors["password"] = message
    if not valid_email(email):
        errors["email"] = N_("Enter an email address like name@example.org, or leave it empty.")
    if errors:
        raise FormErrors(errors)
    user = User(
        name=name,
        name_key=name_key(name),
        password_hash=hash_password(password),
        email=email or None,
        locale=locale if locale in OFFERED_LOCALES else None,
    )
    try:
        # Two people sending the same new name at once both pass the check above; the unique
        # index lets one in, and the other gets the form back, not an error page.
        with session.begin_nested():
            session.add(user)
    except IntegrityError as taken:
        raise FormErrors({"name": TAKEN}) from taken
    return user


def authenticate(session: Session, *, name: str, password: str) -> User:
    user = queries.user_by_name_key(session, name_key(clean_name(name)))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        user = None
    if user is None:
        raise FormErrors({"password": N_("The name or the password is not right. Try again.")})
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.add(user)
    return user


def update_preferences(session: Session, user: User, *, locale: str, email: str) -> None:
    email = email.strip()
    errors: dict[str, Message] = {}
    if locale and locale not in OFFERED_LOCALES:
        errors["locale"] = N_("Choose one of the languages in the list.")
    if not valid_email(email):
        errors["email"] = N_("Enter an email address like name@example.org, or leave it empty.")
    if errors:
        raise FormErrors(errors)
    user.locale = locale or None
    user.email = email or None
    session.add(user)


def grant(session: Session, user: User, role: Role, region: Region) -> bool:
    """Give a role in a region; whether it is new (granting it again changes nothing)."""
    assert user.id is not None and region.id is not None
    if queries.membership(session, user.id, region.id, role.value) is not None:
        return False
    try:
        with session.begin_nested():  # the same role granted twice at once: one membership
            session.add(Membership(user_id=user.id, region_id=region.id, role=role.value))
    except IntegrityError:
        return False
    return True


def check_password(user: User, password: str) -> bool:
    try:
        return bool(_hasher.verify(user.password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def viewer_of(session: Session, user: User) -> Viewer:
    """The person as the rules see them: their roles, and the organisation they answer for."""
    assert user.id is not None
    organisation = session.get(Organisation, user.organisation_id) if user.organisation_id else None
    return Viewer(user, queries.roles_of(session, user.id), organisation)
