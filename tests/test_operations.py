"""Operating Agora: alive and ready, metrics behind a token, request ids and request logs."""

from __future__ import annotations

import io
import json
import logging
import re
import tarfile

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine

from forum.app import create_app
from forum.db import downgrade, upgrade
from forum.models import Outbox
from forum.operations import logs
from forum.operations.logs import JsonFormatter
from tests.factories import log_in, post

TOKEN = "a-metrics-token-for-the-tests"


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"metrics_token": TOKEN})


def scrape(client: TestClient) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def requests_counted(samples, route: str, status: str, method: str = "GET") -> float:
    labels = (("method", method), ("route", route), ("status", status))
    return samples.get(("agora_http_requests_total", labels), 0.0)


# Alive and ready


def test_it_says_it_is_alive_without_asking_the_database(client, app, tmp_path):
    working = app.state.engine
    app.state.engine = create_engine(f"sqlite:///{tmp_path}/no/such/folder/forum.db")
    try:
        assert client.get("/readyz").status_code == 503
        response = client.get("/healthz")
    finally:
        app.state.engine = working

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert client.head("/healthz").status_code == 200


def test_it_is_ready_when_the_database_answers_at_the_newest_migration(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["cache-control"] == "no-store"


def test_it_is_not_ready_while_the_database_is_behind_the_code(client, app, database_url):
    app.state.engine.dispose()
    downgrade(database_url, "0005")
    try:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["status"] == "unavailable"
        assert "0005" in response.json()["problem"]
    finally:
        upgrade(database_url)
    assert client.get("/readyz").status_code == 200


def test_it_is_not_ready_when_the_database_does_not_answer(settings, tmp_path):
    missing = settings.model_copy(
        update={"database_url": f"sqlite:///{tmp_path}/no/such/folder/forum.db"}
    )
    app = create_app(missing)
    with TestClient(app) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert "does not answer" in response.json()["problem"]


# Metrics


def test_it_hides_the_metrics_when_no_token_is_set(settings):
    app = create_app(settings.model_copy(update={"metrics_token": ""}))
    with TestClient(app) as client:
        assert client.get("/metrics").status_code == 404
        assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404
    app.state.engine.dispose()


@pytest.mark.parametrize(
    ("authorization", "status"),
    [
        (None, 401),
        ("Bearer", 401),
        ("Basic " + TOKEN, 401),
        ("Bearer wrong-token", 403),
        ("Bearer " + TOKEN[:-1], 403),
        ("Bearer " + TOKEN + "x", 403),
    ],
)
def test_it_shows_the_metrics_only_with_the_token(client, authorization, status):
    headers = {"Authorization": authorization} if authorization else {}

    response = client.get("/metrics", headers=headers)

    assert response.status_code == status
    assert "agora_http_requests" not in response.text
    if status == 401:
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_it_counts_requests_by_route_template_and_status(client, make):
    region = make.region("alentejo")
    concern = make.concern(region, make.user())
    before = scrape(client)

    client.get(f"/c/{concern.id}")
    client.get(f"/c/{concern.id}")
    client.get("/c/999999")
    client.get("/no/such/page")
    after = scrape(client)

    route = "/c/{concern_id}"
    assert requests_counted(after, route, "200") - requests_counted(before, route, "200") == 2
    assert requests_counted(after, route, "404") - requests_counted(before, route, "404") == 1
    unmatched = requests_counted(after, "(unmatched)", "404")
    assert unmatched - requests_counted(before, "(unmatched)", "404") == 1
    # The path's id never becomes a label.
    assert not any("999999" in str(labels) or "no/such" in str(labels) for _n, labels in after)
    latency = ("agora_http_request_duration_seconds_count", (("route", route),))
    assert after[latency] - before.get(latency, 0) == 3


def test_it_shows_how_many_emails_wait_and_for_how_long(client, db):
    samples = scrape(client)
    assert samples[("agora_outbox_waiting", ())] == 0
    assert samples[("agora_outbox_oldest_waiting_seconds", ())] == 0

    for subject in ("one", "two"):
        db.add(Outbox(to_address="a@example.org", subject=subject, body_text="x", body_html="x"))
    db.add(
        Outbox(
            to_address="b@example.org",
            subject="given up",
            body_text="x",
            body_html="x",
            attempts=15,
        )
    )
    db.commit()
    samples = scrape(client)

    assert samples[("agora_outbox_waiting", ())] == 2
    assert 0 <= samples[("agora_outbox_oldest_waiting_seconds", ())] < 60
    assert samples[("agora_outbox_given_up", ())] == 1


def test_it_shows_the_database_pool_in_use(client):
    samples = scrape(client)

    in_use = [value for (name, _labels), value in samples.items() if name == "agora_db_pool_in_use"]
    assert len(in_use) == 1 and in_use[0] >= 0


# Request ids and request logs


def test_it_gives_every_response_a_request_id(client):
    ids = {client.get(path).headers["x-request-id"] for path in ("/", "/", "/no/such/page")}

    assert len(ids) == 3
    assert all(re.fullmatch(r"[0-9a-f]{32}", request_id) for request_id in ids)


def test_it_keeps_the_request_id_a_proxy_sent(client):
    response = client.get("/", headers={"X-Request-ID": "lb-7f3a:42"})

    assert response.headers["x-request-id"] == "lb-7f3a:42"


@pytest.mark.parametrize("offered", ["", "x" * 129, "two words", "line\nbreak", "<script>"])
def test_it_replaces_a_request_id_it_would_not_write_into_a_log(client, offered):
    response = client.get("/", headers={"X-Request-ID": offered.replace("\n", "%0A")})

    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])


