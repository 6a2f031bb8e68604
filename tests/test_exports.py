"""Exports of a region's concerns and summary (CSV, XLSX, JSON, and `forum export`), each read
back and compared with the known region; safe for the people in them."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlmodel import func, select

from forum import labels as forum_labels
from forum.cli import main
from forum.concerns import queries
from forum.i18n import translator
from forum.models import Concern, Region, Reply, Role
from forum.summaries import records, writers
from forum.summaries.filters import Filters
from forum.summaries.records import COLUMNS
from forum.summaries.xlsx import neutralise
from tests.factories import html, log_in
from tests.summary_fixture import WAITS, Known, build

PSEUDONYM = re.compile(r"person-[0-9a-f]{12}")
FORMULA_TITLES = {'=HYPERLINK("http://evil")', "+1 the bus", "@ónibus", "-2 off topic"}


@pytest.fixture
def known(make, client) -> Known:
    client.headers["Accept-Language"] = "en"
    known = build(make)
    log_in(client, known.leader)
    return known


def expected(known: Known) -> list[dict[str, Any]]:
    """Each counted concern as it must come out, in the order of its number."""
    rows = []
    for concern in known.counted:
        number = known.answered.index(concern) if concern in known.answered else None
        answered = number is not None
        first = concern.created_at + timedelta(hours=WAITS[number]) if answered else None
        rows.append(
            {
                "id": concern.id,
                "url": f"http://testserver/c/{concern.id}",
                "region": "alentejo",
                "created_at": concern.created_at,
                "title": concern.title,
                "body": concern.body,
                "language": concern.language,
                "topic": {1: "energy", 2: "mobility"}.get(concern.topic_id or 0),
                "service": None,
                "audiences": (["citizens"] if number % 2 == 0 else ["technology_providers"])
                if answered
                else [],
                "status": concern.status,
                "source": concern.source,
                "supports": concern.support_count,
                "replies": 2 if answered else 0,  # the hidden answer does not count
                "official_answers": 1 if answered else 0,
                "first_official_answer_at": first,
                "hours_to_first_official_answer": float(WAITS[number]) if answered else None,
                "answering_organisations": (["Energia Lda"] if number < 5 else ["Mobilidade SA"])
                if answered
                else [],
                "resolved_at": None,
            }
        )
    return rows


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, list):
        return "; ".join(value)
    if isinstance(value, str) and value in FORMULA_TITLES:
        return "'" + value
    return str(value)


def _read_csv(body: bytes) -> list[dict[str, str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "a byte-order mark, so Excel reads UTF-8"
    return list(csv.DictReader(io.StringIO(body[3:].decode("utf-8"), newline="")))


def _without_author(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{name: value for name, value in row.items() if name != "author"} for row in rows]


# CSV


def test_it_exports_csv_that_reads_back_as_the_known_concerns(client, known):
    response = client.get("/r/alentejo/export.csv")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="agora-alentejo-\d{4}-\d{2}-\d{2}\.csv"',
        response.headers["content-disposition"],
    )
    rows = _read_csv(response.content)
    assert list(rows[0]) == list(COLUMNS)
    assert _without_author(rows) == [
        {name: _csv_text(value) for name, value in row.items()} for row in expected(known)
    ]


def test_it_quotes_csv_as_rfc_4180_says(client, known):
    body = client.get("/r/alentejo/export.csv").content.decode("utf-8")

    assert body.splitlines(keepends=True)[0].endswith("\r\n")
    assert '"O autocarro não passa.\nNem ao domingo, ""nunca""."' in body


# XLSX


def test_it_exports_a_workbook_with_a_summary_and_the_concerns(client, known):
    response = client.get("/r/alentejo/export.xlsx")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Summary", "Concerns"]
    sheet = book["Concerns"]
    assert sheet.freeze_panes == "A2"
    # The body: 60 characters wide (XlsxWriter adds the padding Excel adds, 60.71)
    assert int(sheet.column_dimensions["G"].width) == 60
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    assert sheet["D2"].is_date
    assert sheet["D2"].number_format == "yyyy-mm-dd hh:mm"

    def cell(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.astimezone(UTC).replace(tzinfo=None)
        if isinstance(value, list):
            return "; ".join(value) or None
        if isinstance(value, str) and value in FORMULA_TITLES:
            return "'" + value
        return value

    exported = [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]
    assert _without_author(exported) == [
        {name: cell(value) for name, value in row.items()} for row in expected(known)
    ]


def test_it_puts_the_summary_figures_in_the_workbook(client, known):
    book = load_workbook(io.BytesIO(client.get("/r/alentejo/export.xlsx").content))
    figures = {row[0]: row[1:] for row in book["Summary"].iter_rows(values_only=True) if row}

    assert figures["Region"][0] == "Alentejo"
    assert figures["Concerns raised"][0] == 14
    assert figures["With an official answer"][:2] == (10, pytest.approx(0.7143))
    assert figures["Half had an official answer within (hours)"][0] == 5.5
    assert figures["9 in 10 had an official answer within (hours)"][0] == 28.1
    assert figures["Energia Lda"][:4] == (5, 3.0, 4.6, 5)
    assert figures["Waiting for an answer"][0] == 3


def test_it_writes_the_summary_sheet_in_the_leaders_language(client, known):
    client.headers["Accept-Language"] = "pt-PT"

    book = load_workbook(io.BytesIO(client.get("/r/alentejo/export.xlsx").content))
    labels = [row[0] for row in book["Summary"].iter_rows(values_only=True) if row]

    assert translator("pt_PT").message(forum_labels.STATUS["open"]) in labels


# JSON


def test_it_exports_json_in_the_documented_shape(client, known):
    response = client.get("/r/alentejo/export.json?since=2025-03-01")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    document = response.json()
    assert list(document) == ["schema", "region", "exported_at", "filters", "summary", "concerns"]
    assert document["schema"] == 1
    assert document["region"] == {"slug": "alentejo", "name": "Alentejo"}
    assert document["filters"] == {
        "since": "2025-03-01",
        "until": None,
        "audience": None,
        "topic": None,
        "small_counts": "show",
    }
    summary = document["summary"]
    assert summary["concerns"] == 14
    assert summary["with_official_answer"] == 10
    assert summary["hours_to_first_official_answer"]["median"] == 5.5
    assert summary["hours_to_first_official_answer"]["p90"] == 28.1
    assert summary["by_status"] == {"open": 3, "answered": 7, "resolved": 3, "closed": 1}
    assert summary["organisations"][1] == {
        "organisation": "Mobilidade SA",
        "answered": 5,
        "answered_within_7_days": 4,
        "share_answered_within_7_days": 0.8,
        "median_hours": 8.0,
        "p90_hours": 123.6,
    }
    assert summary["weeks"][:2] == [
        {"week": "2025-03-03", "new": 11, "answered": 9},
        {"week": "2025-03-10", "new": 1, "answered": 1},
    ]

    def value(item: Any) -> Any:
        if isinstance(item, datetime):
            return item.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return item

    assert _without_author(document["concerns"]) == [
        {name: value(item) for name, item in row.items()} for row in expected(known)
    ]


# Safe for the people in it.


@pytest.mark.parametrize("format", ["csv", "xlsx", "json"])
def test_it_never_names_anyone(client, known, make, format):
    other = make.user("joana", email="joana@example.org")
    make.concern(known.region, other, title="Outra", created_at=datetime(2025, 3, 4, tzinfo=UTC))

    body = client.get(f"/r/alentejo/export.{format}").content
    authors = _authors(format, body)

    assert all(PSEUDONYM.fullmatch(author) for author in authors)
    assert len(set(authors)) == 2  # maria's 14 concerns share one pseudonym; joana has another
    text = body.decode("utf-8", "replace") if format != "xlsx" else _xlsx_text(body)
    for private in ("maria@example.org", "joana@example.org", "joana", "lídia", "Secret Org"):
        assert private not in text
    assert not re.search(r"\bmaria\b", text)


def test_it_gives_new_pseudonyms_in_each_export(client, known):
    first = _authors("csv", client.get("/r/alentejo/export.csv").content)
    second = _authors("csv", client.get("/r/alentejo/export.csv").content)

    assert first[0] != second[0]


def _authors(format: str, body: bytes) -> list[str]:
    if format == "csv":
        return [row["author"] for row in _read_csv(body)]
    if format == "json":
        return [row["author"] for row in json.loads(body)["concerns"]]
    sheet = load_workbook(io.BytesIO(body))["Concerns"]
    return [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)]


def _xlsx_text(body: bytes) -> str:
    book = load_workbook(io.BytesIO(body))
    return "\n".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


@pytest.mark.parametrize("format", ["csv", "xlsx", "json"])
def test_it_leaves_out_hidden_concerns_and_hidden_answers(client, known, format):
    body = client.get(f"/r/alentejo/export.{format}").content
    text = body.decode("utf-8", "replace") if format != "xlsx" else _xlsx_text(body)

    assert "phone number" not in text
    assert f"/c/{known.hidden.id}" not in text if known.hidden else False
    assert "Secret Org" not in text


def test_it_neutralises_every_start_that_a_spreadsheet_would_run():
    for dangerous in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert neutralise(dangerous) == "'" + dangerous
    for harmless in ("1+1", "hello = world", "", "'=1", "água"):
        assert neutralise(harmless) == harmless


def test_it_neutralises_formulas_in_csv_and_xlsx_but_keeps_json_as_written(client, known):
    csv_titles = {row["title"] for row in _read_csv(client.get("/r/alentejo/export.csv").content)}
    book = load_workbook(io.BytesIO(client.get("/r/alentejo/export.xlsx").content))
    cells = [row[5] for row in book["Concerns"].iter_rows(min_row=2)]
    json_titles = {row["title"] for row in client.get("/r/alentejo/export.json").json()["concerns"]}

    neutralised = {"'" + title for title in FORMULA_TITLES}
    assert csv_titles >= neutralised
    assert {cell.value for cell in cells} >= neutralised
    assert all(cell.data_type == "s" for cell in cells)  # text, never a formula
    assert json_titles >= FORMULA_TITLES
    summary_sheet = _xlsx_text(client.get("/r/alentejo/export.xlsx").content)
    assert "'=HYPERLINK" in summary_sheet  # the oldest unanswered, in the Summary sheet


def test_it_hides_small_counts_in_the_exported_summary(client, known):
    document = client.get("/r/alentejo/export.json?small_counts=suppress").json()
    book = load_workbook(
        io.BytesIO(client.get("/r/alentejo/export.xlsx?small_counts=suppress").content)
    )
    figures = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row}

    assert document["filters"]["small_counts"] == "suppress"
    assert document["summary"]["by_status"] == {
        "open": None,
        "answered": 7,
        "resolved": None,
        "closed": None,
    }
    assert document["summary"]["small_counts_hidden"] is True
    assert figures["Waiting for an answer"] == "<5"
    assert figures["Answered"] == 7
    assert len(document["concerns"]) == 14  # the rows are all there: small counts are a summary's


def test_it_filters_the_export_like_the_summary(client, known):
    document = client.get("/r/alentejo/export.json?topic=energy&audience=citizens").json()

    assert [row["id"] for row in document["concerns"]] == [
        known.answered[number].id for number in (0, 2, 4)
    ]
    assert document["summary"]["concerns"] == 3


def test_it_reads_the_rows_in_batches(db, app, known):
    audiences, topics = queries.audiences(db), queries.topics(db)
    seen: list[tuple[int, int]] = []
    prepared = records.prepare(
        db,
        app.state.engine,
        known.region,
        Filters(),
        audiences=audiences,
        topics=topics,
        base_url="http://testserver",
        i18n=translator("en"),
        progress=lambda done, total: seen.append((done, total)),
    )
    prepared.batch_size = 4

    rows = _read_csv(b"".join(writers.csv_chunks(prepared)))

    assert [int(row["id"]) for row in rows] == [c.id for c in known.counted]
    assert seen == [(4, 14), (8, 14), (12, 14), (14, 14)]


# Who may, and bad input.


@pytest.mark.parametrize("format", ["csv", "xlsx", "json"])
def test_it_refuses_exports_to_people_who_may_not_see_the_summary(client, make, format):
    region, elsewhere = make.region("alentejo"), make.region("lapland")
    for user in (
        make.user(roles={Role.leader: [elsewhere]}),
        make.user(roles={Role.moderator: [region]}),
        make.user(roles={Role.partner: [region]}, organisation="Org"),
        make.user(),
    ):
        log_in(client, user)
        assert client.get(f"/r/alentejo/export.{format}").status_code == 403


def test_it_sends_a_visitor_to_log_in_before_exporting(client, make):
    make.region("alentejo")

    response = client.get("/r/alentejo/export.csv?since=2025-01-01", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=/r/alentejo/export.csv%3Fsince")


@pytest.mark.parametrize(
    "query",
    ["since=yesterday", "since=2025-03-10&until=2025-03-01", "audience=aliens", "topic=x"],
)
def test_it_answers_bad_filters_with_the_form_never_a_file(client, known, query):
    response = client.get(f"/r/alentejo/export.csv?{query}")

    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert html(response).select_one(".error-summary") is not None


def test_it_answers_404_for_an_unknown_format_or_region(client, known):
    assert client.get("/r/alentejo/export.pdf").status_code == 404
    assert client.get("/r/alentejo/export.").status_code == 404
    assert client.get("/r/nowhere/export.csv").status_code == 404


# The command line.


@pytest.fixture
def cli_env(monkeypatch, settings):
    monkeypatch.setenv("FORUM_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("FORUM_BASE_URL", "http://testserver")
    monkeypatch.setenv("FORUM_SECRET_KEY", settings.secret_key)


def test_it_exports_the_same_rows_from_the_command_line(client, known, cli_env, tmp_path, capsys):
    out = tmp_path / "alentejo.csv"

    status = main(["export", "--region", "alentejo", "--format", "csv", "--out", str(out)])

    assert status == 0
    from_cli = _read_csv(out.read_bytes())
    from_web = _read_csv(client.get("/r/alentejo/export.csv").content)
    assert _without_author(from_cli) == _without_author(from_web)
    assert "wrote 14 concerns" in capsys.readouterr().err


@pytest.mark.parametrize("format", ["xlsx", "json"])
def test_it_writes_every_format_from_the_command_line(known, cli_env, tmp_path, format):
    out = tmp_path / f"alentejo.{format}"

    status = main(
        [
            "export",
            "--region",
            "alentejo",
            "--format",
            format,
            "--since",
            "2025-03-10",
            "--out",
            str(out),
            "--progress",
        ]
    )

    assert status == 0
    if format == "json":
        assert len(json.loads(out.read_bytes())["concerns"]) == 3
    else:
        assert load_workbook(out)["Concerns"].max_row == 4


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--region", "nowhere"], "there is no region 'nowhere'"),
        (["--region", "alentejo", "--since", "2025-02-30"], "--since: Enter the first day"),
        (["--region", "alentejo", "--until", "2025-01-01", "--since", "2025-02-01"], "--until"),
        (["--region", "alentejo", "--topic", "weather"], "--topic: Choose a topic"),
    ],
)
def test_it_refuses_bad_input_on_the_command_line_and_writes_nothing(
    known, cli_env, tmp_path, capsys, arguments, message
):
    out = tmp_path / "out.csv"

    status = main(["export", *arguments, "--format", "csv", "--out", str(out)])

    assert status == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_it_says_when_it_cannot_write_the_file(known, cli_env, tmp_path, capsys):
    out = tmp_path / "no-such-folder" / "out.csv"

    status = main(["export", "--region", "alentejo", "--format", "csv", "--out", str(out)])

    assert status == 2
    assert "cannot write" in capsys.readouterr().err


def test_it_seeds_synthetic_regions_that_summarise_and_export(db, client, make, cli_env, tmp_path):
    assert (
        main(
            ["seed", "--regions", "2", "--concerns", "60", "--replies", "150", "--random-seed", "7"]
        )
        == 0
    )
    assert main(["seed", "--regions", "1", "--concerns", "10", "--replies", "0"]) == 0

    db.rollback()
    slugs = db.exec(select(Region.slug).order_by(Region.slug)).all()
    assert slugs == ["seed-1", "seed-2", "seed-3"]
    assert db.exec(select(func.count()).select_from(Concern)).one() == 70
    assert db.exec(select(func.count()).select_from(Reply)).one() == 150
    statuses = set(db.exec(select(Concern.status)).all())
    assert {"open", "answered"} <= statuses
    # New rows still get ids after the seeded ones (PostgreSQL's sequences were moved on).
    region = db.exec(select(Region).where(Region.slug == "seed-1")).one()
    assert make.concern(region, make.user()).id == 71

    log_in(client, make.user(admin=True))
    assert client.get("/r/seed-1/summary").status_code == 200
    out = tmp_path / "seed.json"
    assert main(["export", "--region", "seed-1", "--format", "json", "--out", str(out)]) == 0
    document = json.loads(out.read_bytes())
    assert len(document["concerns"]) == document["summary"]["concerns"] > 0
