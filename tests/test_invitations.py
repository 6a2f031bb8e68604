"""Inviting people by email to take a role in a region, through a real SMTP server: the link
works once, for 7 days; someone new chooses a name and a password, someone logged in
accepts with their account; a leader invites only to the regions they lead."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, col, select

from forum.models import Invitation, Membership, ModerationEvent, Role, User, utcnow
from forum.notifications import worker
from tests.factories import PASSWORD, html, log_in, post
from tests.mailbox import sending_to, text_of


@pytest.fixture
def settings(settings, mailbox):
    return sending_to(settings, mailbox)


@pytest.fixture
def region(make):
    return make.region("vale", name="Vale Verde", default_locale="pt_PT")


@pytest.fixture
def leader(make, region):
    return make.user("Lea", roles={Role.leader: [region]})


def invite(client, **fields):
    form = {"region": "vale", "email": "ana@example.org", "role": "partner", **fields}
    return post(client, "/admin/invitations", form)


def delivered(app) -> None:
    worker.run_once(app.state.engine, app.state.mailer)


def fresh(db: Session, model, *where):
    db.rollback()
    return db.exec(select(model).where(*where)).all()


def test_a_leader_invites_a_partner_who_accepts_with_a_new_account(
    client, app, db, make, mailbox, region, leader
):
    energia = make.organisation("Energia Lda")
    log_in(client, leader)

    response = invite(client, organisation=str(energia.id))
    delivered(app)

    assert response.status_code == 303
    message = mailbox.to("ana@example.org")[0]
    assert "Vale Verde" in message["Subject"]  # in the region's language, Portuguese
    assert "Lea" in text_of(message) and "Energia Lda" in text_of(message)
    link = mailbox.link("ana@example.org", "/invite/")
    with TestClient(app) as stranger:
        page = html(stranger.get(link))
        assert page.select_one("#name") is not None
        accepted = post(stranger, link, {"name": "Ana", "password": PASSWORD})
        assert accepted.status_code == 303
        assert accepted.headers["location"] == "/r/vale"
        assert "Ana" in stranger.get("/account").text  # logged in as the new account
    ana = fresh(db, User, col(User.name) == "Ana")[0]
    assert (ana.email, ana.organisation_id) == ("ana@example.org", energia.id)
    roles = fresh(db, Membership, col(Membership.user_id) == ana.id)
    assert [(m.region_id, m.role) for m in roles] == [(region.id, "partner")]
    actions = [e.action for e in fresh(db, ModerationEvent)]
    assert actions == ["invite", "invitation_accepted"]


def test_someone_logged_in_accepts_with_their_account(client, app, db, make, mailbox, leader):
    rui = make.user("Rui")
    log_in(client, leader)
    invite(client, email="rui@example.org", role="moderator")
    delivered(app)
    link = mailbox.link("rui@example.org", "/invite/")

    with TestClient(app) as browser:
        log_in(browser, rui)
        page = html(browser.get(link))
        assert page.select_one("#name") is None  # no new account to make
        assert post(browser, link, {}).status_code == 303

    assert [m.role for m in fresh(db, Membership, col(Membership.user_id) == rui.id)] == [
        "moderator"
    ]


def test_a_used_link_says_so_plainly_and_changes_nothing(client, app, db, mailbox, leader):
    log_in(client, leader)
    invite(client, role="moderator")
    delivered(app)
    link = mailbox.link("ana@example.org", "/invite/")
    with TestClient(app) as first:
        post(first, link, {"name": "Ana", "password": PASSWORD})

    with TestClient(app) as second:
        shown = second.get(link)
        sent = post(second, link, {"name": "Ana Two", "password": PASSWORD})

    assert (shown.status_code, sent.status_code) == (410, 410)
    assert "already accepted" in html(shown).select_one(".notice-error").text
    assert fresh(db, User, col(User.name) == "Ana Two") == []


def test_an_expired_or_made_up_link_says_so(client, app, db, mailbox, leader):
    log_in(client, leader)
    invite(client, role="moderator")
    delivered(app)
    link = mailbox.link("ana@example.org", "/invite/")
    db.execute(update(Invitation).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.commit()

    with TestClient(app) as stranger:
        expired = stranger.get(link)
        made_up = stranger.get("/invite/not-a-real-token")

    assert expired.status_code == made_up.status_code == 410
    assert "too old" in html(expired).select_one(".notice-error").text
    assert "does not work" in html(made_up).select_one(".notice-error").text


def test_a_taken_name_comes_back_with_what_was_typed(client, app, db, make, mailbox, leader):
    make.user("Ana")
    log_in(client, leader)
    invite(client, role="moderator")
    delivered(app)
    link = mailbox.link("ana@example.org", "/invite/")

    with TestClient(app) as stranger:
        response = post(stranger, link, {"name": "ana", "password": PASSWORD})

    assert response.status_code == 400
    page = html(response)
    assert page.select_one("#name")["value"] == "ana"
    assert "already taken" in page.select_one("#name-error").text
    assert fresh(db, Invitation)[0].accepted_at is None


def test_two_tabs_accepting_at_once_make_one_account(client, app, db, mailbox, leader):
    log_in(client, leader)
    invite(client, role="moderator")
    delivered(app)
    link = mailbox.link("ana@example.org", "/invite/")

    def accept(name: str) -> int:
        with TestClient(app) as tab:
            return post(tab, link, {"name": name, "password": PASSWORD}).status_code

    with ThreadPoolExecutor(4) as pool:
        answers = sorted(pool.map(accept, ["Ana 1", "Ana 2", "Ana 3", "Ana 4"]))

    assert answers.count(303) == 1 and all(code in (400, 409, 410) for code in answers[1:])
    accepted = [u for u in fresh(db, User) if u.name.startswith("Ana")]
    assert len(accepted) == 1


@pytest.mark.parametrize(
    ("fields", "wrong"),
    [
        ({"email": "not an address", "role": "moderator"}, ["invite-email"]),
        ({"role": "king"}, ["invite-role"]),
        ({"role": "partner", "organisation": ""}, ["invite-organisation"]),
    ],
    ids=["bad address", "unknown role", "partner without organisation"],
)
def test_a_wrong_invitation_comes_back_and_nothing_is_sent(
    client, app, db, mailbox, leader, fields, wrong
):
    log_in(client, leader)

    response = invite(client, **fields)
    delivered(app)

    assert response.status_code == 400
    assert [e["id"].removesuffix("-error") for e in html(response).select(".field-error")] == wrong
    assert fresh(db, Invitation) == [] and mailbox.messages == []


def test_a_leader_cannot_invite_to_a_region_they_do_not_lead(client, app, db, make, leader):
    make.region("far")
    log_in(client, leader)

    response = invite(client, region="far", role="moderator")

    assert response.status_code == 403
    assert fresh(db, Invitation) == []
