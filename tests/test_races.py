"""Two identical requests at the same moment: one wins, the others get a clear answer."""

from __future__ import annotations

import threading

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlmodel import select

from forum.i18n import translator
from forum.models import User
from tests.factories import post


def test_ten_people_registering_one_name_at_once_get_one_account_and_nine_forms(app, db):
    start = threading.Barrier(10)
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
