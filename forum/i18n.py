"""Languages: which locales we offer, how a request picks one, and translating text.

Catalogs are read from locales/<locale>/LC_MESSAGES/messages.po and compiled in memory when
the app starts, so the catalog in use always matches the .po file on disk.
"""

from __future__ import annotations

import gettext
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from typing import Any

from babel import Locale
from babel.dates import TIMEDELTA_UNITS, format_date, format_datetime, format_timedelta
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from forum.models import utcnow
from forum.resources import resource_dir

DEFAULT_LOCALE = "en"
# The locales a person can choose, in the switcher's order. A region's default locale that is
# not listed here falls back to English.
OFFERED_LOCALES: tuple[str, ...] = ("en", "pt_PT", "es", "ca", "it", "de", "fi", "sv", "nb")
# A bare language, or a regional variant, that means one of ours.
LANGUAGE_ALIASES = {"pt": "pt_PT", "no": "nb", "nn": "nb", "nb": "nb"}
LANG_COOKIE = "lang"
# A pseudo-locale for tests, never offered to people: every translated string comes out
# wrapped in markers, so text that skipped the catalog stands out.
PSEUDO_LOCALE = "en_XA"
PSEUDO_OPEN, PSEUDO_CLOSE = "⟦", "⟧"


def N_(msgid: str, **params: Any) -> Message:
    """Mark text for translation now, translate it later in the reader's language."""
    return Message(msgid, params)


@dataclass(frozen=True)
class Message:
    msgid: str
    params: dict[str, Any] = field(default_factory=dict)


def bcp47(locale: str) -> str:
    """pt_PT -> pt-PT, the form HTML's lang attribute wants."""
    return locale.replace("_", "-")


def normalize(tag: str | None, offered: tuple[str, ...] = OFFERED_LOCALES) -> str | None:
    """The offered locale that a tag such as 'pt-PT', 'pt', 'nb_NO' or 'en-GB' means, if any."""
    if not tag:
        return None
    tag = tag.strip().replace("-", "_")
    if not re.fullmatch(r"[A-Za-z]{2,3}(_[A-Za-z0-9]{2,8})*", tag):
        return None
    by_lower = {locale.lower(): locale for locale in offered}
    if tag.lower() in by_lower:
        return by_lower[tag.lower()]
    language = tag.split("_", 1)[0].lower()
    alias = LANGUAGE_ALIASES.get(language)
    if alias in offered:
        return alias
    return by_lower.get(language)


def parse_accept_language(header: str | None) -> list[str]:
    """Language tags from an Accept-Language header, best first; junk is skipped."""
    if not header:
        return []
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        match = re.search(r"q\s*=\s*([^;\s]*)", params)
        if match:
            # A quality that is not a number ("q=abc") drops the tag rather than ranking it first.
            try:
                quality = min(float(match.group(1)), 1.0)
            except ValueError:
                continue
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, position, tag.strip()))
    return [tag for _, _, tag in sorted(weighted)]


@lru_cache(maxsize=1024)  # every page asks it, twice, from the same few headers
def negotiate(
    *,
    preference: str | None = None,
    cookie: str | None = None,
    accept_language: str | None = None,
    region_default: str | None = None,
    offered: tuple[str, ...] = OFFERED_LOCALES,
) -> str:
    """The saved preference, else the cookie, else Accept-Language, else the region's, else en."""
    for candidate in (preference, cookie):
        locale = normalize(candidate, offered)
        if locale:
            return locale
    for tag in parse_accept_language(accept_language):
        locale = normalize(tag, offered)
        if locale:
            return locale
    return normalize(region_default, offered) or DEFAULT_LOCALE


