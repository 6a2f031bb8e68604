"""Two `forum serve` instances on one database, as behind a load balancer: a session made on
one works on the other, one event sends exactly one email although both send, failed logins
count across both, and the metrics of several worker processes add up."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from forum.models import Role
from tests.factories import PASSWORD
from tests.test_notifications import Mailbox

SECRET_KEY = "instances-test-secret-key-that-is-long-enough-for-production"
TOKEN = "instances-metrics-token"
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Instance:
    def __init__(self, process: subprocess.Popen[bytes], url: str, log: Path) -> None:
        self.process, self.url, self.log = process, url, log

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10, follow_redirects=False)

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        pytest.fail(f"{self.url} was not ready in {STARTUP_SECONDS} s:\n{self.log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start(database_url: str, folder: Path, smtp_port: int, *, workers: int = 1) -> Instance:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {key: value for key, value in os.environ.items() if not key.startswith("FORUM_")}
    env |= {
        "FORUM_DATABASE_URL": database_url,
        "FORUM_SECRET_KEY": SECRET_KEY,
        "FORUM_BASE_URL": url,
        "FORUM_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
        "FORUM_WORKER": "on",
        "FORUM_METRICS_TOKEN": TOKEN,
        "FORUM_LOG_FORMAT": "json",
        "FORUM_UPLOAD_DIR": str(folder.parent / "uploads"),  # one folder both share
        "PYTHONUNBUFFERED": "1",
    }
    folder.mkdir()
    log = folder / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "forum",
                "serve",
                "--port",
                str(port),
                "--workers",
                str(workers),
            ],
            cwd=folder,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    return Instance(process, url, log)


@pytest.fixture
def world(make):
    region = make.region("alentejo")
    partner = make.user("ana", roles={Role.partner: [region]}, organisation="Energia Lda")
    maria = make.user("maria", email="maria@example.org")
    concern = make.concern(region, maria, title="The bus to Pias never comes")
    make.user("rosa")
    return {"partner": partner, "maria": maria, "concern": concern}


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    mailbox = Mailbox(free_port())
    mailbox.start()
    yield mailbox
    mailbox.stop()


@pytest.fixture
def instances(app, database_url, world, mailbox, tmp_path) -> Iterator[tuple[Instance, Instance]]:
    app.state.engine.dispose()
    # Started together: their migrations take turns.
    first = start(database_url, tmp_path / "one", mailbox.port, workers=2)
    second = start(database_url, tmp_path / "two", mailbox.port)
    try:
        first.wait_until_ready()
        second.wait_until_ready()
        yield first, second
    finally:
        first.stop()
        second.stop()


def csrf_of(client: httpx.Client) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert match
    return match.group(1)


def log_in(client: httpx.Client, name: str, password: str = PASSWORD) -> httpx.Response:
    return client.post(
        "/login", data={"name": name, "password": password, "csrf_token": csrf_of(client)}
    )


def test_two_instances_share_sessions_email_and_login_limits(instances, world, mailbox):
    one, two = instances

    # A session made on one instance works on the other.
    with one.client() as on_one:
        assert log_in(on_one, "maria").status_code == 303
        cookies = on_one.cookies
    with httpx.Client(base_url=two.url, cookies=cookies, timeout=10) as on_two:
        account = on_two.get("/account")
        assert account.status_code == 200
        assert "maria" in account.text

    # One official answer: both instances send email, maria gets exactly one.
    with two.client() as partner:
        assert log_in(partner, "ana").status_code == 303
        answered = partner.post(
            f"/c/{world['concern'].id}/replies",
            data={
                "body": "The bus comes on Monday.",
                "official": "1",
                "csrf_token": csrf_of(partner),
            },
        )
        assert answered.status_code == 303, answered.text
    deadline = time.monotonic() + 30
    while not mailbox.messages and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(7)  # more than one polling round of every sender
    assert [message["To"] for message in mailbox.messages] == ["maria@example.org"]

    # Failed logins count across both instances.
    with one.client() as attacker_one, two.client() as attacker_two:
        for _ in range(5):
            assert log_in(attacker_one, "rosa", "a-wrong-password").status_code == 400
            assert log_in(attacker_two, "rosa", "a-wrong-password").status_code == 400
        refused = log_in(attacker_one, "rosa")
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) > 0


def test_metrics_add_up_the_worker_processes_and_logs_are_json(instances):
    one, _two = instances
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with one.client() as client:
        for _ in range(20):
            assert client.get("/").status_code == 200
        metrics = client.get("/metrics", headers=auth)
    assert metrics.status_code == 200
    (served,) = re.findall(
        r'agora_http_requests_total\{method="GET",route="/",status="200"\} (\S+)', metrics.text
    )
    assert float(served) == 20  # whichever of the two processes answered each
    assert "agora_outbox_waiting" in metrics.text

    time.sleep(0.5)
    lines = [
        json.loads(line)
        for line in one.log.read_text().splitlines()
        if line.startswith("{") and '"forum.requests"' in line
    ]
    homes = [line for line in lines if line["route"] == "/"]
    assert len(homes) == 20
    assert all(re.fullmatch(r"[0-9a-f]{32}", line["request_id"]) for line in homes)
    assert {line["status"] for line in homes} == {200}
