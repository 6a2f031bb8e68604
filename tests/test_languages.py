"""Which language a page speaks, and in which language each text was written."""

import pytest
from sqlmodel import select

from forum.i18n import OFFERED_LOCALES, negotiate, normalize, parse_accept_language
from forum.models import Concern, Reply, User
from tests.factories import html, log_in, post

NORDIC = ("en", "nb", "pt_PT")


def test_it_prefers_the_saved_preference_then_cookie_then_browser_then_region():
    everything = {
        "preference": "pt_PT",
        "cookie": "en",
        "accept_language": "en",
        "region_default": "en",
    }

    assert negotiate(**everything) == "pt_PT"
    assert negotiate(**{**everything, "preference": None}) == "en"
    assert negotiate(cookie="pt_PT", accept_language="en", region_default="en") == "pt_PT"
    assert negotiate(accept_language="pt-PT", region_default="en") == "pt_PT"
    assert negotiate(accept_language="en", region_default="pt_PT") == "en"
    assert negotiate(region_default="pt_PT") == "pt_PT"
    assert negotiate() == "en"


def test_it_passes_over_a_source_that_names_no_offered_language():
    assert negotiate(preference="fr", cookie="pt_PT") == "pt_PT"
    assert negotiate(cookie="fr", accept_language="ja, pt;q=0.5") == "pt_PT"
    assert negotiate(accept_language="fr, ja", region_default="pt_PT") == "pt_PT"
    assert negotiate(accept_language="fr", region_default="hr") == "en"


def test_it_offers_the_nine_pilot_locales():
    assert set(OFFERED_LOCALES) == {"en", "pt_PT", "es", "ca", "it", "de", "fi", "sv", "nb"}
    assert negotiate(accept_language="fi-FI, sv;q=0.8") == "fi"
    assert negotiate(accept_language="sv-FI") == "sv"
    assert negotiate(accept_language="de-AT") == "de"
    assert negotiate(accept_language="ca-ES, es;q=0.9") == "ca"


def test_it_respects_quality_values():
    assert parse_accept_language("en;q=0.3, pt-PT;q=0.9, fr") == ["fr", "pt-PT", "en"]
    assert negotiate(accept_language="en;q=0.3, pt-PT;q=0.9") == "pt_PT"
    assert negotiate(accept_language="pt-PT;q=0, en;q=0.1", region_default="pt_PT") == "en"
    assert negotiate(accept_language="pt;q=0.5, en;q=0.5") == "pt_PT"


def test_it_skips_wildcards_and_refusals():
    assert parse_accept_language("*, pt;q=0") == []
    assert negotiate(accept_language="*", region_default="pt_PT") == "pt_PT"


@pytest.mark.parametrize(
    ("tag", "locale"),
    [
        ("pt-PT", "pt_PT"),
        ("pt_PT", "pt_PT"),
        ("PT-pt", "pt_PT"),
        ("pt", "pt_PT"),
        ("pt-BR", "pt_PT"),
        ("en", "en"),
        ("en-GB", "en"),
        ("EN_us", "en"),
        (" en ", "en"),
    ],
)
def test_it_maps_a_tag_to_an_offered_locale(tag, locale):
    assert normalize(tag) == locale


@pytest.mark.parametrize("tag", ["no", "nb", "nb-NO", "nn", "NB_no"])
def test_it_reads_norwegian_as_bokmal_only_when_bokmal_is_offered(tag):
    assert normalize(tag, NORDIC) == "nb"
    assert normalize(tag, ("en", "pt_PT")) is None
    assert negotiate(accept_language=tag, offered=NORDIC) == "nb"
    assert negotiate(accept_language=tag, offered=("en", "pt_PT")) == "en"


@pytest.mark.parametrize(
    "tag", [None, "", "fr", "x", "english", "pt--PT", "../pt_PT", "pt_PT;", "pt PT", "é"]
)
def test_it_does_not_map_junk_to_a_locale(tag):
    assert normalize(tag) is None


