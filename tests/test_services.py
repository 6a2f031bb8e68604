"""Piloted services: described per language by a region's leaders, drawn as a diagram, the
concerns about them, verdicts by side, the monitoring page and its CSV, and the guide."""

from __future__ import annotations

import csv
import io

import pytest
from sqlmodel import Session, col, func, select

from forum.models import Concern, ModerationEvent, Role, Service, ServiceText, Verdict
from forum.piloted.diagram import diagram
from forum.piloted.texts import Step, check_steps, steps_of
from tests.factories import Factory, html, log_in, post

STEPS = "Sensor: measures the water level\nGateway: sends it over the radio\nApp: warns you"
DESCRIBED = {
    "lang": "en",
    "slug": "water-meters",
    "name": "Smart water meters",
    "summary": "A meter that tells you when water leaks.",
    "value_local_administration": "Fewer losses in the network.",
    "value_technology_providers": "Real data to improve the meters.",
    "value_citizens": "Lower bills, and a warning before a pipe bursts.",
    "steps": STEPS,
    "stage": "testing",
}


@pytest.fixture
def leader(make: Factory, region):
    return make.user(roles={Role.leader: [region]})


@pytest.fixture
def region(make: Factory):
    return make.region("vale", default_locale="pt_PT")


def _describe(client, region, **changes) -> object:
    return post(client, f"/r/{region.slug}/services/new", DESCRIBED | changes)


def test_steps_are_read_one_a_line_with_a_colon():
    assert check_steps(" Sensor :  measures \n\n App: warns you ") == (
        "Sensor: measures\nApp: warns you",
        None,
    )
    _typed, problem = check_steps("Sensor: measures\nno colon here")
    assert problem is not None and problem.params["number"] == 2
    assert check_steps(":nothing before")[1] is not None
    assert check_steps("\n".join(f"S{n}: x" for n in range(9)))[1] is not None
    assert steps_of("A: b\nC: d") == [Step("A", "b"), Step("C", "d")]


def test_the_diagram_is_an_accessible_svg_with_every_step_as_text():
    svg = str(diagram("d", "How it works", steps_of(STEPS + "\nNote: <b>&")))
    assert 'role="img"' in svg and 'aria-labelledby="d-title d-desc"' in svg
    assert '<title id="d-title">How it works</title>' in svg
    assert "1. Sensor: measures the water level" in svg  # in the description
    assert ">1. Sensor</text>" in svg and ">3. App</text>" in svg
    assert "&lt;b&gt;&amp;" in svg and "<b>" not in svg
    assert svg.count("diagram-arrowhead") == 3  # between four boxes


def test_a_leader_describes_a_service_in_two_languages_and_each_reader_sees_theirs(
    client, db: Session, region, leader
):
    log_in(client, leader)
    created = _describe(client, region)
    assert created.status_code == 303
    assert created.headers["location"] == "/r/vale/services/water-meters"
    portuguese = DESCRIBED | {"lang": "pt_PT", "name": "Contadores de água inteligentes"}
    portuguese |= {"summary": "Um contador que avisa quando há uma fuga."}
    edited = post(client, "/r/vale/services/water-meters/edit", portuguese)
    assert edited.status_code == 303

    service = db.exec(select(Service)).one()
    assert {t.locale for t in db.exec(select(ServiceText))} == {"en", "pt_PT"}
    actions = db.exec(select(ModerationEvent.action).order_by(col(ModerationEvent.id))).all()
    assert actions == ["service_create", "service_edit"]

    client.cookies.set("lang", "pt_PT")
    page = html(client.get("/r/vale/services/water-meters"))
    assert page.h1.get_text() == "Contadores de água inteligentes"
    assert page.select_one("svg.diagram title").get_text()
    assert [t.get_text() for t in page.select("svg.diagram .diagram-label")] == [
        "1. Sensor",
        "2. Gateway",
        "3. App",
    ]
    client.cookies.set("lang", "de")  # not written in German: the region's language
    assert html(client.get("/r/vale/services/water-meters")).h1.get_text().startswith("Contadores")
    client.cookies.set("lang", "en")
    page = html(client.get("/r/vale/services"))
    assert "Smart water meters" in page.get_text()
    assert service.stage == "testing"


