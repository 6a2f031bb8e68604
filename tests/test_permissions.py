"""Who may do what: the whole rule table, persona by persona, and routes that obey it."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass

import pytest
from sqlmodel import Session, col, func, select

from forum.accounts.service import viewer_of
from forum.models import (
    Concern,
    ConcernAudience,
    Flag,
    ModerationEvent,
    Organisation,
    Region,
    Reply,
    Role,
    Status,
    Support,
    Verdict,
)
from forum.permissions import RULES, VISITOR, Action, Viewer, can
from forum.permissions import allowed as allowed_here
from tests.factories import Factory, log_in, post

PERSONAS = [
    "visitor",
    "citizen",
    "author",
    "partner",
    "partner elsewhere",
    "moderator",
    "moderator elsewhere",
    "leader",
    "admin",
]
SIGNED_IN = set(PERSONAS) - {"visitor"}

# The spec: for each action, exactly who may take it on a concern in "this" region.
# "partner", "moderator" and "leader" hold their role in this region; "... elsewhere"
# hold it in another region only; "author" raised the concern; "admin" holds no role.
MAY: dict[Action, set[str]] = {
    Action.raise_concern: SIGNED_IN,
    Action.reply: SIGNED_IN,
    Action.support: SIGNED_IN,
    Action.flag: SIGNED_IN,
    Action.answer_officially: {"partner", "admin"},
    Action.answer_queue: {"partner", "admin"},
    Action.resolve: {"author", "moderator", "admin"},
    Action.tag: {"moderator", "admin"},
    Action.close: {"moderator", "admin"},
    Action.moderate: {"moderator", "admin"},
    Action.record_assisted: {"moderator", "admin"},
    Action.view_summary: {"leader", "admin"},
    Action.view_moderation_log: {"moderator", "leader", "admin"},
    Action.administer: {"admin"},
    Action.manage_people: {"leader", "admin"},
    Action.describe_services: {"leader", "admin"},
    Action.give_verdict: SIGNED_IN,
    Action.monitor: {"leader", "admin"},
}


@dataclass
class World:
    region: Region
    concern: Concern
    viewers: dict[str, Viewer]


@pytest.fixture
def world(db: Session, make: Factory) -> World:
    here, elsewhere = make.region(), make.region()
    author = make.user()
    users = {
        "citizen": make.user(),
        "author": author,
        "partner": make.user(roles={Role.partner: [here]}, organisation="Energia Lda"),
        "partner elsewhere": make.user(roles={Role.partner: [elsewhere]}),
        "moderator": make.user(roles={Role.moderator: [here]}),
        "moderator elsewhere": make.user(roles={Role.moderator: [elsewhere]}),
        "leader": make.user(roles={Role.leader: [here]}),
        "admin": make.user(admin=True),
    }
    viewers = {"visitor": VISITOR} | {name: viewer_of(db, user) for name, user in users.items()}
    return World(here, make.concern(here, author), viewers)


def test_it_has_a_rule_and_a_spec_line_for_every_action():
    assert set(RULES) == set(Action)
    assert set(MAY) == set(Action)
    assert all(allowed <= set(PERSONAS) for allowed in MAY.values())


@pytest.mark.parametrize(
    ("action", "persona"),
    [(action, persona) for action in Action for persona in PERSONAS],
    ids=lambda value: str(value).replace(" ", "_"),
)
def test_it_lets_exactly_the_people_in_the_table_act(world: World, action: Action, persona: str):
    assert world.region.id is not None

    allowed = can(world.viewers[persona], action, world.region.id, world.concern)

    assert allowed is (persona in MAY[action])


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda value: value.replace(" ", "_"))
def test_what_a_page_offers_is_what_the_table_allows(world: World, persona: str):
    assert world.region.id is not None

    offered = allowed_here(world.viewers[persona], world.region.id, world.concern)

    assert offered == {action.value: persona in MAY[action] for action in Action}


# Routes consult the table: a refusal is a 403 (or, for a visitor, the login page), and
# nothing is stored.


def _count(db: Session, model: type, *where) -> int:
    db.rollback()  # read what the request committed, not this session's snapshot
    return db.exec(select(func.count()).select_from(model).where(*where)).one()


def _status_of(db: Session, concern: Concern) -> str:
    db.rollback()
    return db.exec(select(Concern.status).where(Concern.id == concern.id)).one()


def test_it_refuses_an_official_answer_from_a_partner_of_another_region(client, db, make):
    here, elsewhere = make.region(), make.region()
    concern = make.concern(here, make.user())
    log_in(client, make.user(roles={Role.partner: [elsewhere]}, organisation="Far Away Lda"))

    response = post(client, f"/c/{concern.id}/replies", {"body": "We fixed it", "official": "1"})

    assert response.status_code == 403
    assert _count(db, Reply, col(Reply.concern_id) == concern.id) == 0
    assert _status_of(db, concern) == Status.open


def test_it_takes_an_official_answer_from_a_partner_of_the_region(client, db, make):
    region = make.region()
    concern = make.concern(region, make.user())
    log_in(client, make.user(roles={Role.partner: [region]}, organisation="Energia Lda"))

    response = post(client, f"/c/{concern.id}/replies", {"body": "We fixed it", "official": "1"})

    assert response.status_code == 303
    assert _count(db, Reply, col(Reply.official), col(Reply.concern_id) == concern.id) == 1
    assert _status_of(db, concern) == Status.answered


def test_it_refuses_audiences_from_a_citizen(client, db, make):
    region = make.region()
    concern = make.concern(region, make.user(), audiences=["citizens"])
    log_in(client, make.user())

    response = post(client, f"/c/{concern.id}/audiences", {"audience": ["local_administration"]})

    assert response.status_code == 403
    assert _count(db, ConcernAudience, col(ConcernAudience.concern_id) == concern.id) == 1


def test_it_refuses_closing_from_a_citizen(client, db, make):
    region = make.region()
    concern = make.concern(region, make.user())
    log_in(client, make.user())

    response = post(client, f"/c/{concern.id}/status", {"status": "closed", "reason": "off_topic"})

    assert response.status_code == 403
    assert _status_of(db, concern) == Status.open


def test_it_refuses_closing_from_a_moderator_of_another_region(client, db, make):
    here, elsewhere = make.region(), make.region()
    concern = make.concern(here, make.user())
    log_in(client, make.user(roles={Role.moderator: [elsewhere]}))

    response = post(client, f"/c/{concern.id}/status", {"status": "closed", "reason": "off_topic"})

    assert response.status_code == 403
    assert _status_of(db, concern) == Status.open


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/c/{id}/replies", {"body": "Me too, the bus never comes"}),
        ("/c/{id}/support", {}),
        ("/c/{id}/status", {"status": "closed", "reason": "off_topic"}),
        ("/r/{slug}/new", {"title": "No bus", "body": "The bus never comes"}),
        ("/c/{id}/flag", {"reason": "spam"}),
    ],
    ids=["reply", "support", "status", "raise", "flag"],
)
def test_it_sends_a_visitor_to_log_in_and_changes_nothing(client, db, make, path, form):
    region = make.region()
    concern = make.concern(region, make.user())

    response = post(client, path.format(id=concern.id, slug=region.slug), form)

    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    assert _count(db, Concern) == 1
    assert _count(db, Reply) == 0
    assert _count(db, Support) == 0
    assert _status_of(db, concern) == Status.open
    assert _count(db, Flag) == 0


# The moderation routes, persona by persona: exactly the people the table allows act, and a
# refusal logs nothing.

MODERATION_ROUTES = {
    "lock": ("/moderation/concerns/{id}/lock", {}),
    "topic": ("/moderation/concerns/{id}/topic", {"topic": "energy"}),
    "hide": ("/moderation/concerns/{id}/hide", {"reason": "Advertising"}),
    "audiences": ("/moderation/concerns/{id}/audiences", {"audience": "citizens"}),
    "remove photo": ("/moderation/concerns/{id}/photo/remove", {}),
}
# Who may open each moderation page: moderators and leaders of any region see their own.
MODERATION_PAGES = {
    "/moderation": {"moderator", "moderator elsewhere", "admin"},
    "/moderation/log": {"moderator", "moderator elsewhere", "leader", "admin"},
}


def _log_in_as(client, world: World, persona: str) -> None:
    user = world.viewers[persona].user
    if user is not None:
        log_in(client, user)


@pytest.mark.parametrize(
    ("route", "persona"),
    [(route, persona) for route in MODERATION_ROUTES for persona in PERSONAS],
    ids=lambda value: str(value).replace(" ", "_"),
)
def test_it_lets_exactly_the_moderators_of_the_region_moderate(
    client, db, world: World, route: str, persona: str
):
    path, form = MODERATION_ROUTES[route]
    if route == "remove photo":  # a photo to remove (its files need not exist)
        world.concern.photo = "p" * 32
        db.add(world.concern)
        db.commit()
    _log_in_as(client, world, persona)

    response = post(client, path.format(id=world.concern.id), form)

    allowed = persona in MAY[Action.moderate]
    if persona == "visitor":
        assert response.headers["location"].startswith("/login")
    assert response.status_code == (303 if allowed or persona == "visitor" else 403)
    assert _count(db, ModerationEvent) == (1 if allowed else 0)


@pytest.mark.parametrize(
    ("page", "persona"),
    [(page, persona) for page in MODERATION_PAGES for persona in PERSONAS],
    ids=lambda value: str(value).replace(" ", "_"),
)
def test_it_opens_the_moderation_pages_to_exactly_their_people(
    client, world: World, page: str, persona: str
):
    _log_in_as(client, world, persona)

    response = client.get(page, follow_redirects=False)

    if persona == "visitor":
        assert response.status_code == 303
    else:
        assert response.status_code == (200 if persona in MODERATION_PAGES[page] else 403)


# The operator's routes: no role opens more than a visitor gets. Health and the source are for
# everyone; the metrics answer the token, never a session (even an admin's).
OPERATIONS_PAGES = {"/healthz": 200, "/readyz": 200, "/source.tar.gz": 200, "/metrics": 401}


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"metrics_token": "permissions-test-metrics-token"})


@pytest.mark.parametrize(
    ("page", "persona"),
    [(page, persona) for page in OPERATIONS_PAGES for persona in PERSONAS],
    ids=lambda value: str(value).replace(" ", "_"),
)
def test_it_answers_the_operations_routes_alike_for_every_persona(
    client, world: World, page: str, persona: str
):
    _log_in_as(client, world, persona)

    response = client.get(page, follow_redirects=False)

    assert response.status_code == OPERATIONS_PAGES[page]
    assert "agora_http_requests" not in response.text


# The administration: every page and every form, persona by persona. Administrators set up
# regions, topics and organisations; the region's leader manages its people; everyone else
# gets 403 and changes nothing (a visitor is sent to log in).
ADMIN = {"admin"}
MANAGERS = {"admin", "leader"}
ADMIN_PAGES = {
    "/admin": MANAGERS,
    "/admin/regions": ADMIN,
    "/admin/regions/{slug}": ADMIN,
    "/admin/topics": ADMIN,
    "/admin/organisations": ADMIN,
    "/admin/people?region={slug}": MANAGERS,
}
ADMIN_FORMS = {
    "create region": (
        "/admin/regions",
        {"slug": "new", "name": "New", "default_locale": "en"},
        ADMIN,
    ),
    "edit region": ("/admin/regions/{slug}", {"name": "Renamed", "default_locale": "de"}, ADMIN),
    "create topic": ("/admin/topics", {"slug": "water", "name": "Water"}, ADMIN),
    "edit topic": ("/admin/topics/energy", {"name": "Power"}, ADMIN),
    "create organisation": (
        "/admin/organisations",
        {"name": "Águas", "kind": "technology_provider"},
        ADMIN,
    ),
    "edit organisation": (
        "/admin/organisations/{organisation}",
        {"name": "E", "kind": "local_administration"},
        ADMIN,
    ),
    "grant": (
        "/admin/people",
        {"region": "{slug}", "name": "{citizen}", "role": "moderator"},
        MANAGERS,
    ),
    "revoke": (
        "/admin/people/revoke",
        {"region": "{slug}", "person": "{moderator}", "role": "moderator"},
        MANAGERS,
    ),
    "log out": (
        "/admin/people/logout",
        {"region": "{slug}", "person": "{moderator}"},
        MANAGERS,
    ),
    "invite": (
        "/admin/invitations",
        {"region": "{slug}", "email": "a@example.org", "role": "moderator"},
        MANAGERS,
    ),
}


def _filled(world: World, db: Session, text: str) -> str:
    organisation = db.exec(select(Organisation)).first()
    return text.format(
        slug=world.region.slug,
        citizen=world.viewers["citizen"].user.name,
        moderator=world.viewers["moderator"].user.id,
        organisation=organisation.id if organisation else 0,
    )


@pytest.mark.parametrize(
    ("page", "persona"),
    [(page, persona) for page in ADMIN_PAGES for persona in PERSONAS],
    ids=lambda value: str(value).replace(" ", "_"),
)
def test_it_opens_the_administration_to_exactly_its_people(
    client, db, world: World, page: str, persona: str
):
    _log_in_as(client, world, persona)

    response = client.get(_filled(world, db, page), follow_redirects=False)

    if persona == "visitor":
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
    else:
        assert response.status_code == (200 if persona in ADMIN_PAGES[page] else 403)


@pytest.mark.parametrize(
    ("form", "persona"),
    [(form, persona) for form in ADMIN_FORMS for persona in PERSONAS],
    ids=lambda value: str(value).replace(" ", "_"),
)
def test_it_lets_exactly_the_right_people_set_up_a_region(
    client, db, world: World, form: str, persona: str
):
    path, fields, allowed = ADMIN_FORMS[form]
    _log_in_as(client, world, persona)
    filled = {name: _filled(world, db, value) for name, value in fields.items()}

    response = post(client, _filled(world, db, path), filled)

    if persona == "visitor":
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
    else:
        assert response.status_code == (303 if persona in allowed else 403), response.text[:300]
    assert _count(db, ModerationEvent) == (1 if persona in allowed else 0)


# A person's own data: each persona downloads their own and may erase their own account;
# a visitor is sent to log in. Nobody reaches another's: the routes take no one's number.


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda value: value.replace(" ", "_"))
def test_it_gives_each_person_their_own_data_and_erasure_only(
    client, db, world: World, persona: str
):
    _log_in_as(client, world, persona)

    download = client.get("/account/data", follow_redirects=False)
    erase = post(client, "/account/delete", {"confirm": "1"})

    user = world.viewers[persona].user
    if user is None:
        assert download.status_code == erase.status_code == 303
        assert download.headers["location"].startswith("/login")
        assert not [v.user for v in world.viewers.values() if v.user and v.user.erased_at]
        return
    assert download.status_code == 200
    assert (
        json.loads(zipfile.ZipFile(io.BytesIO(download.content)).read("agora-data.json"))[
            "account"
        ]["name"]
        == user.name
    )
    assert erase.status_code == 303
    db.refresh(user)
    assert user.erased_at is not None
    others = [v.user for name, v in world.viewers.items() if v.user and name != persona]
    for other in others:
        db.refresh(other)
        assert other.erased_at is None


# Piloted services: the region's leaders (and administrators) describe them, its moderators
# set which one a concern is about, anyone signed in gives a verdict; the monitoring page is
# for leaders and administrators. Everyone else gets 403 and nothing changes.
LEADERS = {"leader", "admin"}
MODERATORS = {"moderator", "admin"}
DESCRIPTION = {
    "lang": "en",
    "name": "Water meters",
    "summary": "Meters that warn of leaks.",
    "steps": "Sensor: measures",
    "stage": "running",
}
SERVICE_FORMS = {
    "describe a service": ("/r/{slug}/services/new", DESCRIPTION | {"slug": "meters"}, LEADERS),
    "edit a service": ("/r/{slug}/services/water/edit", DESCRIPTION, LEADERS),
    "set a concern's service": ("/c/{concern}/service", {"service": "water"}, MODERATORS),
}
SERVICE_PAGES = {
    "/r/{slug}/services": set(PERSONAS),
    "/r/{slug}/services/water": set(PERSONAS),
    "/r/{slug}/services/new": LEADERS,
    "/r/{slug}/services/water/edit?lang=pt_PT": LEADERS,
    "/monitoring": LEADERS,
    "/monitoring.csv": LEADERS,
    "/guide": set(PERSONAS),
}


def _on_service(world: World, text: str) -> str:
    return text.format(slug=world.region.slug, concern=world.concern.id)


# One test per persona walks every form and page: each would otherwise set up its world.


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda value: value.replace(" ", "_"))
def test_it_lets_exactly_the_right_people_describe_services(
    client, db, make, world: World, persona: str
):
    make.service(world.region, "water")
    _log_in_as(client, world, persona)

    for form, (path, fields, allowed) in SERVICE_FORMS.items():
        logged_before = _count(db, ModerationEvent)
        response = post(client, _on_service(world, path), fields)

        if persona == "visitor":
            assert response.status_code == 303, form
            assert response.headers["location"].startswith("/login"), form
        else:
            assert response.status_code == (303 if persona in allowed else 403), form
        assert _count(db, ModerationEvent) - logged_before == (1 if persona in allowed else 0)


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda value: value.replace(" ", "_"))
def test_it_opens_the_service_pages_to_exactly_their_readers(
    client, make, world: World, persona: str
):
    make.service(world.region, "water")
    _log_in_as(client, world, persona)

    for page, allowed in SERVICE_PAGES.items():
        response = client.get(_on_service(world, page), follow_redirects=False)

        if persona == "visitor" and "visitor" not in allowed:
            assert response.status_code == 303, page
            assert response.headers["location"].startswith("/login"), page
        else:
            assert response.status_code == (200 if persona in allowed else 403), page


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda value: value.replace(" ", "_"))
def test_everyone_signed_in_and_only_them_gives_a_verdict(
    client, db, make, world: World, persona: str
):
    make.service(world.region, "water")
    _log_in_as(client, world, persona)

    response = post(
        client, _on_service(world, "/r/{slug}/services/water/verdict"), {"verdict": "works"}
    )

    if persona == "visitor":
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
    else:
        assert response.status_code == 303
    assert _count(db, Verdict) == (0 if persona == "visitor" else 1)
