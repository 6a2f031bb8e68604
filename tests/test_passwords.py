"""Passwords: a link to choose a new one by email (the same answer whether or not the
address is known; single use; one hour), and changing it with the current one. Either way
the person's other sessions end, on every browser."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import col, select

from forum.accounts.service import check_password
from forum.models import PasswordReset, User, UserSession, utcnow
from forum.notifications import worker
from tests.factories import PASSWORD, html, log_in, post
from tests.mailbox import sending_to, text_of


@pytest.fixture
def settings(settings, mailbox):
    return sending_to(settings, mailbox)


NEW = "a new password that is long"


@pytest.fixture
def maria(make):
    return make.user("Maria", email="Maria@Example.org")


def delivered(app) -> None:
    worker.run_once(app.state.engine, app.state.mailer)


def ask_for_a_link(client, email: str):
    return post(client, "/password/forgot", {"email": email})


def test_it_mails_a_link_and_the_new_password_works(client, app, db, mailbox, maria):
    response = ask_for_a_link(client, "maria@example.org")
    delivered(app)

    assert response.status_code == 303 and response.headers["location"] == "/login"
    message = mailbox.to("Maria@Example.org")[0]
    assert "Maria" in text_of(message) and "Stop these emails" not in text_of(message)
    link = mailbox.link("Maria@Example.org", "/password/reset/")
    assert html(client.get(link)).select_one("#password") is not None
    saved = post(client, link, {"password": NEW})
    assert saved.status_code == 303 and saved.headers["location"] == "/account"
    db.refresh(maria)
    assert check_password(maria, NEW) and not check_password(maria, PASSWORD)
    assert client.get("/account", follow_redirects=False).status_code == 200  # logged in


def test_it_says_the_same_whether_or_not_the_address_is_known(client, app, mailbox, maria):
    known = ask_for_a_link(client, "maria@example.org")
    unknown = ask_for_a_link(client, "nobody@example.org")
    delivered(app)

    assert known.status_code == unknown.status_code == 303
    assert known.headers["location"] == unknown.headers["location"]
    said = [html(client.get("/login")).select_one(".notice").text for _ in range(1)]
    assert "If an account" in said[0]
    assert [m["To"] for m in mailbox.messages] == ["Maria@Example.org"]


def test_a_wrong_address_is_said_beside_the_field(client, db, maria):
    response = ask_for_a_link(client, "not an address")

    assert response.status_code == 400
    assert html(response).select_one("#email")["value"] == "not an address"
    assert db.exec(select(PasswordReset)).all() == []


def test_a_link_works_once(client, app, db, mailbox, maria):
    ask_for_a_link(client, "maria@example.org")
    delivered(app)
    link = mailbox.link("Maria@Example.org", "/password/reset/")
    post(client, link, {"password": NEW})

    with TestClient(app) as other:
        again = post(other, link, {"password": "yet another long password"})

    assert again.status_code == 410
    assert "already used" in html(again).text
    db.refresh(maria)
    assert check_password(maria, NEW)


def test_a_link_works_for_one_hour(client, app, db, mailbox, maria):
    ask_for_a_link(client, "maria@example.org")
    delivered(app)
    link = mailbox.link("Maria@Example.org", "/password/reset/")
    db.execute(update(PasswordReset).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()

    response = post(client, link, {"password": NEW})

    assert response.status_code == 410
    assert "too old" in html(response).text
    db.refresh(maria)
    assert check_password(maria, PASSWORD)


def test_a_short_new_password_comes_back_and_the_link_still_works(client, app, mailbox, maria):
    ask_for_a_link(client, "maria@example.org")
    delivered(app)
    link = mailbox.link("Maria@Example.org", "/password/reset/")

    short = post(client, link, {"password": "short"})
    good = post(client, link, {"password": NEW})

    assert (short.status_code, good.status_code) == (400, 303)
    assert html(short).select_one("#password-error") is not None


def test_a_reset_ends_every_other_session(client, app, db, mailbox, maria):
    with TestClient(app) as phone:
        log_in(phone, maria)
        ask_for_a_link(client, "maria@example.org")
        delivered(app)
        post(client, mailbox.link("Maria@Example.org", "/password/reset/"), {"password": NEW})

        assert phone.get("/account", follow_redirects=False).status_code == 303  # to log in
    db.rollback()
    assert len(db.exec(select(UserSession).where(UserSession.user_id == maria.id)).all()) == 1


def test_changing_the_password_ends_the_other_sessions_but_this_one(client, app, db, maria):
    log_in(client, maria)
    with TestClient(app) as phone:
        log_in(phone, maria)

        response = post(
            client, "/account/password", {"current_password": PASSWORD, "password": NEW}
        )

        assert response.status_code == 303
        assert client.get("/account", follow_redirects=False).status_code == 200
        assert phone.get("/account", follow_redirects=False).status_code == 303
    db.refresh(maria)
    assert check_password(maria, NEW)


@pytest.mark.parametrize(
    ("current", "new", "wrong"),
    [("wrong password", NEW, ["current_password"]), (PASSWORD, "short", ["password"])],
    ids=["wrong current password", "short new one"],
)
def test_a_wrong_change_comes_back_and_changes_nothing(client, db, maria, current, new, wrong):
    log_in(client, maria)

    response = post(client, "/account/password", {"current_password": current, "password": new})

    assert response.status_code == 400
    assert [e["id"].removesuffix("-error") for e in html(response).select(".field-error")] == wrong
    db.refresh(maria)
    assert check_password(maria, PASSWORD)
    assert db.exec(select(User).where(col(User.id) == maria.id)).one() is not None
