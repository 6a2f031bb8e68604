"""The read-only JSON API: regions, a region's concerns page by page, a concern with its answers."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import select

from forum.models import Role, Source, Status, Topic
from tests.factories import count_queries, html

START = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
CONCERN_FIELDS = {
    "id",
    "url",
    "title",
    "body",
    "language",
    "status",
    "topic",
    "audiences",
    "source",
    "created_at",
    "last_activity_at",
    "first_official_answer_at",
    "support_count",
    "reply_count",
}
REPLY_FIELDS = {"id", "body", "language", "official", "organisation", "created_at", "author"}


def topic_id(db, slug: str) -> int:
    return db.exec(select(Topic.id).where(Topic.slug == slug)).one()


def ids(response) -> list[int]:
    assert response.status_code == 200, response.text
    return [concern["id"] for concern in response.json()["concerns"]]


def assert_problem(response, status_code: int) -> None:
    assert response.status_code == status_code, response.text
    assert response.headers["content-type"] == "application/json"
    assert set(response.json()) == {"detail"}
    assert isinstance(response.json()["detail"], str)


def test_it_lists_active_regions_with_waiting_and_answered_counts(client, make):
    alentejo = make.region("alentejo", name="Alentejo", default_locale="pt_PT", description="Sun")
    make.region("lapland", name="Lapland", default_locale="fi")
    make.region("closed-pilot", name="Closed pilot", active=False)
    author = make.user()
    make.concern(alentejo, author)
    make.concern(alentejo, author, hidden=True)
    make.concern(alentejo, author, status=Status.answered)
    make.concern(alentejo, author, status=Status.resolved)
    make.concern(alentejo, author, status=Status.answered, hidden=True)
    make.concern(alentejo, author, status=Status.closed)

    response = client.get("/api/regions")

    assert response.status_code == 200
    assert response.json() == [
        {
            "slug": "alentejo",
            "name": "Alentejo",
            "default_locale": "pt_PT",
            "description": "Sun",
            "counts": {"waiting": 1, "answered": 2},
        },
        {
            "slug": "lapland",
            "name": "Lapland",
            "default_locale": "fi",
            "description": "",
            "counts": {"waiting": 0, "answered": 0},
        },
    ]


def test_it_gives_every_field_of_a_concern_in_a_regions_list(client, make, db):
    region = make.region("alentejo")
    author = make.user()
    concern = make.concern(
        region,
        author,
        title="The bus app",
        body="No phone\nbooking",
        language="pt_PT",
        topic_id=topic_id(db, "mobility"),
        audiences=["local_administration", "citizens"],
        source=Source.meeting,
        support_count=3,
        last_activity_at=START,
    )
    make.reply(concern, make.user(roles={Role.partner: [region]}), official=True)

    (shown,) = client.get("/api/regions/alentejo/concerns").json()["concerns"]

    assert set(shown) == CONCERN_FIELDS
    assert shown["id"] == concern.id
    assert shown["url"] == f"http://testserver/c/{concern.id}"
    assert (shown["title"], shown["body"], shown["language"]) == (
        "The bus app",
        "No phone\nbooking",
        "pt_PT",
    )
    assert (shown["status"], shown["topic"], shown["source"]) == ("answered", "mobility", "meeting")
    assert shown["audiences"] == ["local_administration", "citizens"]
    assert (shown["support_count"], shown["reply_count"]) == (3, 1)
    for moment in ("created_at", "last_activity_at", "first_official_answer_at"):
        assert datetime.fromisoformat(shown[moment]).utcoffset() == timedelta(0), moment


def test_it_gives_null_for_a_concern_without_topic_or_answer(client, make):
    region = make.region("alentejo")
    make.concern(region, make.user())

    (shown,) = client.get("/api/regions/alentejo/concerns").json()["concerns"]

    assert (shown["topic"], shown["first_official_answer_at"]) == (None, None)
    assert (shown["status"], shown["source"], shown["audiences"]) == ("open", "web", [])


def test_it_filters_as_the_regions_page_does(client, make, db):
    region = make.region("penedes")
    author = make.user()
    energy = make.concern(
        region, author, title="Smoke from the plant", topic_id=topic_id(db, "energy")
    )
    bus = make.concern(
        region,
        author,
        title="The bus app",
        body="No phone booking",
        topic_id=topic_id(db, "mobility"),
        audiences=["citizens"],
        status=Status.answered,
    )
    make.concern(make.region(), author, title="The bus app elsewhere")

    assert ids(client.get("/api/regions/penedes/concerns?topic=energy")) == [energy.id]
    assert ids(client.get("/api/regions/penedes/concerns?q=PHONE+booking")) == [bus.id]
    assert ids(client.get("/api/regions/penedes/concerns?audience=citizens")) == [bus.id]
    assert ids(client.get("/api/regions/penedes/concerns?status=answered")) == [bus.id]
    assert ids(client.get("/api/regions/penedes/concerns?status=")) == [bus.id, energy.id]
    page = html(client.get("/r/penedes?q=bus&status=answered"))
    on_the_page = [int(a["href"].removeprefix("/c/")) for a in page.select("li.concern-row h3 a")]
    assert ids(client.get("/api/regions/penedes/concerns?q=bus&status=answered")) == on_the_page


def make_45_concerns(make) -> list[int]:
    region = make.region("alentejo")
    author = make.user()
    # Three concerns share each moment, so that pages also break between equal times.
    concerns = [
        make.concern(
            region,
            author,
            last_activity_at=START - timedelta(hours=n // 3),
            audiences=["citizens"],
        )
        for n in range(45)
    ]
    newest_first = sorted(concerns, key=lambda c: (c.last_activity_at, c.id), reverse=True)
    return [concern.id for concern in newest_first]


def test_it_walks_every_concern_once_by_keyset(client, make):
    expected = make_45_concerns(make)

    seen, pages, url = [], 0, "/api/regions/alentejo/concerns?audience=citizens"
    while url:
        page = client.get(url).json()
        pages += 1
        seen += [concern["id"] for concern in page["concerns"]]
        url = page["next"]
        if url:
            assert url.startswith("http://testserver/api/regions/alentejo/concerns?")
            query = parse_qs(urlsplit(url).query)
            assert query["audience"] == ["citizens"]
            assert "after" in query and "offset" not in query and "page" not in query

    assert pages == 3  # the same page size as the region's page: 20
    assert seen == expected


def test_it_keeps_every_filter_in_the_next_url(client, make, db):
    region = make.region("alentejo")
    author = make.user()
    for n in range(25):
        make.concern(
            region,
            author,
            title=f"Bus {n}",
            topic_id=topic_id(db, "mobility"),
            audiences=["citizens"],
        )

    page = client.get("/api/regions/alentejo/concerns?topic=mobility&audience=citizens&q=+bus+")

    query = parse_qs(urlsplit(page.json()["next"]).query)
    assert {name: values for name, values in query.items() if name != "after"} == {
        "topic": ["mobility"],
        "audience": ["citizens"],
        "q": ["bus"],
    }
    assert len(ids(client.get(page.json()["next"]))) == 5


def test_it_shows_a_concern_with_its_official_answers_and_replies(client, make):
    region = make.region("alentejo")
    citizen = make.user("maria")
    partner = make.user("ana", roles={Role.partner: [region]}, organisation="Energia Lda")
    concern = make.concern(region, citizen, title="The tablet is too hard", audiences=["citizens"])
    still = make.reply(concern, citizen, body="Still waiting", language="pt_PT")
    answer = make.reply(concern, partner, official=True, body="We will visit on Monday")
    also = make.reply(concern, partner, body="A note, not an answer")

    shown = client.get(f"/api/concerns/{concern.id}").json()

    assert set(shown) == CONCERN_FIELDS | {"official_answers", "replies"}
    assert (shown["id"], shown["title"], shown["audiences"]) == (
        concern.id,
        "The tablet is too hard",
        ["citizens"],
    )
    (official,) = shown["official_answers"]
    assert set(official) == REPLY_FIELDS
    assert official["id"] == answer.id
    assert (official["body"], official["author"], official["organisation"]) == (
        "We will visit on Monday",
        "ana",
        "Energia Lda",
    )
    assert official["official"] is True
    assert [reply["id"] for reply in shown["replies"]] == [still.id, also.id]
    assert [reply["author"] for reply in shown["replies"]] == ["maria", "ana"]
    assert [reply["organisation"] for reply in shown["replies"]] == [None, None]
    assert [reply["official"] for reply in shown["replies"]] == [False, False]
    assert shown["replies"][0]["language"] == "pt_PT"
    assert datetime.fromisoformat(official["created_at"]).utcoffset() == timedelta(0)


def test_it_never_shows_hidden_concerns_or_replies(client, make):
    region = make.region("alentejo")
    author = make.user()
    partner = make.user(roles={Role.partner: [region]}, organisation="Org")
    shown = make.concern(region, author)
    hidden = make.concern(region, author, title="Hidden title", body="Hidden words", hidden=True)
    make.reply(shown, author, body="Hidden reply", hidden=True, hidden_reason="Rude")
    make.reply(shown, partner, official=True, body="Hidden answer", hidden=True)
    kept = make.reply(shown, author, body="A kind reply")

    listed = client.get("/api/regions/alentejo/concerns")
    one = client.get(f"/api/concerns/{shown.id}")

    assert ids(listed) == [shown.id]
    assert_problem(client.get(f"/api/concerns/{hidden.id}"), 404)
    assert one.json()["official_answers"] == []
    assert [reply["id"] for reply in one.json()["replies"]] == [kept.id]
    for response in (listed, one, client.get("/api/regions")):
        for secret in ("Hidden title", "Hidden words", "Hidden reply", "Hidden answer", "Rude"):
            assert secret not in response.text


def test_it_never_shows_an_email_address(client, make):
    region = make.region("alentejo")
    citizen = make.user("maria", email="maria@example.org")
    partner = make.user(
        "ana", roles={Role.partner: [region]}, organisation="Org", email="ana@partner.example"
    )
    concern = make.concern(region, citizen, audiences=["citizens"])
    make.reply(concern, partner, official=True)
    make.reply(concern, citizen)

    for url in (
        "/api/regions",
        "/api/regions/alentejo/concerns",
        f"/api/concerns/{concern.id}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "maria@example.org" not in response.text, url
        assert "ana@partner.example" not in response.text, url
        assert '"email"' not in response.text, url
        assert "@" not in response.text, url


@pytest.mark.parametrize(
    "path",
    [
        "/api/regions/nowhere/concerns",
        "/api/regions/closed-pilot/concerns",
        "/api/concerns/999",
        "/api/concerns/0",
        "/api/concerns/-1",
        "/api/concerns/abc",
        "/api/concerns/1.5",
        "/api/concerns/99999999999999999999",
        "/api/concerns/{in_a_closed_pilot}",
        "/api/nothing-here",
    ],
)
def test_it_answers_what_does_not_exist_with_a_json_404(client, make, path):
    closed = make.region("closed-pilot", active=False)
    concern = make.concern(closed, make.user())

    response = client.get(path.replace("{in_a_closed_pilot}", str(concern.id)))

    assert_problem(response, 404)


@pytest.mark.parametrize(
    "query",
    [
        "status=waiting",
        "status=%FF",
        "audience=farmers",
        "topic=%3Cscript%3E",
        "q=" + "x" * 201,
        "q=%00",
        "after=junk",
        "after=~",
        "after=2025-03-01T12:00:00~abc",
        "after=2025-03-01T12:00:00~99999999999999999999999",
        "after=0001-01-01T00:00:00%2B14:00~5",
        "after=9999-12-31T23:59:59-14:00~5",
        "after=2025-13-45T99:00:00~5",
    ],
)
def test_it_answers_an_unknown_filter_or_a_junk_cursor_with_a_json_400(client, make, query):
    make.concern(make.region("alentejo"), make.user())

    assert_problem(client.get(f"/api/regions/alentejo/concerns?{query}"), 400)


def test_it_names_the_filter_that_was_wrong(client, make):
    make.region("alentejo")

    detail = client.get("/api/regions/alentejo/concerns?status=waiting").json()["detail"]

    assert "status" in detail and "open" in detail


def test_it_answers_a_post_with_a_json_405_and_keeps_html_errors_for_pages(client, make):
    response = client.post("/api/regions")

    assert_problem(response, 405)
    assert response.headers["allow"] == "GET"
    page = client.get("/c/999")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")


def test_it_documents_the_three_paths_and_every_field_in_openapi(client):
    document = client.get("/api/openapi.json").json()

    for path in ("/api/regions", "/api/regions/{slug}/concerns", "/api/concerns/{concern_id}"):
        assert "get" in document["paths"][path], path
        assert "422" not in document["paths"][path]["get"]["responses"], path
    schemas = document["components"]["schemas"]
    assert set(schemas["Region"]["properties"]) == {
        "slug",
        "name",
        "default_locale",
        "description",
        "counts",
    }
    assert set(schemas["Counts"]["properties"]) == {"waiting", "answered"}
    assert set(schemas["Concern"]["properties"]) == CONCERN_FIELDS
    assert set(schemas["ConcernPage"]["properties"]) == {"concerns", "next"}
    assert set(schemas["ConcernWithReplies"]["properties"]) == CONCERN_FIELDS | {
        "official_answers",
        "replies",
    }
    assert set(schemas["Reply"]["properties"]) == REPLY_FIELDS
    assert set(schemas["Problem"]["properties"]) == {"detail"}
    assert set(schemas["Status"]["enum"]) == set(Status)
    responses = document["paths"]["/api/regions/{slug}/concerns"]["get"]["responses"]
    assert {"200", "400", "404"} <= set(responses)


def test_it_runs_the_same_number_of_queries_for_5_and_50_concerns(client, make, app):
    audiences = ["local_administration", "technology_providers", "citizens"]
    few, many = make.region("few"), make.region("many")
    author = make.user()
    for region, number in ((few, 5), (many, 50)):
        for n in range(number):
            make.concern(region, author, topic_id=1 + n % 8, audiences=audiences[: 1 + n % 3])

    def queries_for(url: str, shown: int) -> int:
        with count_queries(app.state.engine) as statements:
            assert len(ids(client.get(url))) == shown
        return len(statements)

    filtered = "?audience=local_administration&status=open&q=bus"
    assert queries_for("/api/regions/few/concerns", 5) == queries_for(
        "/api/regions/many/concerns", 20
    )
    assert queries_for(f"/api/regions/few/concerns{filtered}", 5) == queries_for(
        f"/api/regions/many/concerns{filtered}", 20
    )
    with count_queries(app.state.engine) as listing:
        assert len(client.get("/api/regions").json()) == 2
    assert len(listing) == 1, listing


def test_it_runs_the_same_number_of_queries_for_5_and_50_replies(client, make, app):
    region = make.region()
    author = make.user()
    partner = make.user(roles={Role.partner: [region]}, organisation="Org")
    small, large = make.concern(region, author), make.concern(region, author)
    for n in range(5):
        make.reply(small, author if n % 2 else partner, official=n == 0)
    for n in range(50):
        make.reply(large, author if n % 2 else partner, official=n == 0)

    with count_queries(app.state.engine) as few:
        assert len(client.get(f"/api/concerns/{small.id}").json()["replies"]) == 4
    with count_queries(app.state.engine) as many:
        assert len(client.get(f"/api/concerns/{large.id}").json()["replies"]) == 49

    assert len(few) == len(many)