def test_the_edit_form_shows_the_words_of_the_language_asked_for(client, region, leader):
    log_in(client, leader)
    _describe(client, region)
    english = html(client.get("/r/vale/services/water-meters/edit?lang=en"))
    assert english.select_one("#name")["value"] == "Smart water meters"
    assert english.select_one("#steps").get_text() == STEPS
    german = html(client.get("/r/vale/services/water-meters/edit?lang=de"))
    assert german.select_one("#name")["value"] == ""
    assert german.select_one("input[name=lang]")["value"] == "de"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"steps": "Sensor measures the level"}, "steps"),
        ({"stage": "someday"}, "stage"),
        ({"organisation": "999"}, "organisation"),
        ({"organisation": "x"}, "organisation"),
        ({"lang": "xx"}, "lang"),
        ({"slug": "Not A Slug"}, "slug"),
        ({"slug": "new"}, "slug"),
        ({"name": ""}, "name"),
        ({"summary": " "}, "summary"),
        ({"value_citizens": "x" * 2001}, "value_citizens"),
    ],
)
def test_a_wrong_field_comes_back_with_its_message_and_what_was_typed(
    client, db: Session, region, leader, changes, field
):
    log_in(client, leader)
    response = _describe(client, region, **changes)
    assert response.status_code == 400
    page = html(response)
    assert page.select_one(f"#{field}-error"), response.text[:500]
    assert page.select_one("#summary").get_text() == changes.get("summary", DESCRIBED["summary"])
    assert db.exec(select(func.count()).select_from(Service)).one() == 0


def test_a_duplicate_short_name_is_refused_with_a_message(client, db, region, leader):
    log_in(client, leader)
    _describe(client, region)
    again = _describe(client, region, name="Another")
    assert again.status_code == 400 and html(again).select_one("#slug-error")
    assert db.exec(select(func.count()).select_from(Service)).one() == 1


def test_only_the_regions_leaders_and_admins_describe_services(client, make, db, region, leader):
    elsewhere = make.region("elsewhere")
    for person in (make.user(), make.user(roles={Role.leader: [elsewhere]})):
        log_in(client, person)
        assert _describe(client, region).status_code == 403
        assert client.get("/r/vale/services/new").status_code == 403
    assert db.exec(select(func.count()).select_from(Service)).one() == 0
    log_in(client, make.user(admin=True))
    assert _describe(client, region).status_code == 303


@pytest.fixture
def described(client, region, leader, db) -> Service:
    log_in(client, leader)
    _describe(client, region)
    client.cookies.clear()
    return db.exec(select(Service)).one()


def test_a_citizen_raises_a_concern_about_a_service_and_the_region_filters_by_it(
    client, make, db, region, described
):
    citizen = make.user()
    log_in(client, citizen)
    form = html(client.get("/r/vale/new?service=water-meters"))
    assert form.select_one("#service option[selected]")["value"] == "water-meters"
    sent = post(
        client,
        "/r/vale/new",
        {"title": "The meter beeps at night", "body": "It wakes us up.", "service": "water-meters"},
    )
    assert sent.status_code == 303
    make.concern(region, citizen, title="Not about a service")
    concern = db.exec(select(Concern).where(Concern.title == "The meter beeps at night")).one()
    assert concern.service_id == described.id

    listed = html(client.get("/r/vale?service=water-meters")).select(".concern-row h3")
    assert [row.get_text(strip=True) for row in listed] == ["The meter beeps at night"]
    unknown = client.get("/r/vale?service=nothing")
    assert unknown.status_code == 400 and "Not about a service" in unknown.text
    assert "The meter beeps at night" in client.get("/r/vale/services/water-meters").text
    page = html(client.get(f"/c/{concern.id}"))
    assert page.select_one('a[href="/r/vale/services/water-meters"]')

    wrong = post(client, "/r/vale/new", {"title": "T", "body": "B", "service": "elsewhere"})
    assert wrong.status_code == 400 and html(wrong).select_one("#service-error")