def test_it_gives_a_crash_page_its_request_id(settings):
    app = create_app(settings)

    @app.get("/crash-for-the-test")
    def crash() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/crash-for-the-test", headers={"X-Request-ID": "trace-me"})
    app.state.engine.dispose()

    assert response.status_code == 500
    assert response.headers["x-request-id"] == "trace-me"


def request_lines(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "forum.requests"]


def test_it_logs_each_request_once_with_its_route_status_and_time(client, make, caplog):
    concern = make.concern(make.region("alentejo"), make.user())
    caplog.set_level(logging.INFO, logger="forum.requests")

    response = client.get(f"/c/{concern.id}?token=secret-in-the-query")

    (line,) = request_lines(caplog)
    assert (line.method, line.route, line.status) == ("GET", "/c/{concern_id}", 200)
    assert line.request_id == response.headers["x-request-id"]
    assert line.duration_ms >= 0
    assert line.user_id is None
    text = logging.Formatter(logs.TEXT_FORMAT).format(line)
    assert "INFO forum.requests: GET /c/{concern_id} 200" in text
    assert f"request={line.request_id}" in text
    assert "secret-in-the-query" not in text


def test_it_writes_a_request_as_one_json_line_without_the_password(client, make, caplog):
    person = make.user("maria")
    caplog.set_level(logging.INFO, logger="forum.requests")

    post(client, "/login", {"name": "maria", "password": "the-wrong-password-123"})
    log_in(client, person)
    client.get("/account")

    lines = [json.loads(JsonFormatter().format(record)) for record in request_lines(caplog)]
    account = lines[-1]
    assert account["route"] == "/account" and account["status"] == 200
    assert account["user_id"] == person.id
    assert account["level"] == "info" and account["logger"] == "forum.requests"
    assert {"time", "request_id", "method", "duration_ms", "message"} <= set(account)
    written = "\n".join(JsonFormatter().format(record) for record in request_lines(caplog))
    assert "the-wrong-password-123" not in written
    assert "demo-password" not in written


def test_it_configures_logging_as_text_or_json(settings):
    text = logs.config(settings)
    as_json = logs.config(settings.model_copy(update={"log_format": "json"}))

    assert text["formatters"]["agora"] == {"format": logs.TEXT_FORMAT}
    assert as_json["formatters"]["agora"]["()"].endswith("JsonFormatter")
    assert text["loggers"]["forum"]["level"] == "INFO"  # Agora's INFO lines are kept


def test_it_links_every_page_to_the_source_of_the_running_version(client):
    page = client.get("/")
    assert 'href="/source.tar.gz"' in page.text

    archive = client.get("/source.tar.gz")

    assert archive.status_code == 200
    assert archive.headers["content-type"] == "application/gzip"
    with tarfile.open(fileobj=io.BytesIO(archive.content)) as tar:
        names = tar.getnames()
    assert any(name.endswith("/forum/app.py") for name in names)
    assert any(name.endswith("/templates/base.html") for name in names)
    assert any(name.endswith("/locales/pt_PT/LC_MESSAGES/messages.po") for name in names)
    assert any(name.endswith("/migrations/env.py") for name in names)
    assert not any("__pycache__" in name or name.endswith(".pyc") for name in names)


def test_it_links_to_the_source_url_in_the_settings(settings):
    app = create_app(settings.model_copy(update={"source_url": "https://code.example/agora"}))
    with TestClient(app) as client:
        assert 'href="https://code.example/agora"' in client.get("/").text
    app.state.engine.dispose()
