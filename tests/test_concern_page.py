"""A concern's page: official answers first, replies, me too, status, audiences."""

from forum.models import Role
from tests.factories import count_queries, html, log_in, post


def test_it_shows_official_answers_first_with_the_organisation(client, make):
    region = make.region("alentejo")
    citizen = make.user("maria")
    partner = make.user("ana", roles={Role.partner: [region]}, organisation="Energia Lda")
    concern = make.concern(region, citizen, title="The tablet is too hard")
    make.reply(concern, citizen, body="Still waiting")
    make.reply(concern, partner, official=True, body="We will visit on Monday")

    page = html(client.get(f"/c/{concern.id}"))

    articles = page.select("#conversation article")
    assert "We will visit on Monday" in articles[0].text
    assert "Energia Lda" in articles[0].text
    assert "Still waiting" in articles[1].text


def test_it_escapes_text_keeps_line_breaks_and_links_urls(client, make):
    region = make.region()
    concern = make.concern(
        region, make.user(), body="<script>x()</script>\nsee https://example.org/a."
    )

    body = html(client.get(f"/c/{concern.id}")).select_one("article.concern .body")

    assert body.find("script") is None
    assert "<script>" in body.text
    assert body.find("br") is not None
    assert body.find("a")["href"] == "https://example.org/a"


def test_it_answers_404_for_unknown_or_malformed_ids(client):
    for path in ("/c/999", "/c/abc", "/c/-1", "/c/99999999999999999999999", "/r/nowhere"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert html(response).h1.text.strip() == "Page not found"


def test_it_runs_the_same_number_of_queries_for_5_and_50_replies(client, make, app):
    region = make.region()
    author = make.user()
    partner = make.user(roles={Role.partner: [region]}, organisation="Org")
    small, large = make.concern(region, author), make.concern(region, author)
    for n in range(5):
        make.reply(small, author if n % 2 else partner, official=n == 0)
    for n in range(50):
        make.reply(large, author if n % 2 else partner, official=n == 0)
    log_in(client, author)

    with count_queries(app.state.engine) as few:
        assert client.get(f"/c/{small.id}").status_code == 200
    with count_queries(app.state.engine) as many:
        assert client.get(f"/c/{large.id}").status_code == 200

    assert len(few) == len(many)


def test_it_toggles_me_too_once_per_person(client, make):
    region = make.region()
    concern = make.concern(region, make.user())
    log_in(client, make.user())

    post(client, f"/c/{concern.id}/support")
    post(client, f"/c/{concern.id}/support")
    post(client, f"/c/{concern.id}/support")

    button = html(client.get(f"/c/{concern.id}")).select_one("#support button")
    assert button["aria-pressed"] == "true"
    assert "1 person has this concern too" in html(client.get(f"/c/{concern.id}")).text


def test_the_author_still_reads_their_own_hidden_concern_marked_hidden(client, make, db):
    region = make.region("vale")
    maria = make.user("maria")
    concern = make.concern(region, maria, hidden=True, hidden_reason="A phone number")

    assert client.get(f"/c/{concern.id}").status_code == 404  # a visitor
    log_in(client, make.user("ana"))
    assert client.get(f"/c/{concern.id}").status_code == 404  # someone else
    client.cookies.clear()
    log_in(client, maria)
    page = html(client.get(f"/c/{concern.id}"))

    notice = page.select_one(".hidden-notice").get_text(" ", strip=True)
    assert "only you can see it" in notice and "A phone number" in notice
    assert page.select_one("form.reply-form") is None
    assert page.select_one("form[action$='/support'] button") is None
    refused = post(client, f"/c/{concern.id}/replies", {"body": "But why?"})
    assert refused.status_code == 404