@pytest.mark.parametrize(
    "header",
    [
        ";;;",
        ",,,",
        "q=abc",
        "pt;q=abc",
        "pt;q=",
        "pt;q=0.5.5",
        "pt;q=nan",
        "=;=,;q",
        "\x00\x01",
        "x" * 10_000,
        "pt-" + "x" * 10_000,
        ", ".join(["zz"] * 5_000),
        "é;q=1, ü",
    ],
)
def test_it_falls_back_quietly_on_a_malformed_header(header):
    assert negotiate(accept_language=header, region_default="en") == "en"
    assert negotiate(accept_language=header) == "en"


def test_it_does_not_rank_a_tag_with_a_broken_quality_first():
    assert negotiate(accept_language="pt;q=abc, en;q=0.5") == "en"


@pytest.mark.parametrize("cookie", ["xx", "pt_BR_evil!", "../../etc/passwd", "", "en;pt"])
def test_it_ignores_a_junk_cookie(cookie):
    assert negotiate(cookie=cookie, accept_language="pt-PT") == "pt_PT"


def lang_of(response) -> str:
    return html(response).html["lang"]


def test_it_speaks_english_by_default(client):
    response = client.get("/")

    assert lang_of(response) == "en"
    assert response.headers["content-language"] == "en"
    assert "Accept-Language" in response.headers["vary"]


def test_it_speaks_the_browsers_language(client):
    response = client.get("/", headers={"Accept-Language": "pt-PT,pt;q=0.9,en;q=0.8"})

    assert lang_of(response) == "pt-PT"
    assert response.headers["content-language"] == "pt-PT"


def test_it_speaks_the_regions_language_to_a_visitor_without_a_preference(client, make):
    region = make.region("alentejo", default_locale="pt_PT")
    concern = make.concern(region, make.user())

    assert lang_of(client.get("/r/alentejo")) == "pt-PT"
    assert lang_of(client.get(f"/c/{concern.id}")) == "pt-PT"
    assert lang_of(client.get("/r/alentejo", headers={"Accept-Language": "en"})) == "en"
    assert lang_of(client.get("/")) == "en"


def test_it_falls_back_to_english_for_a_region_language_it_does_not_offer(client, make):
    make.region("zagorje", default_locale="hr")  # Croatian comes later

    assert lang_of(client.get("/r/zagorje")) == "en"


def test_it_greets_a_visitor_of_lapland_in_finnish(client, make):
    make.region("lappi", default_locale="fi")

    assert lang_of(client.get("/r/lappi")) == "fi"


