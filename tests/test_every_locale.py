"""Every page, in each of the nine locales, speaks that language: no English left behind.

The pseudo-locale sweep proves every visible string goes through the catalog, and the
catalog tests prove every catalog is complete; this walks the pages once per locale as
someone who holds every role, and fails on any English message text that is shown where
the locale has its own words for it.
"""

import re

import pytest
from bs4 import BeautifulSoup

from forum import catalogs
from forum.i18n import OFFERED_LOCALES, bcp47
from tests.factories import log_in
from tests.test_pseudo_locale import world  # noqa: F401  (the fixture)

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def english_left(locale: str) -> list[str]:
    """English messages (two words or more) that this locale says differently."""
    messages = catalogs.read(catalogs.po_path(locale), locale)
    return [
        m.id
        for m in messages
        if isinstance(m.id, str)
        and len(m.id.split()) >= 2
        and not PLACEHOLDER.search(m.id)
        and m.string
        and m.string != m.id
    ]


def visible_text(page: str) -> str:
    soup = BeautifulSoup(page, "html.parser")
    for hidden in soup(["script", "style"]):
        hidden.decompose()
    return " ".join(soup.stripped_strings)


@pytest.mark.parametrize("locale", [locale for locale in OFFERED_LOCALES if locale != "en"])
def test_it_shows_every_page_in_the_chosen_language(client, db, world, locale):  # noqa: F811
    concern, closed = world["concern"], world["closed"]
    world["staff"].is_admin = True
    db.add(world["staff"])
    db.commit()
    log_in(client, world["staff"])
    client.cookies.set("lang", locale)
    english = english_left(locale)
    assert len(english) > 100, "the catalog says too little in its own words"
    pages = [
        "/",
        "/r/xyzzy",
        "/r/xyzzy/new",
        "/r/xyzzy/record",
        f"/c/{concern.id}",
        f"/c/{closed.id}",
        f"/c/{concern.id}/flag",
        "/account",
        "/moderation",
        "/moderation/log",
        "/partner",
        "/r/xyzzy/summary",
        "/nowhere",
        "/account/password",
        "/account/delete",
        "/privacy",
        "/accessibility",
        "/admin",
        "/admin/regions",
        "/admin/regions/xyzzy",
        "/admin/topics",
        "/admin/organisations",
        "/admin/people?region=xyzzy",
        "/guide",
        "/r/xyzzy/services",
        "/r/xyzzy/services/xyzzy",
        "/r/xyzzy/services/new",
        "/r/xyzzy/services/xyzzy/edit",
        "/monitoring",
    ]
    problems = {}
    for path in pages:
        response = client.get(path)
        assert f'<html lang="{bcp47(locale)}"' in response.text, path
        text = visible_text(response.text)
        found = [message for message in english if message in text]
        if found:
            problems[path] = found[:5]
    assert not problems, problems


def test_it_greets_a_visitor_of_penedes_in_catalan(client, make):
    make.region("penedes", name="Penedès", default_locale="ca")

    page = client.get("/r/penedes", headers={"Accept-Language": ""})

    assert '<html lang="ca"' in page.text
    raise_button = catalogs.read(catalogs.po_path("ca"), "ca").get("Raise a concern")
    assert raise_button is not None and raise_button.string
    assert raise_button.string in visible_text(page.text)
