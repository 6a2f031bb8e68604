"""Setting up a pilot region on /admin: regions, topics, organisations and roles. Plain forms
that keep what was typed on error, a line in the moderation log for every change, and
leaders who manage only the people of the regions they lead."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from forum.models import Membership, ModerationEvent, Organisation, Region, Role, Topic, User
from tests.factories import html, log_in, post


@pytest.fixture
def admin(make):
    return make.user("boss", admin=True)


def fresh(db: Session, model, *where):
    db.rollback()
    return db.exec(select(model).where(*where)).all()


def log_lines(db: Session, action: str) -> list[ModerationEvent]:
    return list(fresh(db, ModerationEvent, col(ModerationEvent.action) == action))


def field_errors(response) -> list[str]:
    return [error["id"].removesuffix("-error") for error in html(response).select(".field-error")]


# Regions.


def test_an_admin_adds_a_region_and_finds_it_on_the_home_page(client, db, admin):
    log_in(client, admin)

    response = post(
        client,
        "/admin/regions",
        {
            "slug": "vale-verde",
            "name": "Vale Verde",
            "default_locale": "pt_PT",
            "description": "Sensores de água.",
        },
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/admin/regions/vale-verde"
    region = fresh(db, Region, col(Region.slug) == "vale-verde")[0]
    assert (region.name, region.default_locale, region.active) == ("Vale Verde", "pt_PT", True)
    assert "/r/vale-verde" in client.get("/").text
    line = log_lines(db, "region_create")[0]
    assert (line.actor_id, line.region_id, line.after["slug"]) == (
        admin.id,
        region.id,
        "vale-verde",
    )


@pytest.mark.parametrize(
    ("typed", "wrong"),
    [
        ({"slug": "Vale Verde!", "name": "Vale", "default_locale": "pt_PT"}, ["slug"]),
        ({"slug": "vale", "name": "", "default_locale": "pt_PT"}, ["name"]),
        ({"slug": "vale", "name": "Vale", "default_locale": "pt_BR"}, ["default_locale"]),
        ({"slug": "taken", "name": "Vale", "default_locale": "en"}, ["slug"]),
    ],
    ids=["bad slug", "no name", "a locale Agora does not ship", "duplicate slug"],
)
def test_it_refuses_a_wrong_region_and_keeps_what_was_typed(client, db, make, admin, typed, wrong):
    make.region("taken")
    log_in(client, admin)

    response = post(client, "/admin/regions", {**typed, "description": "Kept as typed"})

    assert response.status_code == 400
    assert field_errors(response) == wrong
    page = html(response)
    assert page.select_one(".error-summary a")["href"] == f"#{wrong[0]}"
    assert page.select_one("#name")["value"] == typed["name"]
    assert page.select_one("#description").text == "Kept as typed"
    assert len(fresh(db, Region)) == 1
    assert log_lines(db, "region_create") == []


def test_an_admin_changes_a_region_and_takes_it_off_the_site(client, db, make, admin):
    region = make.region("vale", name="Vale")
    log_in(client, admin)

    response = post(
        client,
        "/admin/regions/vale",
        {"name": "Vale Verde", "default_locale": "es", "description": "Otra", "active": ""},
    )

    assert response.status_code == 303
    db.refresh(region)
    assert (region.name, region.default_locale, region.active) == ("Vale Verde", "es", False)
    assert client.get("/r/vale").status_code == 404
    assert client.get("/admin/regions/vale").status_code == 200  # still there, for the admin
    line = log_lines(db, "region_edit")[0]
    assert line.before == {
        "name": "Vale",
        "default_locale": "en",
        "description": "",
        "active": True,
    }
    assert line.after["active"] is False


def test_it_logs_nothing_when_nothing_changed(client, db, make, admin):
    make.region("vale", name="Vale")
    log_in(client, admin)

    post(
        client,
        "/admin/regions/vale",
        {"name": "Vale", "default_locale": "en", "description": "", "active": "yes"},
    )

    assert log_lines(db, "region_edit") == []


# Topics and organisations.


def test_an_admin_adds_and_renames_a_topic(client, db, admin):
    log_in(client, admin)

    added = post(client, "/admin/topics", {"slug": "water_supply", "name": "Water"})
    renamed = post(client, "/admin/topics/water_supply", {"name": "Water supply"})
    again = post(client, "/admin/topics", {"slug": "water_supply", "name": "Water"})

    assert (added.status_code, renamed.status_code, again.status_code) == (303, 303, 400)
    assert fresh(db, Topic, col(Topic.slug) == "water_supply")[0].name == "Water supply"
    assert field_errors(again) == ["slug"]
    assert [line.region_id for line in log_lines(db, "topic_create")] == [None]
    assert log_lines(db, "topic_edit")[0].after == {"name": "Water supply"}


def test_an_admin_adds_an_organisation_and_changes_its_kind(client, db, admin):
    log_in(client, admin)

    post(client, "/admin/organisations", {"name": "Câmara de Sines", "kind": "technology_provider"})
    organisation = fresh(db, Organisation)[0]
    changed = post(
        client,
        f"/admin/organisations/{organisation.id}",
        {"name": "Câmara Municipal de Sines", "kind": "local_administration"},
    )

    assert changed.status_code == 303
    db.refresh(organisation)
    assert (organisation.name, organisation.kind) == (
        "Câmara Municipal de Sines",
        "local_administration",
    )
    assert log_lines(db, "organisation_edit")[0].before["kind"] == "technology_provider"


@pytest.mark.parametrize(
    ("typed", "wrong"),
    [
        ({"name": "energia lda", "kind": "technology_provider"}, ["name"]),
        ({"name": "New", "kind": "charity"}, ["kind"]),
        ({"name": "", "kind": ""}, ["name", "kind"]),
    ],
    ids=["same name", "unknown kind", "empty"],
)
def test_it_refuses_a_wrong_organisation(client, db, make, admin, typed, wrong):
    make.organisation("Energia Lda")
    log_in(client, admin)

    response = post(client, "/admin/organisations", typed)

    assert response.status_code == 400
    assert field_errors(response) == wrong
    assert len(fresh(db, Organisation)) == 1


def test_the_error_of_one_line_stays_beside_that_line(client, db, make, admin):
    first, second = make.organisation("Energia Lda"), make.organisation("Águas SA")
    log_in(client, admin)

    response = post(client, f"/admin/organisations/{second.id}", {"name": "", "kind": "x"})

    assert field_errors(response) == [f"name-{second.id}", f"kind-{second.id}"]
    assert html(response).select_one(f"#name-{first.id}")["value"] == "Energia Lda"


# Roles in a region.


@pytest.fixture
def region(make):
    return make.region("vale", name="Vale")


def roles_of(db: Session, user: User, region: Region) -> list[str]:
    rows = fresh(
        db, Membership, col(Membership.user_id) == user.id, col(Membership.region_id) == region.id
    )
    return sorted(row.role for row in rows)


def test_an_admin_gives_a_partner_their_role_and_organisation(client, db, make, admin, region):
    ana = make.user("Ana")
    energia = make.organisation("Energia Lda")
    log_in(client, admin)

    response = post(
        client,
        "/admin/people",
        {"region": "vale", "name": "ana", "role": "partner", "organisation": str(energia.id)},
    )

    assert response.status_code == 303
    assert roles_of(db, ana, region) == ["partner"]
    db.refresh(ana)
    assert ana.organisation_id == energia.id
    line = log_lines(db, "grant")[0]
    assert (line.target_id, line.region_id, line.after) == (
        ana.id,
        region.id,
        {"role": "partner", "organisation": "Energia Lda"},
    )
    page = html(client.get("/admin/people?region=vale"))
    assert "Ana" in page.select_one("#holders-title").find_parent("section").text


def test_a_partner_needs_an_organisation(client, db, make, admin, region):
    ana = make.user("Ana")
    log_in(client, admin)

    response = post(client, "/admin/people", {"region": "vale", "name": "Ana", "role": "partner"})

    assert response.status_code == 400
    assert field_errors(response) == ["grant-organisation"]
    assert html(response).select_one("#grant-name")["value"] == "Ana"
    assert roles_of(db, ana, region) == []


def test_giving_a_role_twice_says_so_and_changes_nothing(client, db, make, admin, region):
    rui = make.user("Rui", roles={Role.moderator: [region]})
    log_in(client, admin)

    response = post(client, "/admin/people", {"region": "vale", "name": "Rui", "role": "moderator"})

    assert response.status_code == 409
    assert "already has this role" in html(response).select_one(".notice-error").text
    assert roles_of(db, rui, region) == ["moderator"]
    assert log_lines(db, "grant") == []


def test_nobody_with_that_name_is_said_beside_the_name(client, make, admin, region):
    log_in(client, admin)

    response = post(client, "/admin/people", {"region": "vale", "name": "Nemo", "role": "leader"})

    assert response.status_code == 400
    assert field_errors(response) == ["grant-name"]


def test_a_role_is_taken_away_once(client, db, make, admin, region):
    rui = make.user("Rui", roles={Role.moderator: [region]})
    log_in(client, admin)
    form = {"region": "vale", "person": str(rui.id), "role": "moderator"}

    first = post(client, "/admin/people/revoke", form)
    second = post(client, "/admin/people/revoke", form)

    assert (first.status_code, second.status_code) == (303, 409)
    assert roles_of(db, rui, region) == []
    assert len(log_lines(db, "revoke")) == 1


def test_a_leader_manages_the_people_of_their_region_only(client, db, make, region):
    elsewhere = make.region("far")
    leader = make.user("Lea", roles={Role.leader: [region]})
    joao = make.user("Joao")
    log_in(client, leader)

    here = post(client, "/admin/people", {"region": "vale", "name": "Joao", "role": "moderator"})
    there = post(client, "/admin/people", {"region": "far", "name": "Joao", "role": "moderator"})
    regions_page = client.get("/admin/regions", follow_redirects=False)

    assert (here.status_code, there.status_code, regions_page.status_code) == (303, 403, 403)
    assert roles_of(db, joao, region) == ["moderator"]
    assert roles_of(db, joao, elsewhere) == []
    assert client.get("/admin/people?region=far").status_code == 403
    assert client.get("/admin/people?region=nowhere").status_code == 404


def test_a_leader_logs_a_partner_out_on_every_device_for_good(app, client, db, make, region):
    """A lost phone: its copy of the cookie opens nothing any more, on any instance."""
    partner = make.user("Pia", roles={Role.partner: [region]}, organisation="Bus Co")
    with TestClient(app) as phone:
        log_in(phone, partner)
        assert phone.get("/account", follow_redirects=False).status_code == 200
        leader = make.user("Lea", roles={Role.leader: [region]})
        log_in(client, leader)
        page = html(client.get("/admin/people?region=vale"))
        [form] = [
            form
            for form in page.select("form[action='/admin/people/logout']")
            if form.select_one(f"input[name=person][value='{partner.id}']")
        ]
        fields = {field["name"]: field["value"] for field in form.select("input[type=hidden]")}

        response = post(client, "/admin/people/logout", fields)

        assert response.status_code == 303
        assert phone.get("/account", follow_redirects=False).status_code == 303  # to log in
    assert log_lines(db, "log_out")[0].after == {"sessions": 1}


def test_a_leader_cannot_log_out_an_admin_or_someone_without_a_role_here(
    client, make, admin, region
):
    stranger = make.user("Sam")
    log_in(client, make.user("Lea", roles={Role.leader: [region]}))

    for person in (admin, stranger):
        response = post(client, "/admin/people/logout", {"region": "vale", "person": person.id})
        assert response.status_code == 403


def test_a_leader_cannot_take_away_their_own_leadership(client, db, make, region):
    leader = make.user("Lea", roles={Role.leader: [region]})
    log_in(client, leader)

    response = post(
        client,
        "/admin/people/revoke",
        {"region": "vale", "person": str(leader.id), "role": "leader"},
    )

    assert response.status_code == 409
    assert roles_of(db, leader, region) == ["leader"]


def test_the_moderation_log_shows_what_concerns_every_region_to_admins(client, make, admin):
    log_in(client, admin)
    post(client, "/admin/organisations", {"name": "Energia Lda", "kind": "technology_provider"})

    page = html(client.get("/moderation/log"))

    line = page.select_one(".log-line")
    assert "Every region" in line.text and "Added an organisation" in line.text
    assert "Energia Lda" in line.text