def test_a_service_of_another_region_cannot_be_chosen(client, make, db, described):
    other = make.region("other")
    log_in(client, make.user())
    sent = post(client, "/r/other/new", {"title": "T", "body": "B", "service": "water-meters"})
    assert sent.status_code == 400
    assert db.exec(select(func.count()).select_from(Concern)).one() == 0
    assert other.id is not None


def test_a_moderator_sets_and_clears_the_service_of_a_concern(client, make, db, region, described):
    concern = make.concern(region, make.user())
    moderator = make.user(roles={Role.moderator: [region]})
    log_in(client, moderator)
    assert html(client.get(f"/c/{concern.id}")).select_one("#set-service")
    assert post(client, f"/c/{concern.id}/service", {"service": "water-meters"}).status_code == 303
    db.refresh(concern)
    assert concern.service_id == described.id
    assert post(client, f"/c/{concern.id}/service", {"service": "nothing"}).status_code == 409
    assert post(client, f"/c/{concern.id}/service", {"service": ""}).status_code == 303
    db.refresh(concern)
    assert concern.service_id is None
    logged = db.exec(select(ModerationEvent).where(ModerationEvent.action == "service")).all()
    assert [(e.before, e.after) for e in logged] == [
        ({"service": None}, {"service": "water-meters"}),
        ({"service": "water-meters"}, {"service": None}),
    ]
    log_in(client, make.user())
    assert post(client, f"/c/{concern.id}/service", {"service": "water-meters"}).status_code == 403


def test_verdicts_count_for_each_side_and_a_second_replaces_the_first(
    client, make, db, region, described
):
    citizen = make.user()
    provider = make.user(roles={Role.partner: [region]}, organisation="Águas Lda")
    council = make.organisation("Câmara", kind="local_administration")
    clerk = make.user(roles={Role.partner: [region]}, organisation=council)
    url = "/r/vale/services/water-meters/verdict"
    for person, verdict in ((citizen, "works"), (provider, "partly"), (clerk, "not_yet")):
        log_in(client, person)
        assert post(client, url, {"verdict": verdict, "why": "Because."}).status_code == 303
    log_in(client, citizen)
    assert post(client, url, {"verdict": "not_yet", "why": ""}).status_code == 303

    given = db.exec(select(Verdict).order_by(col(Verdict.id))).all()
    assert [(v.audience, v.verdict) for v in given] == [
        ("citizens", "not_yet"),
        ("technology_providers", "partly"),
        ("local_administration", "not_yet"),
    ]
    assert given[1].organisation == "Águas Lda" and given[0].why is None
    client.cookies.set("lang", "en")
    table = html(client.get("/r/vale/services/water-meters")).select_one("table.verdicts")
    rows = {
        r.th.get_text(): [td.get_text() for td in r.select("td")] for r in table.select("tbody tr")
    }
    assert rows == {
        "Citizens": ["0", "0", "1"],
        "Technology providers": ["0", "1", "0"],
        "Local administration": ["0", "0", "1"],
    }


def test_the_reasons_given_are_read_by_the_regions_staff_only(client, make, region, described):
    def reasons() -> list[str]:
        page = html(client.get("/r/vale/services/water-meters"))
        return [item.get_text(" ", strip=True) for item in page.select(".whys li")]

    log_in(client, make.user())
    post(client, "/r/vale/services/water-meters/verdict", {"verdict": "partly", "why": "Too slow"})
    assert reasons() == []
    client.cookies.clear()
    assert reasons() == []
    for staff in (Role.moderator, Role.leader):
        log_in(client, make.user(roles={staff: [region]}))
        assert [reason.endswith("Too slow") for reason in reasons()] == [True]


