"""Atom 1.0 (RFC 4287) documents of what is public: a region's new concerns and official answers,
and a concern with its replies.

A feed is one shared document, not one reader's page: its words are in the region's language,
and each entry says in which language it was written.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session

from forum.concerns.queries import ConcernView
from forum.feeds import queries
from forum.i18n import N_, Translator, bcp47, negotiate, translator
from forum.labels import FORMER_MEMBER
from forum.models import Concern, Region

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
MAX_ENTRIES = 50
# Characters XML 1.0 cannot carry at all, not even escaped.
NOT_IN_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    title_lang: str | None  # when the title is not in the entry's language
    published: datetime
    link: str
    author: str
    content: str
    lang: str


@dataclass(frozen=True)
class Feed:
    """A feed of a page (a region's, a concern's): its own address is the page's + /feed.atom,
    which is also its id. Its entries are the newest few, newest first."""

    title: str
    title_lang: str | None
    updated: datetime
    page_url: str
    entries: list[Entry]

    @property
    def url(self) -> str:
        return f"{self.page_url}/feed.atom"


def region_feed(session: Session, region: Region, base_url: str) -> bytes:
    """The newest concerns and official answers of a region, newest first."""
    assert region.id is not None
    i18n = _feed_translator(region)
    concerns = queries.newest_concerns(session, region.id, MAX_ENTRIES)
    answers = queries.newest_official_answers(session, region.id, MAX_ENTRIES)
    # Answers first: at the same moment, an answer is newer than what it answers.
    entries = [_reply_entry(row, base_url, i18n) for row in answers]
    entries += [_concern_entry(row.concern, row.author_name, base_url, i18n) for row in concerns]
    title = i18n.message(N_("New concerns and official answers in %(region)s", region=region.name))
    page_url = f"{base_url}/r/{region.slug}"
    return render(Feed(title, None, region.created_at, page_url, _newest(entries)), i18n)


def concern_feed(session: Session, view: ConcernView, region: Region, base_url: str) -> bytes:
    """A concern and its replies, official answers among them, newest first."""
    concern = view.concern
    i18n = _feed_translator(region)
    replies = queries.newest_replies(session, concern, MAX_ENTRIES - 1)
    entries = [_concern_entry(concern, view.author_name, base_url, i18n)]
    entries += [_reply_entry(row, base_url, i18n) for row in replies]
    page_url = f"{base_url}/c/{concern.id}"
    language = bcp47(concern.language)
    return render(
        Feed(concern.title, language, concern.created_at, page_url, _newest(entries)), i18n
    )


def _feed_translator(region: Region) -> Translator:
    return translator(negotiate(region_default=region.default_locale))


def _newest(entries: list[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda entry: _utc(entry.published), reverse=True)[:MAX_ENTRIES]


def _concern_entry(concern: Concern, author_name: str, base_url: str, i18n: Translator) -> Entry:
    url = f"{base_url}/c/{concern.id}"
    return Entry(
        id=url,
        title=concern.title,
        title_lang=None,
        published=concern.created_at,
        link=url,
        # For a concern recorded at a meeting or by phone, the person met raised it.
        author=concern.source_person or author_name or i18n.message(FORMER_MEMBER),
        content=concern.body,
        lang=bcp47(concern.language),
    )


def _reply_entry(row: queries.ReplyRow, base_url: str, i18n: Translator) -> Entry:
    reply, concern = row.reply, row.concern
    author = row.author_name or i18n.message(FORMER_MEMBER)
    if reply.official:
        title = N_(
            "Official answer from %(organisation)s: %(title)s",
            organisation=reply.organisation or author,
            title=concern.title,
        )
    else:
        title = N_("Reply from %(name)s: %(title)s", name=author, title=concern.title)
    url = f"{base_url}/c/{concern.id}#reply-{reply.id}"
    return Entry(
        id=url,
        title=i18n.message(title),
        title_lang=i18n.lang,
        published=reply.created_at,
        link=url,
        author=author,
        content=reply.body,
        lang=bcp47(reply.language),
    )


def render(feed: Feed, i18n: Translator) -> bytes:
    # Plain names under a default namespace: ElementTree's own namespace handling would either
    # prefix every element (ns0:feed) or refuse the unprefixed attributes Atom uses.
    root = ET.Element("feed", {"xmlns": ATOM, XML_LANG: i18n.lang})
    _text(root, "id", feed.url)
    _text(root, "title", feed.title, lang=feed.title_lang)
    newest = feed.entries[0].published if feed.entries else feed.updated
    _text(root, "updated", _timestamp(newest))
    _link(root, "self", feed.url, "application/atom+xml")
    _link(root, "alternate", feed.page_url, "text/html")
    author = ET.SubElement(root, "author")
    _text(author, "name", i18n.gettext("Agora"))
    for entry in feed.entries:
        element = ET.SubElement(root, "entry", {XML_LANG: entry.lang})
        _text(element, "id", entry.id)
        _text(element, "title", entry.title, lang=entry.title_lang)
        _text(element, "published", _timestamp(entry.published))
        # Nothing is edited after it is published: updated is when it was written.
        _text(element, "updated", _timestamp(entry.published))
        _link(element, "alternate", entry.link, "text/html")
        entry_author = ET.SubElement(element, "author")
        _text(entry_author, "name", entry.author)
        _text(element, "content", entry.content).set("type", "text")
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def _text(parent: ET.Element, name: str, text: str, *, lang: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, name)
    element.text = NOT_IN_XML.sub("", text)
    if lang:
        element.set(XML_LANG, lang)
    return element


def _link(parent: ET.Element, rel: str, href: str, media_type: str) -> None:
    ET.SubElement(parent, "link", {"rel": rel, "href": href, "type": media_type})


def _utc(moment: datetime) -> datetime:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def _timestamp(moment: datetime) -> str:
    """RFC 3339, as Atom wants it: 2025-03-14T09:30:00Z."""
    return _utc(moment).isoformat(timespec="seconds").replace("+00:00", "Z")
