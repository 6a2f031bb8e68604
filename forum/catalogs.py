"""The translator's workflow: extract, update, compile and start catalogs (forum i18n ...)."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from forum.resources import resource_dir

SOURCE_ROOT = Path(__file__).resolve().parent.parent
METHOD_MAP = [("forum/**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS_MAP = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}
PROJECT = "Agora"


def locales_dir() -> Path:
    return resource_dir("locales")


def template_path() -> Path:
    return locales_dir() / "messages.pot"


def po_path(locale: str) -> Path:
    return locales_dir() / locale / "LC_MESSAGES" / "messages.po"


def catalog_locales() -> list[str]:
    return sorted(p.parent.parent.name for p in locales_dir().glob("*/LC_MESSAGES/messages.po"))


def extracted() -> Catalog:
    """Every translatable string the code and templates use, as they are now."""
    template = Catalog(project=PROJECT, charset="utf-8", fuzzy=False)
    messages = extract_from_dir(
        str(SOURCE_ROOT),
        METHOD_MAP,
        OPTIONS_MAP,
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    )
    for filename, lineno, message, comments, context in messages:
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=locale)


def write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        write_po(
            file, catalog, width=100, sort_output=False, omit_header=False, ignore_obsolete=True
        )


def extract() -> int:
    catalog = extracted()
    catalog.creation_date = datetime(2026, 1, 1)  # a fixed date keeps the diff to real changes
    write(template_path(), catalog)
    print(f"forum: {len(catalog)} messages in {template_path()}", file=sys.stderr)
    return 0


def update() -> int:
    template = read(template_path())
    for locale in catalog_locales():
        catalog = read(po_path(locale), locale)
        catalog.update(template, update_header_comment=False)
        if locale == "en":
            _fill_english(catalog)
        write(po_path(locale), catalog)
        print(f"forum: updated {locale}", file=sys.stderr)
    return 0


def compile() -> int:
    for locale in catalog_locales():
        catalog = read(po_path(locale), locale)
        with po_path(locale).with_suffix(".mo").open("wb") as file:
            write_mo(file, catalog, use_fuzzy=False)
        print(f"forum: compiled {locale}", file=sys.stderr)
    return 0


def init(locale: str) -> int:
    Locale.parse(locale)  # refuses unknown locales
    if po_path(locale).exists():
        print(f"forum: {po_path(locale)} exists already", file=sys.stderr)
        return 2
    template = read(template_path())
    catalog = Catalog(locale=locale, project=PROJECT, fuzzy=False)
    catalog.update(template)
    if locale == "en":
        _fill_english(catalog)
    write(po_path(locale), catalog)
    print(f"forum: started {po_path(locale)}", file=sys.stderr)
    return 0


def untranslated(locale: str) -> list[str]:
    """The msgids of a locale's catalog that are missing, empty or fuzzy."""
    template = {m.id for m in read(template_path()) if m.id}
    messages = {m.id: m for m in read(po_path(locale), locale) if m.id}
    missing = [str(msgid) for msgid in template if msgid not in messages]
    return missing + [
        str(m.id)
        for m in messages.values()
        if m.id in template
        and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string]))
    ]


def status() -> int:
    """How complete each catalog is: a line per locale."""
    total = len([m for m in read(template_path()) if m.id])
    for locale in catalog_locales():
        left = len(untranslated(locale))
        print(f"{locale:6} {total - left:4}/{total} translated, {left} to do", file=sys.stderr)
    return 0


def _fill_english(catalog: Catalog) -> None:
    """English is the source language: its catalog says each message as written."""
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):  # English has two forms: singular and plural
            message.string = (message.id[0], message.id[1])
        else:
            message.string = message.id
        message.flags.discard("fuzzy")
