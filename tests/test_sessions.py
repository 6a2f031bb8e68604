"""Sessions that really end: logging out ends the session on the server, so a copy of the
cookie made before opens nothing afterwards."""

from fastapi.testclient import TestClient
from sqlmodel import select

from forum.models import UserSession
from tests.factories import csrf_token, log_in


def test_a_cookie_copied_before_logout_opens_nothing_after(client, app, db, make):
    maria = make.user("Maria")
    log_in(client, maria)
    copied = dict(client.cookies)

    client.post("/logout", data={"csrf_token": csrf_token(client)})

    with TestClient(app, cookies=copied) as thief:
        response = thief.get("/account", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert db.exec(select(UserSession)).all() == []


def test_each_login_is_a_session_of_its_own(client, app, db, make):
    maria = make.user("Maria")
    with TestClient(app) as phone:
        log_in(client, maria)
        log_in(phone, maria)
        phone.post("/logout", data={"csrf_token": csrf_token(phone)})

        assert client.get("/account", follow_redirects=False).status_code == 200
        assert phone.get("/account", follow_redirects=False).status_code == 303
