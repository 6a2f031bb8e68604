"""Raising a concern: the form, its errors, the language it records, sent twice, CSRF."""

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import select

from forum.models import Concern, Topic
from tests.factories import html, log_in, post


def fresh_look(db) -> None:
    """Forget what this session read, to see what the app has committed since."""
    db.rollback()
    db.expire_all()


def concerns(db) -> list[Concern]:
    fresh_look(db)
    return list(db.exec(select(Concern)).all())


def chosen_topic(page) -> str:
    """The topic a browser would send: the selected option, else the first ("not sure")."""
    options = page.select("select#topic option")
    return next((o["value"] for o in options if o.has_attr("selected")), options[0]["value"])


@pytest.fixture
def region(make):
    return make.region("alentejo", name="Alentejo", default_locale="en")


@pytest.fixture
def citizen(client, make):
    maria = make.user("maria")
    log_in(client, maria)
    return maria


def test_it_sends_a_visitor_to_log_in_first(client, region):
    response = client.get("/r/alentejo/new", follow_redirects=False)

    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == ["/r/alentejo/new"]


def test_it_shows_the_form_to_a_citizen(client, region, citizen):
    form = html(client.get("/r/alentejo/new")).select_one("main form")

    assert form["action"] == "/r/alentejo/new"
    assert {field["name"] for field in form.select("[name]")} == {
        "csrf_token",
        "client_key",
        "title",
        "body",
        "topic",
        "language",
        "photo",
        "photo_alt",
    }


def test_it_raises_a_concern_and_says_what_happens_next(client, db, region, citizen):
    response = post(
        client,
        "/r/alentejo/new",
        {"title": "No bus on Sundays", "body": "The app shows none.", "topic": "mobility"},
    )

    [concern] = concerns(db)
    assert response.status_code == 303
    assert response.headers["location"] == f"/c/{concern.id}"
    assert (concern.title, concern.body, concern.author_id) == (
        "No bus on Sundays",
        "The app shows none.",
        citizen.id,
    )
    assert concern.topic_id == db.exec(select(Topic.id).where(Topic.slug == "mobility")).one()
    page = html(client.get(f"/c/{concern.id}"))
    assert len(page.select(".panel-next")) == 1
    assert page.select_one(".panel-next h2").text.strip() == "What happens next"
    assert page.select_one("article.concern h1").text == "No bus on Sundays"
    assert html(client.get(f"/c/{concern.id}")).select(".panel-next") == []


def test_it_records_the_language_of_the_page(client, db, region, citizen):
    client.cookies.set("lang", "pt_PT")

    response = post(client, "/r/alentejo/new", {"title": "Sem autocarro", "body": "Nada."})

    [concern] = concerns(db)
    assert response.status_code == 303
    assert concern.language == "pt_PT"
    page = html(client.get(f"/c/{concern.id}"))
    assert page.select_one("article.concern")["lang"] == "pt-PT"


def test_the_form_says_the_pages_language_and_the_person_may_change_it(client, db, region, citizen):
    client.cookies.set("lang", "pt_PT")
    form = html(client.get("/r/alentejo/new"))
    assert form.select_one("select#language option[selected]")["value"] == "pt_PT"

    fields = {"title": "No bus on Sundays", "body": "Nothing.", "language": "en"}
    response = post(client, "/r/alentejo/new", fields)

    [concern] = concerns(db)
    assert (response.status_code, concern.language) == (303, "en")


def test_it_refuses_a_language_it_does_not_offer_and_keeps_what_was_typed(
    client, db, region, citizen
):
    fields = {"title": "No bus", "body": "Nothing.", "language": "klingon"}
    page = html(post(client, "/r/alentejo/new", fields))

    assert (
        page.select_one("#language-error")
        .get_text(" ", strip=True)
        .endswith("Choose a language from the list.")
    )
    assert page.select_one("input[name=title]")["value"] == "No bus"
    assert concerns(db) == []


def test_it_records_the_regions_language_when_nothing_else_says(client, db, make, citizen):
    make.region("lapland", default_locale="pt_PT")

    post(client, "/r/lapland/new", {"title": "Sem autocarro", "body": "Nada."})

    assert [concern.language for concern in concerns(db)] == ["pt_PT"]


@pytest.mark.parametrize(
    ("typed", "wrong"),
    [
        (
            {"title": "", "body": "", "topic": "health"},
            {"title": "Enter a short title for your concern.", "body": "Describe your concern."},
        ),
        (
            {"title": "T" * 141, "body": "Long title", "topic": "energy"},
            {"title": "Use a title of at most 140 characters."},
        ),
        (
            {"title": "Long body", "body": "B" * 5001, "topic": ""},
            {"body": "Use at most 5000 characters to describe your concern."},
        ),
    ],
)
def test_it_shows_errors_and_keeps_what_was_typed(client, db, region, citizen, typed, wrong):
    response = post(client, "/r/alentejo/new", typed)

    assert response.status_code == 400
    assert concerns(db) == []
    page = html(response)
    summary = page.select(".error-summary li a")
    assert {a["href"]: a.text for a in summary} == {f"#{f}": m for f, m in wrong.items()}
    for field, message in wrong.items():
        beside = page.select_one(f"#{field}").find_parent(class_="field")
        assert beside.select_one("p.field-error").text.split(":", 1)[1].strip() == message
    assert page.select_one("input#title")["value"] == typed["title"]
    assert page.select_one("textarea#body").text == typed["body"]
    assert chosen_topic(page) == typed["topic"]


def test_it_asks_for_a_topic_from_the_list(client, db, region, citizen):
    response = post(client, "/r/alentejo/new", {"title": "Hi", "body": "Hi", "topic": "weather"})

    assert response.status_code == 400
    assert concerns(db) == []
    page = html(response)
    assert page.select_one(".error-summary a[href='#topic']").text == (
        "Choose a topic from the list, or leave it empty."
    )
    assert page.select_one("#topic")["aria-invalid"] == "true"
    assert page.select_one("#topic").find_parent(class_="field").select_one("p.field-error")


def test_it_creates_one_concern_when_the_form_is_sent_twice(client, db, region, citizen):
    typed = {"title": "No bus on Sundays", "body": "The app shows none.", "topic": ""}

    first = post(client, "/r/alentejo/new", typed)
    second = post(client, "/r/alentejo/new", typed)

    [concern] = concerns(db)
    assert first.headers["location"] == second.headers["location"] == f"/c/{concern.id}"
    page = html(client.get(f"/c/{concern.id}"))
    notices = [notice.text.strip() for notice in page.select("main .notice")]
    assert notices == ["You already raised this concern. Here it is."]
    assert page.select(".panel-next") == []


@pytest.mark.parametrize("token", [None, "", "not-the-token"])
def test_it_refuses_a_post_without_the_right_csrf_token(client, db, region, citizen, token):
    form = {"title": "No bus", "body": "None at all."}
    if token is not None:
        form["csrf_token"] = token

    response = client.post("/r/alentejo/new", data=form, follow_redirects=False)

    assert response.status_code == 403
    assert concerns(db) == []