@pytest.mark.parametrize(
    "fields", [{"verdict": "maybe"}, {}, {"verdict": "works", "why": "x" * 1001}]
)
def test_a_wrong_verdict_comes_back_with_a_message(client, make, db, described, fields):
    log_in(client, make.user())
    response = post(client, "/r/vale/services/water-meters/verdict", fields)
    assert response.status_code == 400
    assert html(response).select_one(".error-summary")
    assert db.exec(select(func.count()).select_from(Verdict)).one() == 0


def test_a_verdict_needs_an_account_and_a_service_of_that_region(client, make, described):
    response = post(client, "/r/vale/services/water-meters/verdict", {"verdict": "works"})
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    make.region("other")
    log_in(client, make.user())
    wrong = post(client, "/r/other/services/water-meters/verdict", {"verdict": "works"})
    assert wrong.status_code == 404
    assert client.get("/r/vale/services/nothing").status_code == 404


def test_monitoring_sets_the_regions_side_by_side_and_its_csv_says_the_same(
    client, make, db, region, described
):
    citizen = make.user()
    partner = make.user(roles={Role.partner: [region]})
    answered = make.concern(region, citizen)
    make.reply(answered, partner, official=True)
    waiting = make.concern(region, citizen, title="Waiting a long time")
    make.region("quiet", name="Quiet")
    log_in(client, citizen)
    post(client, "/r/vale/services/water-meters/verdict", {"verdict": "partly"})

    log_in(client, make.user(admin=True))
    page = html(client.get("/monitoring"))
    rows = page.select("table.monitoring tbody tr")
    assert [row.th.get_text(strip=True) for row in rows] == ["Quiet", "Vale"]
    assert page.select_one(f'a[href="/c/{waiting.id}"]')
    exported = list(csv.DictReader(io.StringIO(client.get("/monitoring.csv").text)))
    vale = next(row for row in exported if row["region"] == "vale")
    assert vale["concerns"] == "2" and vale["with_official_answer"] == "1"
    assert vale["share_with_official_answer"] == "0.5"
    assert vale["service"] == "water-meters" and vale["citizens_partly"] == "1"
    assert vale["waiting_longest_id"] == str(waiting.id)
    quiet = next(row for row in exported if row["region"] == "quiet")
    assert quiet["concerns"] == "0" and quiet["service"] == ""


def test_monitoring_shows_a_leader_only_the_regions_they_lead(client, make, region, leader):
    make.region("other", name="Other")
    log_in(client, leader)
    page = html(client.get("/monitoring"))
    assert [row.th.get_text(strip=True) for row in page.select("table.monitoring tbody tr")] == [
        "Vale"
    ]
    assert "other" not in client.get("/monitoring.csv").text
    log_in(client, make.user())
    assert client.get("/monitoring").status_code == 403
    assert client.get("/monitoring.csv").status_code == 403


def test_monitoring_takes_the_same_number_of_queries_for_more_regions(client, make, app):
    from tests.factories import count_queries

    log_in(client, make.user(admin=True))
    counts = []
    for _ in range(2):
        region = make.region()
        make.concern(region, make.user())
        with count_queries(app.state.engine) as statements:
            assert client.get("/monitoring").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_the_guide_is_linked_from_the_home_page_and_has_pictures_with_words(client):
    assert html(client.get("/")).select_one('main a[href="/guide"]')
    page = html(client.get("/guide"))
    pictures = page.select("main svg[role=img]")
    assert len(pictures) == 4
    for picture in pictures:
        assert picture.title.get_text().strip()


def _clients(app, person, count: int = 6) -> list:
    from fastapi.testclient import TestClient

    clients = []
    for number in range(count):  # logged in one after the other; they send at once
        client = TestClient(app, client=(f"192.0.2.{number}", 50000))
        log_in(client, person)
        clients.append(client)
    return clients


