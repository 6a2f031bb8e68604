"""Posts are paced per person and per client, in the database: a script cannot raise concerns,
reply, report or register without end. The form comes back with 429, when to send it again
and everything typed; a post that failed is not counted; the region's staff are not paced."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import func, select

from forum.i18n import translator
from forum.models import Concern, Flag, Reply, User
from forum.permissions import Role
from tests.factories import html, log_in, post

TOO_SOON = (
    translator("en")
    .gettext(
        "You have sent several of these in a short time. To keep the forum free "
        "of spam, you can send this again %(wait)s. What you wrote is kept here."
    )
    .split("%(wait)s")[0]
)


@pytest.fixture
def settings(settings):
    return settings.model_copy(
        update={
            "concerns_per_hour": 3,
            "replies_per_hour": 2,
            "flags_per_hour": 2,
            "registrations_per_hour": 2,
        }
    )


@pytest.fixture
def region(make):
    return make.region("vale", name="Vale")


def raise_concern(client: TestClient, number: int):
    fields = {"title": f"Bus number {number} is late", "body": f"Every morning, {number}."}
    return post(client, "/r/vale/new", fields)


def count(db, model) -> int:
    return db.exec(select(func.count()).select_from(model)).one()


def test_a_citizen_raising_concern_after_concern_is_paced_and_loses_nothing(
    client, db, make, region
):
    log_in(client, make.user("maria"))
    for number in range(3):
        assert raise_concern(client, number).status_code == 303

    response = raise_concern(client, 3)

    assert response.status_code == 429
    assert 59 * 60 < int(response.headers["retry-after"]) <= 60 * 60
    page = html(response)
    assert TOO_SOON in page.select_one(".error-summary").get_text(" ", strip=True)
    assert "in 60 minutes" in page.select_one("#title-error").get_text(" ")
    assert page.select_one("input[name=title]")["value"] == "Bus number 3 is late"
    assert page.select_one("textarea[name=body]").get_text() == "Every morning, 3."
    assert count(db, Concern) == 3


def test_it_says_when_to_send_again_in_the_persons_language(client, make, region):
    log_in(client, make.user("maria", locale="pt_PT"))
    for number in range(3):
        raise_concern(client, number)

    page = html(raise_concern(client, 3))

    assert "dentro de 60 minutos" in page.select_one("#title-error").get_text(" ")


def test_a_form_sent_with_a_mistake_is_not_counted(client, db, make, region):
    log_in(client, make.user("maria"))
    for _ in range(5):
        assert post(client, "/r/vale/new", {"title": "", "body": ""}).status_code == 400

    assert raise_concern(client, 1).status_code == 303


def test_the_regions_staff_are_not_paced(client, db, make, region):
    moderator = make.user("mod", roles={Role.moderator: [region]})
    log_in(client, moderator)

    assert [raise_concern(client, number).status_code for number in range(5)] == [303] * 5


def test_one_client_posting_as_many_people_is_paced_too(app, db, make, region):
    """From one address, three times what one person may: then nobody posts from there."""
    statuses = []
    for person in range(4):
        with TestClient(app, client=("198.51.100.9", 1000)) as client:
            log_in(client, make.user(f"person{person}"))
            statuses += [raise_concern(client, n).status_code for n in range(3)]

    assert statuses == [303] * 9 + [429] * 3
    with TestClient(app, client=("198.51.100.10", 1000)) as elsewhere:
        log_in(elsewhere, make.user("neighbour"))
        assert raise_concern(elsewhere, 1).status_code == 303


def test_replies_and_reports_are_paced(client, db, make, region):
    ana = make.user("ana")
    concern = make.concern(region, ana)
    ads = [make.reply(concern, ana) for _ in range(3)]
    log_in(client, make.user("maria"))
    replies = [
        post(client, f"/c/{concern.id}/replies", {"body": f"Me too, {n}."}) for n in range(3)
    ]
    reports = [
        post(client, f"/c/{concern.id}/flag", {"reply": ad.id, "reason": "spam", "text": f"Ad {n}"})
        for n, ad in enumerate(ads)
    ]

    assert [r.status_code for r in replies] == [303, 303, 429]
    assert html(replies[2]).select_one("textarea[name=body]").get_text() == "Me too, 2."
    assert [r.status_code for r in reports] == [303, 303, 429]
    assert html(reports[2]).select_one("textarea[name=text]").get_text() == "Ad 2"
    assert (count(db, Reply), count(db, Flag)) == (3 + 2, 2)


def test_registering_again_and_again_from_one_client_is_paced(client, db):
    def register(name: str):
        return post(client, "/register", {"name": name, "password": "a long passphrase 42"})

    statuses = []
    for name in ("ana", "bea", "cid"):
        statuses.append(register(name).status_code)
        client.cookies.clear()

    assert statuses == [303, 303, 429]
    assert html(register("dora")).select_one("input[name=name]")["value"] == "dora"
    assert count(db, User) == 2
