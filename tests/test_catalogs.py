"""The message catalogs are complete, consistent and never stale."""

import re

import pytest
from babel.messages.plurals import get_plural

from forum import catalogs
from forum.i18n import OFFERED_LOCALES, catalog, translator

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _messages(locale: str):
    return [m for m in catalogs.read(catalogs.po_path(locale), locale) if m.id]


def test_it_has_every_string_of_the_code_in_messages_pot():
    in_code = {m.id for m in catalogs.extracted() if m.id}
    in_template = {m.id for m in catalogs.read(catalogs.template_path()) if m.id}
    missing = in_code - in_template
    assert not missing, (
        f"run `forum i18n extract && forum i18n update`: {sorted(missing, key=str)[:5]}"
    )


@pytest.mark.parametrize("locale", OFFERED_LOCALES)
def test_it_translates_every_message(locale):
    in_template = {m.id for m in catalogs.read(catalogs.template_path()) if m.id}
    messages = {m.id: m for m in _messages(locale)}
    assert in_template <= set(messages), "run `forum i18n update`"
    untranslated = [
        m.id
        for m in messages.values()
        if m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string])
    ]
    assert not untranslated, untranslated[:5]


@pytest.mark.parametrize("locale", OFFERED_LOCALES)
def test_it_keeps_every_placeholder(locale):
    for message in _messages(locale):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = sorted(set(PLACEHOLDER.findall(ids[-1])))
        for string in strings:
            assert sorted(set(PLACEHOLDER.findall(string))) == expected, message.id


@pytest.mark.parametrize("locale", OFFERED_LOCALES)
def test_it_takes_plural_forms_from_cldr(locale):
    parsed = catalogs.read(catalogs.po_path(locale), locale)
    cldr = get_plural(locale)
    assert (parsed.num_plurals, parsed.plural_expr) == (cldr.num_plurals, cldr.plural_expr)


@pytest.mark.parametrize("locale", OFFERED_LOCALES)
def test_it_uses_the_catalog_as_it_is_on_disk(locale):
    """The app compiles each .po when it starts; what it uses matches the file now."""
    in_use = catalog(locale)
    for message in _messages(locale):
        if isinstance(message.id, str):
            assert in_use.gettext(message.id) == (message.string or message.id)
    assert translator(locale).locale == locale


@pytest.mark.parametrize("locale", [locale for locale in OFFERED_LOCALES if locale != "en"])
def test_it_never_passes_english_off_as_a_translation(locale):
    """A message of two words or more that reads exactly like the English was not translated
    (single words such as "Partner" or "Status" may well be the same)."""
    copied = [
        m.id
        for m in _messages(locale)
        if isinstance(m.id, str)
        and m.string == m.id
        and len(PLACEHOLDER.sub("", m.id).split()) >= 2
        and m.id != "“%(title)s” in %(region)s"
    ]
    assert not copied, copied
