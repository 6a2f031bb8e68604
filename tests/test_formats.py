"""Dates, numbers and plurals come out in the reader's locale (Babel's CLDR data)."""

from datetime import UTC, date, datetime, timedelta
from gettext import c2py

import pytest
from babel.messages.plurals import get_plural

from forum import catalogs
from forum.i18n import OFFERED_LOCALES, translator
from forum.models import utcnow

MARCH_14 = date(2026, 3, 14)


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "Mar 14, 2026"),
        ("pt_PT", "14/03/2026"),
        ("de", "14.03.2026"),
        ("fi", "14.3.2026"),
        ("sv", "14 mars 2026"),
        ("ca", "14 de març 2026"),
    ],
)
def test_it_writes_a_date_the_way_each_locale_does(locale, expected):
    assert translator(locale).day(MARCH_14) == expected


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "3 days ago"),
        ("pt_PT", "há 3 dias"),
        ("de", "vor 3 Tagen"),
        ("fi", "3 päivää sitten"),
        ("es", "hace 3 días"),
        ("it", "3 giorni fa"),
    ],
)
def test_it_says_how_long_ago_in_each_locale(locale, expected):
    assert translator(locale).ago(utcnow() - timedelta(days=3, minutes=1)) == expected


def test_it_writes_times_and_numbers_in_each_locale():
    moment = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
    assert translator("de").timestamp(moment, "short") == "14.03.26, 09:30"
    assert translator("fi").timestamp(moment, "short") == "14.3.2026 9.30"
    assert translator("en").number(12345.5) == "12,345.5"
    assert translator("de").number(12345.5) == "12.345,5"
    assert translator("pt_PT").number(12345.5) == "12\xa0345,5"


SAMPLES = (0, 1, 2, 3, 5, 11, 21, 101, 1_000_000)


@pytest.mark.parametrize("locale", OFFERED_LOCALES)
def test_it_picks_each_plural_form_by_the_locales_cldr_rule(locale):
    """Every plural message: the form used for n is the one CLDR's rule names for n."""
    rule = c2py(get_plural(locale).plural_expr)
    in_use = translator(locale)
    plurals = [
        m for m in catalogs.read(catalogs.po_path(locale), locale) if isinstance(m.id, tuple)
    ]
    assert plurals
    for message in plurals:
        for n in SAMPLES:
            expected = message.string[rule(n)]
            assert in_use.ngettext(message.id[0], message.id[1], n) == expected, (message.id, n)


@pytest.mark.parametrize("locale", OFFERED_LOCALES)
def test_it_counts_replies_with_the_number_in_every_locale(locale):
    one = translator(locale).ngettext("%(num)s reply", "%(num)s replies", 1) % {"num": 1}
    many = translator(locale).ngettext("%(num)s reply", "%(num)s replies", 5) % {"num": 5}
    assert "1" in one and "5" in many
