"""The list of regions, and a region's concerns: filters, keyset pages, htmx rows."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import select

from forum.models import Status, Topic
from tests.factories import count_queries, html

START = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def concern_ids(page) -> list[int]:
    return [int(a["href"].removeprefix("/c/")) for a in page.select("li.concern-row h3 a")]


def test_it_lists_active_regions_with_waiting_and_answered_counts(client, make):
    alentejo = make.region("alentejo", name="Alentejo")
    make.region("lapland", name="Lapland")
    make.region("closed-pilot", name="Closed pilot", active=False)
    author = make.user()
    make.concern(alentejo, author)
    make.concern(alentejo, author)
    make.concern(alentejo, author, hidden=True)
    make.concern(alentejo, author, status=Status.answered)
    make.concern(alentejo, author, status=Status.resolved)
    make.concern(alentejo, author, status=Status.answered, hidden=True)
    make.concern(alentejo, author, status=Status.closed)

    cards = html(client.get("/")).select("li.card")

    assert [card.h2.text.strip() for card in cards] == ["Alentejo", "Lapland"]
    assert cards[0].h2.a["href"] == "/r/alentejo"
    counts = [span.text.strip() for span in cards[0].select(".counts span")]
    assert counts == ["2 concerns waiting for an answer", "2 answered"]
    counts = [span.text.strip() for span in cards[1].select(".counts span")]
    assert counts == ["0 concerns waiting for an answer", "0 answered"]


def test_it_lists_a_regions_concerns_by_latest_activity(client, make):
    region = make.region("alentejo")
    author = make.user()
    old = make.concern(region, author, last_activity_at=START - timedelta(days=3))
    new = make.concern(region, author, last_activity_at=START)
    middle = make.concern(region, author, last_activity_at=START - timedelta(days=1))
    hidden = make.concern(region, author, hidden=True)
    elsewhere = make.concern(make.region(), author)

    ids = concern_ids(html(client.get("/r/alentejo")))

    assert ids == [new.id, middle.id, old.id]
    assert hidden.id not in ids and elsewhere.id not in ids


def test_it_filters_by_status(client, make):
    region = make.region("alentejo")
    author = make.user()
    waiting = make.concern(region, author)
    answered = make.concern(region, author, status=Status.answered)
    make.concern(region, author, status=Status.closed)

    assert concern_ids(html(client.get("/r/alentejo?status=open"))) == [waiting.id]
    page = html(client.get("/r/alentejo?status=answered"))
    assert concern_ids(page) == [answered.id]
    assert page.select_one("#status option[selected]")["value"] == "answered"


def test_it_filters_by_audience(client, make):
    region = make.region("alentejo")
    author = make.user()
    for_providers = make.concern(region, author, audiences=["technology_providers"])
    make.concern(region, author, audiences=["citizens"])
    make.concern(region, author)

    page = html(client.get("/r/alentejo?audience=technology_providers"))

    assert concern_ids(page) == [for_providers.id]
    assert page.select_one("#audience option[selected]")["value"] == "technology_providers"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("status=lost", "We do not know that status, so all statuses are shown."),
        ("audience=aliens", "We do not know that audience, so all audiences are shown."),
    ],
)
def test_it_explains_an_unknown_filter_and_shows_everything(client, make, query, message):
    region = make.region("alentejo", default_locale="en")
    concern = make.concern(region, make.user())

    response = client.get(f"/r/alentejo?{query}")

    assert response.status_code == 400
    page = html(response)
    assert [notice.text.strip() for notice in page.select(".notice")] == [message]
    assert concern_ids(page) == [concern.id]


def make_45_concerns(make):
    region = make.region("alentejo")
    author = make.user()
    # Three concerns share each moment, so that pages also break between equal times.
    concerns = [
        make.concern(region, author, last_activity_at=START - timedelta(hours=n // 3))
        for n in range(45)
    ]
    newest_first = sorted(concerns, key=lambda c: (c.last_activity_at, c.id), reverse=True)
    return [concern.id for concern in newest_first]


def test_it_pages_through_every_concern_once_by_keyset(client, make):
    expected = make_45_concerns(make)

    seen, pages, url = [], 0, "/r/alentejo"
    while url:
        page = html(client.get(url))
        pages += 1
        seen += concern_ids(page)
        more = page.select_one("li.more a")
        url = more["href"] if more else None
        if url:
            query = parse_qs(urlsplit(url).query)
            assert "after" in query and "offset" not in query and "page" not in query

    assert pages == 3
    assert seen == expected


def test_it_keeps_the_filters_on_the_older_concerns_link(client, make):
    region = make.region("alentejo")
    author = make.user()
    for n in range(50):  # 33 for citizens
        make.concern(region, author, audiences=["citizens"] if n % 3 else [])

    more = html(client.get("/r/alentejo?audience=citizens&status=open")).select_one("li.more a")

    query = parse_qs(urlsplit(more["href"]).query)
    assert query["audience"] == ["citizens"] and query["status"] == ["open"]
    older = html(client.get(more["href"]))
    assert len(concern_ids(older)) == 13
    assert older.select_one("li.more") is None


def test_it_answers_htmx_with_the_older_rows_only(client, make):
    expected = make_45_concerns(make)
    more = html(client.get("/r/alentejo")).select_one("li.more a")

    response = client.get(more["href"], headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "<html" not in response.text and "<ol" not in response.text
    rows = html(response)
    assert concern_ids(rows) == expected[20:40]
    assert rows.select_one("li.more a")["hx-get"].startswith("/r/alentejo?after=")


@pytest.mark.parametrize(
    "after",
    [
        "junk",
        "~",
        "2025-03-01T12:00:00~abc",
        "2025-03-01T12:00:00~99999999999999999999999",
        "0001-01-01T00:00:00+14:00~5",
        "9999-12-31T23:59:59-14:00~5",
        "2025-13-45T99:00:00~5",
    ],
)
def test_it_ignores_a_junk_after_value(client, make, after):
    region = make.region("alentejo")
    concern = make.concern(region, make.user())

    response = client.get("/r/alentejo", params={"after": after})

    assert response.status_code == 200
    assert concern_ids(html(response)) == [concern.id]


def test_it_runs_the_same_number_of_queries_for_5_and_50_concerns(client, make, db, app):
    topics = db.exec(select(Topic)).all()
    audiences = ["local_administration", "technology_providers", "citizens"]
    few, many = make.region("few"), make.region("many")
    author = make.user()
    for region, number in ((few, 5), (many, 50)):
        for n in range(number):
            make.concern(
                region,
                author,
                topic_id=topics[n % len(topics)].id,
                audiences=audiences[: 1 + n % 3],
            )

    with count_queries(app.state.engine) as for_few:
        assert len(concern_ids(html(client.get("/r/few")))) == 5
    with count_queries(app.state.engine) as for_many:
        assert len(concern_ids(html(client.get("/r/many")))) == 20

    assert len(for_few) == len(for_many)


def test_it_filters_by_topic_and_by_words(client, make):
    region = make.region("penedes")
    author = make.user()
    energy = make.concern(region, author, title="Smoke from the plant", topic_id=1)
    make.concern(region, author, title="The bus app", body="No phone booking", topic_id=2)

    by_topic = html(client.get("/r/penedes?topic=energy")).select(".concern-row h3")
    by_words = html(client.get("/r/penedes?q=PHONE+booking")).select(".concern-row h3")
    unknown = client.get("/r/penedes?topic=nonsense")

    assert [row.text.strip() for row in by_topic] == [energy.title]
    assert [row.text.strip() for row in by_words] == ["The bus app"]
    assert unknown.status_code == 400
    assert len(html(unknown).select(".concern-row")) == 2


def test_it_keeps_every_filter_in_the_link_to_older_concerns(client, make, settings):
    region = make.region("alentejo")
    author = make.user()
    for n in range(25):
        make.concern(region, author, title=f"Bus {n}", topic_id=2, audiences=["citizens"])

    page = html(client.get("/r/alentejo?topic=mobility&audience=citizens&q=bus"))

    older = page.select_one("li.more a")["href"]
    assert "topic=mobility" in older and "audience=citizens" in older and "q=bus" in older
