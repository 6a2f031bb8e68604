"""Atom feeds of a region and of a concern: valid Atom 1.0, public posts only, newest first."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest

from forum.models import Role, Status
from tests.factories import count_queries, html

ATOM = "http://www.w3.org/2005/Atom"
NS = {"atom": ATOM}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
START = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def hours(n: float) -> datetime:
    return START + timedelta(hours=n)


def feed_of(client, path: str) -> ET.Element:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content)


def entries(feed: ET.Element) -> list[ET.Element]:
    return feed.findall("atom:entry", NS)


def ids(feed: ET.Element) -> list[str]:
    return [entry.findtext("atom:id", namespaces=NS) for entry in entries(feed)]


def rfc3339(text: str | None) -> datetime:
    assert text and text.endswith("Z"), text
    return datetime.fromisoformat(text)


@pytest.fixture
def region(make):
    return make.region("alentejo", name="Alentejo", default_locale="pt_PT")


@pytest.fixture
def people(make, region):
    citizen = make.user("maria")
    partner = make.user("ana", roles={Role.partner: [region]}, organisation="Energia Lda")
    return citizen, partner


def assert_valid_feed(feed: ET.Element, self_path: str, page_path: str) -> None:
    """What RFC 4287 requires of a feed and of each entry (section 4.1)."""
    assert feed.tag == f"{{{ATOM}}}feed"
    assert feed.findtext("atom:id", namespaces=NS) == f"http://testserver{self_path}"
    assert feed.findtext("atom:title", namespaces=NS)
    rfc3339(feed.findtext("atom:updated", namespaces=NS))
    links = {link.get("rel"): link for link in feed.findall("atom:link", NS)}
    assert links["self"].get("href") == f"http://testserver{self_path}"
    assert links["self"].get("type") == "application/atom+xml"
    assert links["alternate"].get("href") == f"http://testserver{page_path}"
    assert feed.findtext("atom:author/atom:name", namespaces=NS)
    for entry in entries(feed):
        assert entry.findtext("atom:id", namespaces=NS).startswith("http://testserver/c/")
        assert entry.findtext("atom:title", namespaces=NS)
        rfc3339(entry.findtext("atom:updated", namespaces=NS))
        rfc3339(entry.findtext("atom:published", namespaces=NS))
        [link] = entry.findall("atom:link", NS)
        assert link.get("rel") == "alternate"
        assert link.get("href").startswith("http://testserver/c/")
        assert entry.findtext("atom:author/atom:name", namespaces=NS)
        content = entry.find("atom:content", NS)
        assert content is not None and content.get("type") == "text"
        assert entry.get(XML_LANG)
    assert len(set(ids(feed))) == len(entries(feed))


def test_it_serves_a_valid_atom_feed_of_a_region(client, make, region, people):
    citizen, partner = people
    concern = make.concern(region, citizen, created_at=hours(1))
    make.reply(concern, partner, official=True, created_at=hours(2))

    feed = feed_of(client, "/r/alentejo/feed.atom")

    assert_valid_feed(feed, "/r/alentejo/feed.atom", "/r/alentejo")
    assert len(entries(feed)) == 2
    updated = rfc3339(feed.findtext("atom:updated", namespaces=NS))
    assert updated == hours(2)


def test_it_lists_new_concerns_and_official_answers_newest_first(client, make, region, people):
    citizen, partner = people
    old = make.concern(region, citizen, created_at=hours(1), title="Old concern")
    new = make.concern(region, citizen, created_at=hours(3), title="New concern")
    answer = make.reply(old, partner, official=True, created_at=hours(2), body="Fixed it.")
    make.reply(old, citizen, created_at=hours(4), body="A plain reply is not in the region feed")
    make.concern(make.region(), citizen, created_at=hours(5), title="Another region")

    feed = feed_of(client, "/r/alentejo/feed.atom")

    base = "http://testserver/c"
    assert ids(feed) == [
        f"{base}/{new.id}",
        f"{base}/{old.id}#reply-{answer.id}",
        f"{base}/{old.id}",
    ]
    newest, official, _oldest = entries(feed)
    assert newest.findtext("atom:title", namespaces=NS) == "New concern"
    assert newest.findtext("atom:author/atom:name", namespaces=NS) == "maria"
    assert newest.findtext("atom:content", namespaces=NS) == "The bus does not come to our village."
    assert official.findtext("atom:content", namespaces=NS) == "Fixed it."
    assert official.findtext("atom:author/atom:name", namespaces=NS) == "ana"
    assert "Energia Lda" in official.findtext("atom:title", namespaces=NS)
    assert "Old concern" in official.findtext("atom:title", namespaces=NS)
    assert official.find("atom:link", NS).get("href") == f"{base}/{old.id}#reply-{answer.id}"


def test_it_keeps_at_most_50_entries_the_newest(client, make, region, people):
    citizen, partner = people
    concerns = [make.concern(region, citizen, created_at=hours(n)) for n in range(40)]
    for n, concern in enumerate(concerns[:20]):
        make.reply(concern, partner, official=True, created_at=hours(n + 0.5))

    feed = feed_of(client, "/r/alentejo/feed.atom")

    times = [rfc3339(e.findtext("atom:updated", namespaces=NS)) for e in entries(feed)]
    assert len(times) == 50
    assert times == sorted(times, reverse=True)
    assert times[0] == hours(39)


def test_it_leaves_out_hidden_posts(client, make, region, people):
    citizen, partner = people
    shown = make.concern(region, citizen, title="Shown")
    hidden = make.concern(region, citizen, title="Hidden concern", hidden=True)
    make.reply(hidden, partner, official=True, body="Answer on a hidden concern")
    make.reply(shown, partner, official=True, body="Hidden answer", hidden=True)
    make.reply(shown, citizen, body="Hidden reply", hidden=True)

    region_feed = client.get("/r/alentejo/feed.atom").text
    concern_feed = client.get(f"/c/{shown.id}/feed.atom").text

    assert ids(ET.fromstring(region_feed)) == [f"http://testserver/c/{shown.id}"]
    for text in ("Hidden concern", "Answer on a hidden concern", "Hidden answer", "Hidden reply"):
        assert text not in region_feed
        assert text not in concern_feed
    assert client.get(f"/c/{hidden.id}/feed.atom").status_code == 404


def test_it_sets_the_language_of_the_feed_and_of_each_entry(client, make, region, people):
    citizen, partner = people
    concern = make.concern(region, citizen, language="en", created_at=hours(1))
    make.reply(concern, partner, official=True, language="pt_PT", created_at=hours(2))

    feed = feed_of(client, "/r/alentejo/feed.atom")

    assert feed.get(XML_LANG) == "pt-PT"
    assert [entry.get(XML_LANG) for entry in entries(feed)] == ["pt-PT", "en"]
    assert "Alentejo" in feed.findtext("atom:title", namespaces=NS)


def test_it_escapes_what_people_wrote(client, make, region, people):
    citizen, _partner = people
    title = 'Tags <b>& "quotes"</b> ]]> stay text'
    body = "<script>alert(1)</script> &amp; \x07\x1b control characters go"
    make.concern(region, citizen, title=title, body=body)

    [entry] = entries(feed_of(client, "/r/alentejo/feed.atom"))

    assert entry.findtext("atom:title", namespaces=NS) == title
    assert entry.findtext("atom:content", namespaces=NS) == (
        "<script>alert(1)</script> &amp;  control characters go"
    )


def test_it_names_the_person_met_for_a_recorded_concern(client, make, region):
    moderator = make.user("paula", roles={Role.moderator: [region]})
    make.concern(region, moderator, source="phone", source_person="J. S.")

    [entry] = entries(feed_of(client, "/r/alentejo/feed.atom"))

    assert entry.findtext("atom:author/atom:name", namespaces=NS) == "J. S."


def test_it_serves_a_feed_of_a_concern_with_its_answers_and_replies(client, make, region, people):
    citizen, partner = people
    concern = make.concern(region, citizen, created_at=hours(1), status=Status.answered)
    answer = make.reply(concern, partner, official=True, created_at=hours(2))
    reply = make.reply(concern, citizen, created_at=hours(3), body="Thanks!", language="pt_PT")
    make.reply(make.concern(region, citizen), citizen, body="On another concern")

    feed = feed_of(client, f"/c/{concern.id}/feed.atom")

    assert_valid_feed(feed, f"/c/{concern.id}/feed.atom", f"/c/{concern.id}")
    base = f"http://testserver/c/{concern.id}"
    assert ids(feed) == [f"{base}#reply-{reply.id}", f"{base}#reply-{answer.id}", base]
    assert feed.findtext("atom:title", namespaces=NS) == concern.title
    assert [entry.get(XML_LANG) for entry in entries(feed)] == ["pt-PT", "en", "en"]
    assert "On another concern" not in ET.tostring(feed, encoding="unicode")


def test_it_keeps_the_concern_in_its_feed_beside_the_newest_replies(client, make, region, people):
    citizen, _partner = people
    concern = make.concern(region, citizen, created_at=hours(0))
    for n in range(60):
        make.reply(concern, citizen, created_at=hours(n + 1), body=f"Reply {n}")

    feed = feed_of(client, f"/c/{concern.id}/feed.atom")

    assert len(entries(feed)) == 50
    assert ids(feed)[-1] == f"http://testserver/c/{concern.id}"
    assert entries(feed)[0].findtext("atom:content", namespaces=NS) == "Reply 59"


def test_it_serves_a_valid_feed_of_a_region_without_concerns(client, region):
    feed = feed_of(client, "/r/alentejo/feed.atom")

    assert_valid_feed(feed, "/r/alentejo/feed.atom", "/r/alentejo")
    assert entries(feed) == []


@pytest.mark.parametrize(
    "path",
    [
        "/r/nowhere/feed.atom",
        "/r/closed-pilot/feed.atom",
        "/c/999999/feed.atom",
        "/c/abc/feed.atom",
        "/c/99999999999999/feed.atom",
        "/c/0/feed.atom",
    ],
)
def test_it_answers_404_for_an_unknown_region_or_concern(client, make, path):
    make.region("closed-pilot", active=False)

    assert client.get(path).status_code == 404


def test_it_runs_the_same_number_of_queries_for_few_and_many_entries(client, make, app, region):
    citizen = make.user()
    partner = make.user(roles={Role.partner: [region]})
    concern = make.concern(region, citizen)
    make.reply(concern, partner, official=True)
    with count_queries(app.state.engine) as few:
        client.get("/r/alentejo/feed.atom")
        client.get(f"/c/{concern.id}/feed.atom")
    for _ in range(10):
        make.reply(make.concern(region, citizen), partner, official=True)
        make.reply(concern, citizen)

    with count_queries(app.state.engine) as many:
        client.get("/r/alentejo/feed.atom")
        client.get(f"/c/{concern.id}/feed.atom")

    assert len(few) == len(many)


def test_it_links_the_feeds_from_the_pages(client, make, region, people):
    concern = make.concern(region, people[0])

    region_links = html(client.get("/r/alentejo")).select(
        "head link[rel=alternate][type='application/atom+xml']"
    )
    concern_links = html(client.get(f"/c/{concern.id}")).select(
        "head link[rel=alternate][type='application/atom+xml']"
    )

    assert [link["href"] for link in region_links] == ["/r/alentejo/feed.atom"]
    assert [link["href"] for link in concern_links] == [
        f"/c/{concern.id}/feed.atom",
        "/r/alentejo/feed.atom",
    ]
    assert all(link["title"] for link in region_links + concern_links)
