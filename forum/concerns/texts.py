"""What people type into a concern or a reply: cleaned, and checked, with a message for each
thing that is wrong. No database, no web framework."""

from __future__ import annotations

import re
from dataclasses import dataclass

from forum.i18n import N_, Message
from forum.photos import Photo

MAX_TITLE = 140
MAX_BODY = 5000
MAX_PERSON = 120
MAX_MEETING = 200
# The key a form carries so that sending it again is harmless (a page generates one; a
# phone keeps it with the draft, and resends it with the text when the signal is back).
CLIENT_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


@dataclass(frozen=True)
class Draft:
    """A concern as the person typed it: a title, what they wrote, a topic's slug (or none),
    and the key of the form it came from (a resend carries the same)."""

    title: str = ""
    body: str = ""
    topic: str = ""
    key: str | None = None
    language: str = ""  # the locale the person says the text is in; empty: the page's
    # A photo sent with it, already made safe (forum.photos), or why it could not be.
    photo: Photo | Message | None = None
    photo_alt: str = ""
    service: str = ""  # the slug of the region's piloted service it is about, or none


@dataclass(frozen=True)
class ReplyDraft:
    """A reply as typed, official or not, and the key of its form."""

    body: str = ""
    official: bool = False
    key: str | None = None


def clean_text(raw: str) -> str:
    """Trim the ends, keep the person's line breaks, drop control characters."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").strip()
    return "".join(char for char in text if char in "\n\t" or char.isprintable())


def one_line(raw: str) -> str:
    """A title or a name: cleaned, on one line, with single spaces."""
    return " ".join(clean_text(raw).split())


def client_key(raw: str) -> str | None:
    """The form's key, or None for a missing or malformed one (then only the text and the
    time tell a resend apart)."""
    raw = raw.strip()
    return raw if CLIENT_KEY.fullmatch(raw) else None


@dataclass(frozen=True)
class TextRule:
    """What a text field takes: something, and at most the characters its message names."""

    empty: Message
    too_long: Message

    def error(self, text: str) -> Message | None:
        if not text:
            return self.empty
        if len(text) > int(self.too_long.params["max"]):
            return self.too_long
        return None


TITLE = TextRule(
    N_("Enter a short title for your concern."),
    N_("Use a title of at most %(max)d characters.", max=MAX_TITLE),
)
BODY = TextRule(
    N_("Describe your concern."),
    N_("Use at most %(max)d characters to describe your concern.", max=MAX_BODY),
)
REPLY = TextRule(
    N_("Write your reply."),
    N_("Use at most %(max)d characters in your reply.", max=MAX_BODY),
)
# Concerns recorded for someone met at a meeting or on the phone (assisted.py).
PERSON = TextRule(
    N_("Enter the person's name or initials."),
    N_("Use at most %(max)d characters for the person's name.", max=MAX_PERSON),
)
MEETING = TextRule(
    N_("Enter the name of the meeting."),
    N_("Use at most %(max)d characters for the meeting's name.", max=MAX_MEETING),
)