def test_it_remembers_the_language_chosen_in_the_switcher(client):
    response = client.get(
        "/language", params={"lang": "pt_PT", "next": "/r/x"}, follow_redirects=False
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/r/x"
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith("lang=pt_pt;")
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert lang_of(client.get("/", headers={"Accept-Language": "en"})) == "pt-PT"


def test_it_links_every_page_to_the_switcher_with_the_way_back(client, make):
    make.region("alentejo", default_locale="en")

    page = html(client.get("/r/alentejo?status=open"))

    link = page.select_one("ul.languages a[lang=pt-PT]")
    assert link["href"] == "/language?lang=pt_PT&next=%2Fr%2Falentejo%3Fstatus%3Dopen"
    assert page.select_one("ul.languages a[aria-current]")["lang"] == "en"
    response = client.get(link["href"], follow_redirects=False)
    assert response.headers["location"] == "/r/alentejo?status=open"


@pytest.mark.parametrize("lang", ["xx", "", "pt_PT; Domain=evil.example", "../en"])
def test_it_ignores_an_unknown_language_in_the_switcher(client, lang):
    response = client.get(
        "/language", params={"lang": lang, "next": "/r/x"}, follow_redirects=False
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/r/x"
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize("next", ["https://evil.example", "//evil.example", "/\\evil.example"])
def test_it_never_sends_the_switcher_elsewhere(client, next):
    response = client.get(
        "/language", params={"lang": "pt_PT", "next": next}, follow_redirects=False
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_it_prefers_a_saved_language_to_the_cookie(client, make):
    log_in(client, make.user(locale="en"))
    client.cookies.set("lang", "pt_PT")

    assert lang_of(client.get("/", headers={"Accept-Language": "pt-PT"})) == "en"


def test_it_saves_the_switchers_choice_for_someone_logged_in(client, make, db):
    user = make.user(locale="en")
    log_in(client, user)
    page = html(client.get("/"))
    button = page.select_one("ul.languages button[lang=pt-PT]")
    assert button.find_parent("form")["method"] == "post"

    post(client, "/language", {"lang": button["value"], "next": "/"})

    db.refresh(user)
    assert user.locale == "pt_PT"
    client.cookies.clear()
    log_in(client, user)
    assert lang_of(client.get("/")) == "pt-PT"


def test_a_link_from_elsewhere_changes_nothing_saved(client, make, db):
    user = make.user(locale="en")
    log_in(client, user)

    client.get("/language", params={"lang": "fi", "next": "/"})
    refused = client.post("/language", data={"lang": "fi", "next": "/"})  # no CSRF token

    db.refresh(user)
    assert (user.locale, refused.status_code) == ("en", 403)


def test_it_keeps_the_switchers_choice_when_someone_registers(client, db):
    client.get("/language", params={"lang": "pt_PT", "next": "/"})

    post(client, "/register", {"name": "Joana", "password": "a long password"})

    assert db.exec(select(User.locale).where(User.name == "Joana")).one() == "pt_PT"


def test_it_saves_no_language_for_someone_who_never_chose_one(client, make, db):
    make.region("alentejo", default_locale="pt_PT")

    post(client, "/register", {"name": "Joana", "password": "a long password"})

    assert db.exec(select(User.locale).where(User.name == "Joana")).one() is None
    assert lang_of(client.get("/r/alentejo")) == "pt-PT"


def test_it_labels_a_concern_and_each_reply_with_the_language_it_was_written_in(client, make, db):
    region = make.region("alentejo", default_locale="pt_PT")
    log_in(client, make.user("maria"))
    client.cookies.set("lang", "pt_PT")
    post(client, "/r/alentejo/new", {"title": "O autocarro", "body": "Não vem à aldeia."})
    concern = db.exec(select(Concern).where(Concern.region_id == region.id)).one()
    log_in(client, make.user("john"))
    client.cookies.set("lang", "en")
    post(client, f"/c/{concern.id}/replies", {"body": "Same here."})

    page = html(client.get(f"/c/{concern.id}"))

    assert concern.language == "pt_PT"
    assert db.exec(select(Reply.language)).one() == "en"
    assert page.html["lang"] == "en"
    assert page.select_one("article.concern")["lang"] == "pt-PT"
    [reply] = page.select("#conversation article.reply")
    assert reply["lang"] == "en"
    assert "Written in" in reply.select_one(".meta").text
    assert page.select_one("article.concern .meta")["lang"] == "en"


def test_lengths_of_time_read_as_babel_says_them_though_remembered():
    import random
    from datetime import timedelta

    from babel.dates import format_timedelta

    from forum.i18n import translator

    rng = random.Random(13)
    edges = [0, 0.4, 1, 59, 60, 89.5, 90, 3599, 3600, 5399, 5400, 86399, 570240, 604800]
    lengths = edges + [rng.uniform(0, 4 * 365 * 86400) for _ in range(300)]
    for locale in OFFERED_LOCALES:
        words = translator(locale)
        for seconds in lengths:
            for length in (timedelta(seconds=seconds), timedelta(seconds=-seconds)):
                said = format_timedelta(
                    length, add_direction=True, threshold=1.0, locale=words.babel
                )
                assert words.duration(length) == said, (locale, length)
                plain = format_timedelta(length, threshold=1.0, locale=words.babel)
                assert words._length(length, direction=False) == plain, (locale, length)


def test_numbers_read_as_babel_says_them_though_counts_are_remembered():
    from babel.numbers import format_decimal

    from forum.i18n import COUNTS_REMEMBERED, translator

    values = [0, 1, 999, 1000, 1234, COUNTS_REMEMBERED - 1, COUNTS_REMEMBERED, 123456, -5, 2.5]
    for locale in OFFERED_LOCALES:
        words = translator(locale)
        for _ in range(2):  # the second time from what is remembered
            for value in values:
                assert words.number(value) == format_decimal(value, locale=words.babel)
        assert set(words._counts) <= set(range(COUNTS_REMEMBERED))
