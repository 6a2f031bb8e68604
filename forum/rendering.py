"""The Jinja environment that pages and emails share: the templates folder, gettext in the
reader's language, and the filters that format dates, numbers and people's plain text.

No web framework here: emails are written with it by the notifications, outside any request.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from datetime import date, datetime
from functools import cache
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from forum import labels
from forum.i18n import OFFERED_LOCALES, Message, Translator, autonym, bcp47
from forum.piloted.diagram import diagram
from forum.piloted.texts import steps_of
from forum.resources import resource_dir

_URL = re.compile(r"""\bhttps?://[^\s<>"']+""")
_TRAILING = ".,;:!?)]}"


def _link(match: re.Match[str]) -> str:
    url = match.group(0)
    trail = ""
    while url and url[-1] in _TRAILING:
        trail = url[-1] + trail
        url = url[:-1]
    return f'<a href="{url}" rel="nofollow ugc noopener">{url}</a>{trail}'


def plain_text(text: str) -> Markup:
    """What a person wrote, for a page: everything escaped, web addresses made into links,
    line breaks kept as <br>."""
    escaped = str(escape(text))
    linked = _URL.sub(_link, escaped)
    return Markup(linked.replace("\n", "<br>\n"))


def _i18n(context: Context) -> Translator:
    i18n: Translator = context["i18n"]
    return i18n


# `_()` and `ngettext()` as jinja2.ext's "newstyle" gettext has them (the text is escaped,
# then its %(name)s are filled with the escaped values), in one call rather than three: Jinja's
# `_` looks up `gettext`, which calls the function installed. A page calls them 60 times.
@pass_context
def _gettext(context: Context, msgid: str, /, **variables: Any) -> str:
    i18n = _i18n(context)
    text = _markup(i18n, msgid) if context.eval_ctx.autoescape else i18n.gettext(msgid)
    if not variables and "%" not in text:
        return text  # most of a page's strings: `%` would only copy them
    return text % variables


@cache
def _markup(i18n: Translator, msgid: str) -> Markup:
    """A template's own text in one language, as HTML: made once, not at every page (with
    the `%` left out, that was two thirds of what `_` cost)."""
    return Markup(i18n.gettext(msgid))


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int, /, **variables: Any) -> str:
    variables.setdefault("num", n)
    text = _i18n(context).ngettext(singular, plural, n)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


@pass_context
def _translate(context: Context, message: Message | str) -> str:
    """`{{ error|t }}`: a message from Python code, in the reader's language."""
    return _i18n(context).message(message)


@pass_context
def _person(context: Context, name: str | None) -> str:
    """`{{ author|person }}`: a person's name; an erased account has none any more, and is
    called a former member, in the reader's language."""
    return name or _i18n(context).message(labels.FORMER_MEMBER)


@pass_context
def _ago(context: Context, moment: datetime) -> str:
    return _i18n(context).ago(moment)


@pass_context
def _age(context: Context, moment: datetime) -> str:
    return _i18n(context).age(moment)


@pass_context
def _day(context: Context, value: date) -> str:
    return _i18n(context).day(value)


@pass_context
def _datetime(context: Context, moment: datetime, format: str = "medium") -> str:
    return _i18n(context).timestamp(moment, format)


@pass_context
def _number(context: Context, value: int) -> str:
    return _i18n(context).number(value)


@pass_context
def _options(
    context: Context, rows: Iterable[Any], table: dict[str, Message] | None = None
) -> list[tuple[str, str]]:
    """(value, label) pairs for a list to choose from, in the reader's language: from rows
    with a slug and a name (topics, audiences: `table` names those it translates) or with a
    number and a name (organisations), from slugs (named by `table`), from a {value: label}
    table, or from (value, label) pairs."""
    if isinstance(rows, dict):
        return [(value, _i18n(context).message(label)) for value, label in rows.items()]
    pairs = []
    for row in rows:
        if isinstance(row, str):
            pairs.append((row, _i18n(context).message(labels.label(table or {}, row))))
        elif hasattr(row, "slug"):
            label = labels.label(table or {}, row.slug, row.name)
            pairs.append((row.slug, _i18n(context).message(label)))
        elif hasattr(row, "name"):  # a row known by its number (an organisation)
            pairs.append((str(row.id), row.name))
        else:
            value, label = row
            pairs.append((str(value), _i18n(context).message(label)))
    return pairs


# Each offered language as the switcher shows it: its code, its HTML lang and its name in its
# own words. Made once, not with two filters and a call per language on every page.
LANGUAGES = [(code, bcp47(code), autonym(code)) for code in OFFERED_LOCALES]


def make_environment(*, autoescape: bool = True) -> Environment:
    """The templates folder with gettext and Agora's filters. `autoescape=False` is for the
    parts of an email that are not HTML (its subject and its plain text)."""
    env = Environment(
        loader=FileSystemLoader(resource_dir("templates")),
        autoescape=autoescape,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.newstyle_gettext = True  # type: ignore[attr-defined]
    env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext)
    env.policies["ext.i18n.trimmed"] = True
    env.filters.update(
        t=_translate,
        person=_person,
        ago=_ago,
        age=_age,
        day=_day,
        datetime=_datetime,
        number=_number,
        plain=plain_text,
        urlquote=lambda value: quote(str(value), safe=""),
        bcp47=bcp47,
        options=_options,
    )
    env.globals.update(
        labels=labels,
        autonym=autonym,
        offered_locales=OFFERED_LOCALES,
        # Each language as a list to choose from shows it: in its own words.
        locale_options=[(code, name) for code, _lang, name in LANGUAGES],
        languages=LANGUAGES,
        new_client_key=lambda: secrets.token_urlsafe(18),
        steps_of=steps_of,
        diagram=diagram,
    )
    return env
