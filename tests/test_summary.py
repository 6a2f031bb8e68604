"""A region's summary for its pilot leaders: exact figures, filters, who may see it, charts."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from forum.app import create_app
from forum.errors import FormErrors
from forum.models import Audience, Role, Topic
from forum.resources import STATIC_DIR
from forum.summaries import figures
from forum.summaries.figures import AnswerTimes, Count, OrganisationFigures, Week, percentile
from forum.summaries.filters import Filters, read_filters
from forum.summaries.numbers import summarise
from tests.factories import count_queries, html, log_in
from tests.summary_fixture import MONDAY, TODAY, Known, build


@pytest.fixture
def known(make, client) -> Known:
    client.headers["Accept-Language"] = "en"  # the region speaks Portuguese; the tests English
    return build(make)


def _summarise(db: Session, known: Known, **typed: str):
    audiences, topics = db.exec(select(Audience)).all(), db.exec(select(Topic)).all()
    filters = read_filters(typed, audiences, topics)
    assert known.region.id is not None
    return summarise(db, known.region.id, filters, audiences=audiences, topics=topics, today=TODAY)


def _counts(lines: list[Count]) -> dict[str, int | None]:
    return {line.key: line.count for line in lines}


# The rules.


def test_it_takes_percentiles_by_linear_interpolation_between_closest_ranks():
    assert percentile([4, 1, 3, 2], 50) == 2.5
    assert percentile(range(1, 11), 90) == pytest.approx(9.1)
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 200], 50) == 5.5
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 200], 90) == pytest.approx(28.1)
    assert percentile([7], 90) == 7
    assert percentile([], 50) is None


def test_it_hides_counts_from_1_to_4_and_keeps_zeros_and_totals():
    summary = figures.Summary(
        total=12,
        times=AnswerTimes(6, 5, 2.0, 3.0),
        by_status=[Count("open", 4), Count("answered", 8), Count("closed", 0)],
        organisations=[
            OrganisationFigures("Big", AnswerTimes(5, 5, 1.0, 2.0)),
            OrganisationFigures("Small", AnswerTimes(1, 1, 1.0, 1.0)),
        ],
        weeks=[Week(date(2025, 3, 3), 12, 3)],
    )

    hidden = figures.hide_small_counts(summary)

    assert _counts(hidden.by_status) == {"open": None, "answered": 8, "closed": 0}
    assert hidden.organisations[0].times == AnswerTimes(5, 5, 1.0, 2.0)
    assert hidden.organisations[1].times == AnswerTimes(None, None, None, None)
    assert hidden.weeks == [Week(date(2025, 3, 3), 12, None)]
    assert (hidden.total, hidden.times.answered) == (12, 6)
    assert hidden.small_counts_hidden


# The figures, exactly, on the known region.


def test_it_counts_the_known_region_exactly(db, known):
    summary = _summarise(db, known)

    assert summary.total == 14
    assert _counts(summary.by_status) == {"open": 3, "answered": 7, "resolved": 3, "closed": 1}
    assert _counts(summary.by_source) == {"web": 12, "meeting": 1, "phone": 1}
    assert _counts(summary.by_language) == {"en": 7, "pt_PT": 7}
    assert _counts(summary.by_topic) == {
        "energy": 5,
        "mobility": 5,
        "health": 0,
        "tourism": 0,
        "agri_food": 0,
        "connectivity": 0,
        "public_services": 0,
        "other": 0,
        "": 4,
    }
    assert _counts(summary.by_audience) == {
        "local_administration": 0,
        "technology_providers": 5,
        "citizens": 5,
        "": 4,
    }


def test_it_measures_the_answers_exactly(db, known):
    summary = _summarise(db, known)

    assert summary.times.answered == 10
    assert summary.times.within_week == 9
    assert summary.times.median_hours == 5.5
    assert summary.times.p90_hours == pytest.approx(28.1)
    assert summary.share_answered == 10 / 14
    assert summary.share_within_week == 9 / 14
    assert _counts(summary.waits) == {
        "day": 9,
        "three_days": 0,
        "week": 0,
        "two_weeks": 1,
        "four_weeks": 0,
        "longer": 0,
        "no_answer": 4,
    }


def test_it_measures_each_partner_organisation_by_its_first_answers(db, known):
    organisations = _summarise(db, known).organisations

    assert [o.organisation for o in organisations] == ["Energia Lda", "Mobilidade SA"]
    energia, mobilidade = organisations
    assert energia.times == AnswerTimes(5, 5, 3.0, pytest.approx(4.6))
    assert mobilidade.times == AnswerTimes(5, 4, 8.0, pytest.approx(123.6))
    assert mobilidade.share_within_week == 0.8


def test_it_lists_the_oldest_unanswered_and_the_most_supported(db, known):
    summary = _summarise(db, known)

    assert [c.id for c in summary.oldest_unanswered] == [c.id for c in known.waiting]
    assert [c.id for c in summary.most_supported] == [
        known.waiting[0].id,
        *[c.id for c in reversed(known.answered[-4:])],
    ]
    assert summary.most_supported[0].support_count == 20


def test_it_follows_new_and_answered_concerns_week_by_week(db, known):
    weeks = _summarise(db, known).weeks

    assert weeks == [
        Week(date(2025, 3, 3), 11, 9),
        Week(date(2025, 3, 10), 1, 1),
        Week(date(2025, 3, 17), 1, 0),
        Week(date(2025, 3, 24), 1, 0),
    ]


def test_it_hides_small_counts_when_asked(db, known):
    summary = _summarise(db, known, small_counts="suppress")

    assert _counts(summary.by_status) == {
        "open": None,
        "answered": 7,
        "resolved": None,
        "closed": None,
    }
    assert summary.weeks[1] == Week(date(2025, 3, 10), None, None)
    assert summary.total == 14


def test_it_filters_by_period_audience_and_topic(db, known):
    first_week = _summarise(db, known, since="2025-03-03", until="2025-03-09")
    assert first_week.total == 11
    assert [w.monday for w in first_week.weeks] == [date(2025, 3, 3)]

    later = _summarise(db, known, since="2025-03-10")
    assert later.total == 3
    assert later.times.answered == 0
    assert later.times.median_hours is None

    for_citizens = _summarise(db, known, audience="citizens")
    assert for_citizens.total == 5
    assert for_citizens.times.median_hours == 5.0  # waits 1, 3, 5, 7, 9

    energy = _summarise(db, known, topic="energy", audience="technology_providers")
    assert energy.total == 2  # numbers 1 and 3


def test_it_counts_the_whole_last_day(db, known):
    last_day = (MONDAY + timedelta(days=4)).date()  # Friday: numbers 8 and 9 at 09:00, 21:00

    assert _summarise(db, known, since=str(last_day), until=str(last_day)).total == 2


def test_it_runs_the_same_number_of_queries_for_few_and_many_concerns(app, db, make):
    region = make.region()
    author = make.user()
    partner = make.user(roles={Role.partner: [region]}, organisation="Org")
    audiences, topics = db.exec(select(Audience)).all(), db.exec(select(Topic)).all()

    def queries_for(extra: int) -> int:
        for _ in range(extra):
            concern = make.concern(region, author, audiences=["citizens"])
            make.reply(concern, partner, official=True)
        with count_queries(app.state.engine) as statements:
            assert region.id is not None
            summarise(db, region.id, Filters(), audiences=audiences, topics=topics)
        return len(statements)

    # Six, and one that finds the region has no services (two more name those it has).
    assert queries_for(3) == queries_for(30) == 7


def test_it_serves_the_page_in_the_same_number_of_queries_for_few_and_many(app, client, make):
    region = make.region("alentejo")
    author = make.user()
    partner = make.user(roles={Role.partner: [region]}, organisation="Org")
    log_in(client, make.user(roles={Role.leader: [region]}))

    def queries_for(extra: int) -> int:
        for _ in range(extra):
            concern = make.concern(region, author, audiences=["citizens"], support_count=2)
            make.reply(concern, partner, official=True)
        with count_queries(app.state.engine) as statements:
            assert client.get("/r/alentejo/summary").status_code == 200
        return len(statements)

    assert queries_for(5) == queries_for(50)


# Reading the filters.


@pytest.mark.parametrize(
    ("typed", "field"),
    [
        ({"since": "yesterday"}, "since"),
        ({"since": "2025-02-30"}, "since"),
        ({"until": "31/03/2025"}, "until"),
        ({"until": "0000-01-01"}, "until"),
        ({"since": "2025-03-10", "until": "2025-03-01"}, "until"),
        ({"audience": "aliens"}, "audience"),
        ({"topic": "weather"}, "topic"),
        ({"small_counts": "maybe"}, "small_counts"),
    ],
)
def test_it_refuses_filters_it_cannot_read(db, typed, field):
    with pytest.raises(FormErrors) as refused:
        read_filters(typed, db.exec(select(Audience)).all(), db.exec(select(Topic)).all())
    assert set(refused.value.errors) == {field}


def test_it_reads_the_ends_of_the_calendar_without_failing(db, known):
    summary = _summarise(db, known, since="0001-01-01", until="9999-12-31")

    assert summary.total == 14
    assert summary.weeks[0].monday == date(2025, 3, 3)


# The page.


def test_it_shows_the_summary_to_the_leader_of_the_region(client, known):
    log_in(client, known.leader)

    response = client.get("/r/alentejo/summary")

    assert response.status_code == 200
    page = html(response)
    assert "Alentejo" in page.h1.text
    figures = page.select_one("#figures").text
    assert "14" in figures
    assert "71%" in figures  # 10 of 14 have an official answer
    assert "5.5 hours" in figures
    assert "28.1 hours" in figures
    assert "Secret Org" not in response.text
    assert "phone number" not in response.text  # the hidden concern
    organisations = page.select("#organisations tbody tr")
    assert [row.th.text.strip() for row in organisations] == ["Energia Lda", "Mobilidade SA"]


def test_it_links_the_three_exports_with_the_current_filters(client, known):
    log_in(client, known.leader)

    page = html(client.get("/r/alentejo/summary?since=2025-03-01&topic=energy"))

    links = [a["href"] for a in page.select("#downloads a")]
    assert links == [
        f"/r/alentejo/export.{format}?since=2025-03-01&topic=energy"
        for format in ("xlsx", "csv", "json")
    ]


def test_it_shows_the_period_region_and_date_of_the_report(client, known):
    log_in(client, known.leader)

    page = html(client.get("/r/alentejo/summary?since=2025-03-01&until=2025-03-31"))

    report = page.select_one("#report-facts")
    assert report.select_one("time[datetime='2025-03-01']") is not None
    assert report.select_one("time[datetime='2025-03-31']") is not None
    assert report.select_one(f"time[datetime='{datetime.now(UTC).date()}']") is not None


def test_it_draws_each_chart_with_a_title_a_description_and_a_table(client, known):
    log_in(client, known.leader)

    page = html(client.get("/r/alentejo/summary"))

    charts = page.select("svg[role=img]")
    assert len(charts) == 4
    for svg in charts:
        title, desc = svg.find("title"), svg.find("desc")
        assert title.text.strip() and desc.text.strip()
        assert svg["aria-labelledby"] == f"{title['id']} {desc['id']}"
        table = svg.find_parent("figure").find("table")
        assert table.caption.text.strip() == title.text.strip()
        assert table.select("tbody tr")
    status = page.select_one("#chart-status-desc").text
    assert "Waiting for an answer: 3" in status
    trend = page.select_one("svg[aria-labelledby^=chart-trend]")
    assert trend.select("pattern")  # answered bars are hatched: they read in black and white


def test_it_hides_small_counts_on_the_page_when_asked(client, known):
    log_in(client, known.leader)

    page = html(client.get("/r/alentejo/summary?small_counts=suppress"))

    assert "Waiting for an answer: fewer than 5" in page.select_one("#chart-status-desc").text
    assert page.select_one("#small_counts")["checked"] is not None


def test_it_has_a_print_stylesheet_for_an_a4_report(client, known):
    log_in(client, known.leader)
    page = html(client.get("/r/alentejo/summary"))
    stylesheets = [link["href"] for link in page.select("link[rel=stylesheet]")]
    css = (STATIC_DIR / "agora.css").read_text()

    assert any(re.fullmatch(r"/static/agora\.[0-9a-f]{10}\.css", href) for href in stylesheets)
    print_rules = css[css.index("@media print") :]
    assert "size: A4" in css
    assert ".summary" in print_rules
    assert page.select_one("main .summary") is not None


# Who may see it.


@pytest.mark.parametrize("persona", ["leader", "admin"])
def test_it_lets_leaders_of_the_region_and_admins_see_it(client, make, persona):
    region = make.region("alentejo")
    user = (
        make.user(roles={Role.leader: [region]}) if persona == "leader" else make.user(admin=True)
    )
    log_in(client, user)

    assert client.get("/r/alentejo/summary").status_code == 200
    link = html(client.get("/r/alentejo")).select_one("a[href='/r/alentejo/summary']")
    assert link is not None


@pytest.mark.parametrize("persona", ["leader elsewhere", "moderator", "partner", "citizen"])
def test_it_refuses_everyone_else_and_does_not_link_it(client, make, persona):
    region, elsewhere = make.region("alentejo"), make.region("lapland")
    user = {
        "leader elsewhere": lambda: make.user(roles={Role.leader: [elsewhere]}),
        "moderator": lambda: make.user(roles={Role.moderator: [region]}),
        "partner": lambda: make.user(roles={Role.partner: [region]}, organisation="Org"),
        "citizen": lambda: make.user(),
    }[persona]()
    log_in(client, user)

    assert client.get("/r/alentejo/summary").status_code == 403
    assert html(client.get("/r/alentejo")).select_one("a[href='/r/alentejo/summary']") is None


def test_it_sends_a_visitor_to_log_in_and_back(client, make):
    make.region("alentejo")

    response = client.get("/r/alentejo/summary?since=2025-01-01", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == ("/login?next=/r/alentejo/summary%3Fsince%3D2025-01-01")
    assert html(client.get("/r/alentejo")).select_one("a[href='/r/alentejo/summary']") is None


def test_it_answers_404_for_a_region_that_does_not_exist(client, make):
    log_in(client, make.user(admin=True))

    assert client.get("/r/nowhere/summary").status_code == 404


# Bad input: the form again, with the message beside the field.


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("since=not-a-date", "since"),
        ("since=2025-03-10&until=2025-03-01", "until"),
        ("audience=aliens", "audience"),
        ("topic=weather", "topic"),
        ("until=2025-13-45", "until"),
    ],
)
def test_it_shows_the_form_with_the_error_beside_the_field(client, known, query, field):
    log_in(client, known.leader)

    response = client.get(f"/r/alentejo/summary?{query}")

    assert response.status_code == 400
    page = html(response)
    assert page.select_one(".error-summary a")["href"] == f"#{field}"
    assert page.select_one(f"#{field}-error") is not None
    assert page.select_one(f"#{field}")["aria-invalid"] == "true"
    assert page.select_one("#figures") is None  # no figures for a question we did not understand
    if field in ("since", "until"):  # what was typed is kept
        assert page.select_one(f"#{field}")["value"] == query.split(f"{field}=")[1]


def test_it_never_fails_on_strange_input(client, known):
    log_in(client, known.leader)

    for query in ("since=%00", "since=2025-03-01&since=x", "audience=%C3%28", "until=" + "9" * 500):
        assert client.get(f"/r/alentejo/summary?{query}").status_code in (200, 400), query


def test_it_says_every_word_of_the_page_through_the_catalog(settings, known):
    """In the pseudo-locale every catalog string comes out ⟦marked⟧: headings, labels, chart
    titles, descriptions and bar labels must all be marked."""
    app = create_app(settings.model_copy(update={"pseudo_locale": True}))
    with TestClient(app) as pseudo:
        log_in(pseudo, known.leader)
        pseudo.cookies.set("lang", "en_XA")
        page = html(pseudo.get("/r/alentejo/summary"))
    app.state.engine.dispose()

    texts = page.select(
        "main h1, main h2, main dt, main label, main caption, main th[scope=col], svg title, "
        "svg desc, svg text.chart-label, .figure, #downloads a"
    )
    assert len(texts) > 40
    unmarked = [tag.get_text() for tag in texts if "⟦" not in tag.get_text()]
    assert not unmarked
