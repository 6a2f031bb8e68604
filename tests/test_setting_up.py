"""A pilot region set up from nothing, as a new team would on Monday: an administrator made
with the command line creates a region, a topic and an organisation on /admin, invites a
partner by email (a real SMTP server), the partner accepts, a citizen raises a concern there,
and the partner answers it officially. No demo data, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import col, select

from forum import cli
from forum.models import Concern, Region, Reply
from forum.notifications import worker
from tests.factories import html, post
from tests.mailbox import sending_to


@pytest.fixture
def settings(settings, mailbox):
    return sending_to(settings, mailbox)


PASSWORD = "a long enough password"


def log_in_as(client: TestClient, name: str) -> None:
    response = post(client, "/login", {"name": name, "password": PASSWORD})
    assert response.status_code == 303, response.text


def test_a_region_is_set_up_from_nothing_and_answers_its_first_concern(
    app, db, mailbox, monkeypatch, settings, tmp_path
):
    assert db.exec(select(Region)).all() == []  # no demo data
    password_file = tmp_path / "password"
    password_file.write_text(PASSWORD)
    monkeypatch.setenv("FORUM_DATABASE_URL", settings.database_url)
    create = ["users", "create", "--name", "Admin", "--password-file", str(password_file)]
    assert cli.main([*create, "--email", "admin@example.org", "--admin"]) == 0

    with TestClient(app) as admin:
        log_in_as(admin, "Admin")
        region = {"slug": "vale", "name": "Vale Verde", "default_locale": "pt_PT"}
        assert post(admin, "/admin/regions", region).status_code == 303
        assert post(admin, "/admin/topics", {"slug": "water", "name": "Água"}).status_code == 303
        organisation = {"name": "Águas do Vale", "kind": "technology_provider"}
        assert post(admin, "/admin/organisations", organisation).status_code == 303
        choices = html(admin.get("/admin/people?region=vale")).select("#invite-organisation option")
        organisation_id = next(o["value"] for o in choices if o.text == "Águas do Vale")
        invitation = {"region": "vale", "email": "ana@example.org", "role": "partner"}
        sent = post(admin, "/admin/invitations", {**invitation, "organisation": organisation_id})
        assert sent.status_code == 303
    worker.run_once(app.state.engine, app.state.mailer)

    with TestClient(app) as partner:
        accepted = post(
            partner,
            mailbox.link("ana@example.org", "/invite/"),
            {"name": "Ana", "password": PASSWORD},
        )
        assert accepted.status_code == 303

    with TestClient(app) as citizen:
        account = {"name": "Maria", "password": PASSWORD}
        assert post(citizen, "/register", account).status_code == 303
        concern = {"title": "A água sabe a cloro", "body": "Desde segunda-feira.", "topic": "water"}
        raised = post(citizen, "/r/vale/new", concern)
        assert raised.status_code == 303
        concern_path = raised.headers["location"]

    with TestClient(app) as partner:
        log_in_as(partner, "Ana")
        answer = {"body": "Vamos analisar a água amanhã.", "official": "1"}
        assert post(partner, f"{concern_path}/replies", answer).status_code == 303
        page = html(partner.get(concern_path))

    assert "Águas do Vale" in page.select_one(".reply-official").text
    db.rollback()
    raised_concern = db.exec(select(Concern)).one()
    assert raised_concern.status == "answered"
    official = db.exec(select(Reply).where(col(Reply.official))).one()
    assert official.organisation == "Águas do Vale"
