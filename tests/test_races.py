"""Two identical requests at the same moment: one wins, the others get a clear answer."""

from __future__ import annotations

import threading

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlmodel import func, select

from forum.i18n import translator
from forum.models import ModerationEvent, Notification, Role, User
from tests.factories import log_in, post


def test_ten_people_registering_one_name_at_once_get_one_account_and_nine_forms(app, db):
    start = threading.Barrier(10, timeout=30)
    answers: list[tuple[int, str]] = []

    def register(number: int) -> None:
        with TestClient(app, client=(f"192.0.2.{number}", 50000)) as client:
            token_page = client.get("/register")
            assert token_page.status_code == 200
            start.wait()
            response = post(client, "/register", {"name": "Maria", "password": "a-long-password"})
            answers.append((response.status_code, response.text))

    threads = [threading.Thread(target=register, args=(number,)) for number in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = sorted(status for status, _ in answers)
    assert statuses == [303] + [400] * 9, statuses
    taken = translator("en").gettext("This name is already taken. Try another one.")
    for status, text in answers:
        if status == 400:
            assert taken in BeautifulSoup(text, "html.parser").get_text(" ")
    assert len(db.exec(select(User).where(User.name_key == "maria")).all()) == 1


def at_once(clients: list[TestClient], send) -> list[int]:
    """Each client sends at the same moment (a barrier); their statuses. A client that fails
    fails the test, and nobody waits for it for ever."""
    start = threading.Barrier(len(clients), timeout=30)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def one(client: TestClient) -> None:
        try:
            start.wait()
            statuses.append(send(client).status_code)
        except BaseException as error:
            errors.append(error)
            start.abort()

    threads = [threading.Thread(target=one, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return sorted(statuses)


@pytest.mark.parametrize("action", ["reply/hide", "concern/hide", "concern/lock"])
def test_one_moderation_sent_ten_times_at_once_is_done_logged_and_mailed_once(
    app, db, make, action
):
    region = make.region("vale")
    moderator = make.user("mod", roles={Role.moderator: [region]})
    author = make.user("ana", email="ana@example.org")
    concern = make.concern(region, author)
    reply = make.reply(concern, author)
    kind, verb = action.split("/")
    url = (
        f"/moderation/replies/{reply.id}/{verb}"
        if kind == "reply"
        else f"/moderation/concerns/{concern.id}/{verb}"
    )

    clients = []
    for number in range(10):  # logged in one after the other; they send at once
        client = TestClient(app, client=(f"192.0.2.{number}", 50000))
        log_in(client, moderator)
        client.get("/moderation")  # the CSRF token
        clients.append(client)
    try:
        statuses = at_once(clients, lambda client: post(client, url, {"reason": "Rude words"}))
    finally:
        for client in clients:
            client.close()

    assert statuses.count(303) == 1 and all(s < 500 for s in statuses), statuses
    logged = db.exec(select(func.count()).select_from(ModerationEvent)).one()
    told = db.exec(
        select(func.count()).select_from(Notification).where(Notification.user_id == author.id)
    ).one()
    assert logged == 1
    assert told == (0 if verb == "lock" else 1)
