"""Failed logins are limited per client and per account, in the database: a script cannot try
passwords without end, and other people can still log in and register."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select, update

from forum.i18n import translator
from forum.models import Attempt
from tests.factories import PASSWORD, html, post

WRONG = "not-the-password-at-all"


@pytest.fixture
def maria(make):
    return make.user("maria")


def client_from(app, address: str) -> TestClient:
    return TestClient(app, client=(address, 50000))


def try_login(client: TestClient, name: str, password: str):
    return post(client, "/login", {"name": name, "password": password})


def fail(client: TestClient, name: str, times: int) -> None:
    for _ in range(times):
        assert try_login(client, name, WRONG).status_code == 400


def test_it_refuses_a_client_after_ten_wrong_passwords_even_with_the_right_one(app, maria):
    with client_from(app, "203.0.113.7") as client:
        fail(client, "maria", 10)

        response = try_login(client, "maria", PASSWORD)

    assert response.status_code == 429
    assert 14 * 60 < int(response.headers["retry-after"]) <= 15 * 60
    page = html(response)
    english = translator("en")
    assert english.gettext(
        "Too many wrong passwords were tried. To keep accounts safe, "
        "logging in from here is paused for a while."
    ) in page.select_one(".error-summary, [role=alert]").get_text(" ", strip=True)
    assert "15 minutes" in page.get_text(" ")
    assert page.select_one("input[name=name]")["value"] == "maria"  # what was typed is kept
    assert "agora_session" not in response.cookies or "uid" not in response.text


def test_it_says_when_to_try_again_in_the_persons_language(app, maria):
    with client_from(app, "203.0.113.8") as client:
        fail(client, "maria", 10)
        response = post(
            client,
            "/login",
            {"name": "maria", "password": PASSWORD},
            headers={"Accept-Language": "pt-PT"},
        )

    assert response.status_code == 429
    assert "Pode tentar de novo daqui a 15 minutos." in html(response).get_text(" ")


def test_it_still_lets_other_people_log_in_and_register(app, maria, make):
    make.user("joao")
    with client_from(app, "203.0.113.9") as attacker:
        fail(attacker, "maria", 10)
        assert try_login(attacker, "joao", PASSWORD).status_code == 429

    with client_from(app, "198.51.100.20") as neighbour:
        assert try_login(neighbour, "joao", PASSWORD).status_code == 303
    with client_from(app, "198.51.100.21") as newcomer:
        response = post(newcomer, "/register", {"name": "rosa", "password": "a-long-password"})
        assert response.status_code == 303


def test_it_refuses_an_account_tried_from_many_clients(app, maria):
    for number in range(20):
        with client_from(app, f"192.0.2.{number}") as client:
            fail(client, "Maria", 1)  # names are matched as the login matches them

    with client_from(app, "198.51.100.30") as owner:
        response = try_login(owner, "maria", PASSWORD)

    assert response.status_code == 429


def test_it_lets_the_client_try_again_once_the_window_has_passed(app, db, maria):
    with client_from(app, "203.0.113.10") as client:
        fail(client, "maria", 10)
        assert try_login(client, "maria", PASSWORD).status_code == 429

        db.execute(update(Attempt).values(at=Attempt.at - timedelta(minutes=16)))
        db.commit()

        assert try_login(client, "maria", PASSWORD).status_code == 303


def test_it_counts_only_failures_and_forgets_the_old_ones(app, db, maria):
    with client_from(app, "203.0.113.11") as client:
        fail(client, "maria", 9)
        assert try_login(client, "maria", PASSWORD).status_code == 303
        db.execute(update(Attempt).values(at=Attempt.at - timedelta(minutes=16)))
        db.commit()
        fail(client, "maria", 1)  # recording a try deletes the tries that left the window

    rows = db.exec(select(Attempt)).all()
    assert len(rows) == 2  # this client and this account, once each


def test_it_keeps_no_address_or_name_in_the_table(app, db, maria):
    with client_from(app, "203.0.113.12") as client:
        fail(client, "maria", 1)

    keys = [attempt.key for attempt in db.exec(select(Attempt)).all()]
    assert len(keys) == 2
    assert all("203.0.113" not in key and "maria" not in key for key in keys)
    assert all(len(key) == 64 for key in keys)


def test_it_counts_in_the_database_so_every_app_process_sees_the_same_tries(settings, maria):
    from forum.app import create_app

    first, second = create_app(settings), create_app(settings)
    try:
        with client_from(first, "203.0.113.13") as one, client_from(second, "203.0.113.13") as two:
            fail(one, "maria", 5)
            fail(two, "maria", 5)
            assert try_login(one, "maria", PASSWORD).status_code == 429
    finally:
        first.state.engine.dispose()
        second.state.engine.dispose()


def test_a_successful_login_does_not_buy_more_guesses_at_other_accounts(app, make, maria):
    make.user("joao")
    with client_from(app, "203.0.113.14") as client:
        fail(client, "joao", 9)
        assert try_login(client, "maria", PASSWORD).status_code == 303  # the attacker's own
        client.post("/logout", data={"csrf_token": ""})
        fail(client, "joao", 1)

        assert try_login(client, "joao", PASSWORD).status_code == 429


def test_a_refused_try_is_not_counted_so_the_wait_ends_on_time(app, db, maria):
    with client_from(app, "203.0.113.15") as client:
        fail(client, "maria", 10)
        for _ in range(5):
            assert try_login(client, "maria", WRONG).status_code == 429

    assert len(db.exec(select(Attempt)).all()) == 20  # ten for the client, ten for the account
