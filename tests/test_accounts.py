"""Registering, logging in and out, where people land afterwards, and the account page."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from forum.app import create_app
from forum.models import User
from forum.settings import Settings
from tests.factories import PASSWORD, html, log_in, post


def register(client, **fields):
    return post(client, "/register", {"name": "Maria", "password": "a long password", **fields})


def is_logged_in(client) -> bool:
    return client.get("/account", follow_redirects=False).status_code == 200


def assert_form_error(response, field: str, message: str) -> None:
    page = html(response)
    assert response.status_code == 400
    assert message in page.select_one(f"#{field}-error").text
    assert message in page.select_one(".error-summary").text
    assert page.select_one(f".error-summary a[href='#{field}']") is not None
    password = page.select_one("input[name=password]")
    assert password is None or password["value"] == ""


def test_it_registers_logs_in_and_stores_only_an_argon2_hash(client, db):
    response = register(client, email="maria@example.org")

    assert response.status_code == 303
    assert is_logged_in(client)
    user = db.exec(select(User).where(User.name == "Maria")).one()
    assert user.password_hash.startswith("$argon2id$")
    assert "a long password" not in user.password_hash
    assert user.email == "maria@example.org"


def test_it_registers_without_an_email(client, db):
    assert register(client).status_code == 303

    assert db.exec(select(User).where(User.name == "Maria")).one().email is None


@pytest.mark.parametrize("taken", ["Maria", "maria", "MARIA", " maria "])
def test_it_refuses_a_name_that_is_taken_whatever_the_case(client, make, taken):
    make.user("Maria")

    response = register(client, name=taken, email="other@example.org")

    assert_form_error(response, "name", "This name is already taken")
    page = html(response)
    assert page.select_one("input[name=name]")["value"] == taken
    assert page.select_one("input[name=email]")["value"] == "other@example.org"
    assert not is_logged_in(client)


def test_it_refuses_a_short_password_and_keeps_what_was_typed(client, db):
    response = register(client, name="Joana", password="123456789", email="joana@example.org")

    assert_form_error(response, "password", "at least 10 characters")
    page = html(response)
    assert page.select_one("input[name=name]")["value"] == "Joana"
    assert page.select_one("input[name=email]")["value"] == "joana@example.org"
    assert db.exec(select(User)).all() == []


@pytest.mark.parametrize("email", ["maria", "maria@", "maria@example", "a b@example.org"])
def test_it_refuses_a_malformed_email(client, db, email):
    response = register(client, name="Joana", email=email)

    assert_form_error(response, "email", "Enter an email address like name@example.org")
    page = html(response)
    assert page.select_one("input[name=name]")["value"] == "Joana"
    assert page.select_one("input[name=email]")["value"] == email
    assert db.exec(select(User)).all() == []


def test_it_refuses_a_name_whose_folded_form_is_too_long(client, db):
    # "ß" folds to "ss": 40 letters become an 80-letter key.
    response = register(client, name="ß" * 40)

    assert_form_error(response, "name", "at most 60 characters")
    assert db.exec(select(User)).all() == []


@pytest.mark.parametrize(
    ("name", "password"),
    [("maria", "a wrong password"), ("nobody", PASSWORD)],
    ids=["wrong password", "unknown name"],
)
def test_it_says_the_same_thing_for_a_wrong_password_or_an_unknown_name(
    client, make, name, password
):
    make.user("maria")

    response = post(client, "/login", {"name": name, "password": password})

    assert_form_error(response, "password", "The name or the password is not right")
    assert html(response).select_one("input[name=name]")["value"] == name
    assert not is_logged_in(client)


def test_it_logs_in_with_the_name_in_another_case(client, make):
    make.user("Maria")

    response = post(client, "/login", {"name": "maria", "password": PASSWORD})

    assert response.status_code == 303
    assert is_logged_in(client)


def test_it_logs_out(client, make):
    log_in(client, make.user())
    assert is_logged_in(client)

    response = post(client, "/logout")

    assert response.status_code == 303
    assert not is_logged_in(client)


def test_it_starts_a_new_session_on_login(client, make):
    client.get("/login")
    before = client.cookies.get("agora_session")

    log_in(client, make.user())

    assert client.cookies.get("agora_session") != before


@pytest.mark.parametrize(
    ("next", "landing"),
    [
        ("/r/alentejo?status=open", "/r/alentejo?status=open"),
        ("https://evil.example", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/\r\nSet-Cookie: x=1", "/"),
    ],
)
def test_it_sends_people_back_only_to_pages_of_this_site(client, make, next, landing):
    user = make.user()

    response = post(client, "/login", {"name": user.name, "password": PASSWORD, "next": next})

    assert response.headers["location"] == landing


def test_it_keeps_only_a_local_next_in_the_login_form(client):
    page = html(client.get("/login", params={"next": "https://evil.example"}))

    assert page.select_one("input[name=next]")["value"] == "/"


def test_it_sends_a_new_person_back_where_they_were(client):
    response = register(client, next="/r/alentejo/new")

    assert response.headers["location"] == "/r/alentejo/new"


def session_cookie(client: TestClient) -> str:
    response = client.get("/login")
    return next(
        header
        for header in response.headers.get_list("set-cookie")
        if header.startswith("agora_session=")
    ).lower()


def test_it_keeps_the_session_cookie_from_scripts_and_other_sites(client):
    cookie = session_cookie(client)

    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" not in cookie


def test_it_sends_the_session_cookie_only_over_https_when_served_on_https(settings):
    https = Settings(**{**settings.model_dump(), "base_url": "https://agora.example"})
    app = create_app(https)
    try:
        with TestClient(app, base_url="https://testserver") as client:
            cookie = session_cookie(client)
    finally:
        app.state.engine.dispose()

    assert "secure" in cookie
    assert "httponly" in cookie
    assert "samesite=lax" in cookie


def test_it_asks_a_visitor_to_log_in_for_the_account_page(client):
    response = client.get("/account", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/account"


def test_it_saves_the_language_and_email_on_the_account_page(client, make, db):
    user = make.user()
    log_in(client, user)

    response = post(client, "/account", {"locale": "pt_PT", "email": "ana@example.org"})

    assert response.status_code == 303
    db.refresh(user)
    assert (user.locale, user.email) == ("pt_PT", "ana@example.org")
    page = html(client.get("/account"))
    assert page.html["lang"] == "pt-PT"
    assert page.select_one("#locale option[selected]")["value"] == "pt_PT"
    assert page.select_one("input[name=email]")["value"] == "ana@example.org"


def test_it_lets_people_clear_their_language_and_email(client, make, db):
    user = make.user(locale="pt_PT", email="ana@example.org")
    log_in(client, user)

    assert post(client, "/account", {"locale": "", "email": ""}).status_code == 303

    db.refresh(user)
    assert (user.locale, user.email) == (None, None)


@pytest.mark.parametrize("locale", ["xx", "pt_BR", "../../etc"])
def test_it_refuses_a_language_it_does_not_offer(client, make, db, locale):
    user = make.user(email="ana@example.org")
    log_in(client, user)

    response = post(client, "/account", {"locale": locale, "email": "new@example.org"})

    assert_form_error(response, "locale", "Choose one of the languages in the list.")
    db.refresh(user)
    assert (user.locale, user.email) == (None, "ana@example.org")


def test_it_refuses_a_malformed_email_on_the_account_page(client, make, db):
    user = make.user()
    log_in(client, user)

    response = post(client, "/account", {"locale": "pt_PT", "email": "not an email"})

    assert_form_error(response, "email", "Enter an email address like name@example.org")
    assert html(response).select_one("input[name=email]")["value"] == "not an email"
    db.refresh(user)
    assert user.locale is None


def test_it_does_not_save_the_account_page_for_a_visitor(client, db):
    response = post(client, "/account", {"locale": "pt_PT"})

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/account"


def test_the_account_page_lists_ones_own_concerns_newest_first(client, make):
    region = make.region("vale")
    maria, other = make.user("Maria"), make.user("Other")
    older = make.concern(region, maria, title="The bus is late")
    hidden = make.concern(region, maria, title="A hidden one", hidden=True)
    make.concern(region, other, title="Not hers")
    log_in(client, maria)

    page = html(client.get("/account"))

    rows = page.select("#your-concerns .concern-row")
    assert [row.h3.text for row in rows] == ["A hidden one", "The bus is late"]
    assert "Hidden by a moderator" in rows[0].text
    assert rows[1].a["href"] == f"/c/{older.id}"
    assert hidden.id is not None


def test_the_account_page_pages_through_many_concerns(client, make):
    region = make.region("vale")
    maria = make.user("Maria")
    for number in range(25):
        make.concern(region, maria, title=f"Concern {number}")
    log_in(client, maria)

    first = html(client.get("/account"))
    older = first.select_one("#your-concerns .more a")["href"]
    second = html(client.get(older))

    titles = [row.h3.text for row in first.select("#your-concerns .concern-row")]
    titles += [row.h3.text for row in second.select("#your-concerns .concern-row")]
    assert titles == [f"Concern {number}" for number in range(24, -1, -1)]