class PseudoTranslations(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return f"{PSEUDO_OPEN}{message}{PSEUDO_CLOSE}"

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


@cache
def catalog(locale: str) -> gettext.NullTranslations:
    """The compiled catalog of a locale (English is the source language)."""
    if locale == PSEUDO_LOCALE:
        return PseudoTranslations()
    path = resource_dir("locales") / locale / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return gettext.NullTranslations()
    # A catalog compiled when the image was built (forum i18n compile) saves parsing at
    # start-up; one older than its .po is stale and ignored.
    mo = path.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= path.stat().st_mtime:
        with mo.open("rb") as compiled_file:
            return gettext.GNUTranslations(compiled_file)
    with path.open("rb") as po:
        parsed = read_po(po, locale=locale)
    compiled = io.BytesIO()
    write_mo(compiled, parsed, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


@cache
def autonym(locale: str) -> str:
    """A language's name in that language, as a switcher shows it: 'Português', 'Suomi'."""
    name = Locale.parse(locale).get_language_name(locale) or locale
    return name[:1].upper() + name[1:]


# The counts below this a translator remembers the words of: at most some 100 kB each.
COUNTS_REMEMBERED = 2000


class Translator:
    """Everything a page needs to speak one locale: text, plurals, dates and numbers."""

    def __init__(self, locale: str) -> None:
        self.locale = locale
        self.lang = bcp47(locale)
        self.babel = Locale.parse(DEFAULT_LOCALE if locale == PSEUDO_LOCALE else locale)
        self._catalog = catalog(locale)
        self._lengths: dict[tuple[str, int, bool, bool], str] = {}
        self._counts: dict[int, str] = {}

    def gettext(self, msgid: str) -> str:
        return self._catalog.gettext(msgid)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalog.ngettext(singular, plural, n)

    def message(self, message: Message | str) -> str:
        if isinstance(message, str):
            return message
        text = self.gettext(message.msgid)
        if not message.params:
            return text
        # A length of time in a message reads as "in 12 minutes", in the reader's language.
        params = {
            name: self.duration(value) if isinstance(value, timedelta) else value
            for name, value in message.params.items()
        }
        return text % params

    def duration(self, wait: timedelta) -> str:
        return self._length(wait, direction=True)

    def timestamp(self, moment: datetime, format: str = "medium") -> str:
        return format_datetime(moment, format=format, locale=self.babel)

    def ago(self, moment: datetime) -> str:
        """'3 days ago', in the reader's language."""
        return self._length(moment - utcnow(), direction=True)

    def age(self, moment: datetime) -> str:
        """'3 days': how long something has been waiting, in the reader's language."""
        return self._length(utcnow() - moment, direction=False)

    def _length(self, length: timedelta, *, direction: bool) -> str:
        """Babel's words for a length of time, remembered: they depend only on its unit, its
        rounded number and whether it is past, and Babel's plural rules are slow (a page
        says "3 days ago" for each reply)."""
        key = (*_unit_and_number(length.total_seconds()), direction)
        words = self._lengths.get(key)
        if words is None:
            words = format_timedelta(
                length, add_direction=direction, threshold=1.0, locale=self.babel
            )
            self._lengths[key] = words
        return words

    def day(self, value: date, format: str = "medium") -> str:
        """'14 Mar 2025': a calendar date without a time."""
        return format_date(value, format=format, locale=self.babel)

    def number(self, value: int | float) -> str:
        """'1,234' or '1 234'. Counts are remembered: a region's page says 40 of them, and
        Babel's formatting was 3.5% of its time."""
        if type(value) is not int or not 0 <= value < COUNTS_REMEMBERED:
            return format_decimal(value, locale=self.babel)
        words = self._counts.get(value)
        if words is None:
            words = self._counts[value] = format_decimal(value, locale=self.babel)
        return words


def _unit_and_number(seconds: float) -> tuple[str, int, bool]:
    """What format_timedelta(threshold=1.0) says of `seconds`: the unit, the number it
    rounds to, and whether it is to come (its loop, without the words)."""
    for unit, in_unit in TIMEDELTA_UNITS:
        value = abs(seconds) / in_unit
        if value >= 1.0 or unit == "second":
            if unit == "second" and value > 0:
                value = max(1, value)
            return unit, round(value), seconds >= 0
    raise AssertionError("seconds is the last unit")  # pragma: no cover


@cache
def translator(locale: str) -> Translator:
    return Translator(locale)