def test_one_verdict_and_one_new_service_sent_six_times_at_once_make_one_each(
    app, db, make, region, leader
):
    from tests.test_races import at_once

    clients = _clients(app, leader)
    try:
        statuses = at_once(clients, lambda client: _describe(client, region))
        assert statuses.count(303) == 1 and all(s < 500 for s in statuses), statuses
        url = "/r/vale/services/water-meters/verdict"
        statuses = at_once(clients, lambda client: post(client, url, {"verdict": "works"}))
        assert all(s == 303 for s in statuses), statuses
    finally:
        for client in clients:
            client.close()
    assert db.exec(select(func.count()).select_from(Service)).one() == 1
    assert db.exec(select(func.count()).select_from(ServiceText)).one() == 1
    assert db.exec(select(func.count()).select_from(Verdict)).one() == 1


def test_the_first_words_in_a_new_language_sent_at_once_are_written_once(
    app, db, make, region, leader
):
    from tests.test_races import at_once

    make.service(region, "water-meters")
    clients = _clients(app, leader)
    german = DESCRIBED | {"lang": "de", "name": "Wasserzähler"}
    url = "/r/vale/services/water-meters/edit"
    try:
        statuses = at_once(clients, lambda client: post(client, url, german))
    finally:
        for client in clients:
            client.close()
    assert all(s == 303 for s in statuses), statuses
    texts = db.exec(select(ServiceText.locale).order_by(col(ServiceText.locale))).all()
    assert texts == ["de", "en"]


def test_the_summary_and_the_exports_break_concerns_down_by_service(
    client, make, db, region, described, leader
):
    citizen = make.user()
    make.concern(region, citizen, service_id=described.id, title="About the meters")
    make.concern(region, citizen)
    log_in(client, leader)
    client.cookies.set("lang", "en")
    table = html(client.get("/r/vale/summary")).select_one("table#services")
    rows = {r.th.get_text(): r.td.get_text() for r in table.select("tbody tr")}
    assert rows == {"Smart water meters": "1", "No service": "1"}
    exported = list(
        csv.DictReader(io.StringIO(client.get("/r/vale/export.csv").text.lstrip("\ufeff")))
    )
    assert sorted(row["service"] for row in exported) == ["", "water-meters"]
    summary = client.get("/r/vale/export.json").json()["summary"]
    assert summary["by_service"] == {"water-meters": 1, "none": 1}


def test_a_persons_verdicts_are_in_their_data_and_go_with_their_posts(client, make, db, described):
    import json
    import zipfile

    citizen = make.user()
    log_in(client, citizen)
    post(client, "/r/vale/services/water-meters/verdict", {"verdict": "partly", "why": "Slow."})
    archive = zipfile.ZipFile(io.BytesIO(client.get("/account/data").content))
    data = json.loads(archive.read("agora-data.json"))
    assert data["verdicts"] == [
        {
            "region": "vale",
            "service": "water-meters",
            "verdict": "partly",
            "why": "Slow.",
            "counted_for": "citizens",
            "organisation": None,
            "at": data["verdicts"][0]["at"],
        }
    ]
    erased = post(client, "/account/delete", {"confirm": "1", "remove_posts": "1"})
    assert erased.status_code == 303
    assert db.exec(select(func.count()).select_from(Verdict)).one() == 0


def test_the_service_page_takes_the_same_number_of_queries_for_more_concerns_and_verdicts(
    client, make, app, region, described
):
    from tests.factories import count_queries

    counts = []
    for _ in range(2):
        for _ in range(6):
            person = make.user()
            make.concern(region, person, service_id=described.id)
            log_in(client, person)
            post(client, "/r/vale/services/water-meters/verdict", {"verdict": "works", "why": "Ok"})
        log_in(client, make.user(roles={Role.leader: [region]}))
        with count_queries(app.state.engine) as statements:
            assert client.get("/r/vale/services/water-meters").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]
