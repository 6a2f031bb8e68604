"""What survives a crash: six logged-in people raise concerns at once, the whole server is
killed with -9 mid-run, and after a restart every concern whose POST was acknowledged (a
303 to its page) is there, once, with its title, and listed in its region. Before the kill,
no request may have answered 5xx or said "database is locked".

    python bench/durability.py                      # SQLite, then PostgreSQL
    python bench/durability.py --database sqlite --seconds 20

Loopback only, bounded in time (each database: the run, a restart, the checks). PostgreSQL is
the one at FORUM_BENCH_POSTGRES (default postgresql+psycopg://postgres@127.0.0.1:5432/test),
where a database of its own is made and dropped. Exit code 1 when anything was lost,
doubled or failed.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parent.parent
FORUM = str(Path(sys.executable).with_name("forum"))
POSTGRES = os.environ.get(
    "FORUM_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PASSWORD = "a durable passphrase"
REGION = "vale"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Tally:
    acknowledged: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # 5xx, "database is locked"
    lock: threading.Lock = field(default_factory=threading.Lock)


class Server:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [FORUM, "serve", "--workers", "2", "--port", str(self.port)],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, to kill whole
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise SystemExit(f"the server did not start; see {self.log}")

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


def forum(env: dict[str, str], *args: str) -> None:
    subprocess.run([FORUM, *args], env=env, check=True, capture_output=True)


def prepare(env: dict[str, str], posters: int, workdir: Path) -> None:
    forum(env, "db", "upgrade")
    forum(env, "regions", "create", "--slug", REGION, "--name", "Vale", "--locale", "en")
    secret = workdir / "password"
    secret.write_text(PASSWORD)
    for number in range(posters):
        forum(env, "users", "create", "--name", f"poster{number}", "--password-file", str(secret))


def field_value(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    return found.group(1) if found else ""


def poster(url: str, number: int, stop: threading.Event, tally: Tally) -> None:
    """Log in, then raise concerns until the server is gone."""
    with httpx.Client(base_url=url, timeout=30) as client:
        login = client.get("/login").text
        client.post(
            "/login",
            data={
                "csrf_token": field_value(login, "csrf_token"),
                "name": f"poster{number}",
                "password": PASSWORD,
            },
        )
        sent = 0
        while not stop.is_set():
            try:
                form = client.get(f"/r/{REGION}/new").text
                title = f"Poster {number}, concern {sent}"
                response = client.post(
                    f"/r/{REGION}/new",
                    data={
                        "csrf_token": field_value(form, "csrf_token"),
                        "client_key": field_value(form, "client_key"),
                        "title": title,
                        "body": f"Written by poster {number} before the crash.",
                    },
                    follow_redirects=False,
                )
            except httpx.HTTPError:  # the server was killed: this one was never acknowledged
                return
            sent += 1
            with tally.lock:
                if response.status_code == 303:
                    tally.acknowledged.append(title)
                elif response.status_code >= 500 or "database is locked" in response.text:
                    tally.failures.append(f"{response.status_code} for {title}")


def listed_titles(url: str) -> list[str]:
    """Every title the region's listing shows, page after page (the JSON API)."""
    titles: list[str] = []
    next_url: str | None = f"/api/regions/{REGION}/concerns"
    with httpx.Client(base_url=url, timeout=30) as client:
        while next_url:
            page = client.get(next_url).json()
            titles += [concern["title"] for concern in page["concerns"]]
            following = urlsplit(page.get("next") or "")  # absolute, at FORUM_BASE_URL
            next_url = f"{following.path}?{following.query}" if following.path else None
    return titles


def run(database: str, seconds: float, posters: int) -> bool:
    with tempfile.TemporaryDirectory(prefix="agora-durability-") as tmp:
        workdir = Path(tmp)
        if database == "sqlite":
            database_url = f"sqlite:///{workdir / 'agora.db'}"
        else:
            database_url = str(make_url(POSTGRES).set(database="agora_durability"))
            admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text("DROP DATABASE IF EXISTS agora_durability"))
                connection.execute(text("CREATE DATABASE agora_durability"))
        env = {
            **os.environ,
            "FORUM_DATABASE_URL": database_url,
            "FORUM_SECRET_KEY": "durability-secret-key-long-enough-for-production",
            "FORUM_CONCERNS_PER_HOUR": "1000000",
            "FORUM_SMTP_URL": "",
        }
        prepare(env, posters, workdir)
        server = Server(env, workdir / "server.log")
        server.start()
        tally, stop = Tally(), threading.Event()
        threads = [
            threading.Thread(target=poster, args=(server.url, n, stop, tally))
            for n in range(posters)
        ]
        for thread in threads:
            thread.start()
        time.sleep(seconds)
        server.kill()  # mid-run: requests are in flight
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

        server.start()  # the same database, after the crash
        try:
            listed = listed_titles(server.url)
        finally:
            server.stop()
        engine = create_engine(database_url)
        with engine.connect() as connection:
            stored = [row[0] for row in connection.execute(text("SELECT title FROM concern"))]
        engine.dispose()
        if database != "sqlite":
            admin.dispose()

        acknowledged = set(tally.acknowledged)
        missing = acknowledged - set(stored)
        unlisted = acknowledged - set(listed)
        doubled = len(stored) - len(set(stored))
        print(
            f"{database}: {len(acknowledged)} posts acknowledged, "
            f"{len(acknowledged) - len(missing)} found, {len(missing)} missing, "
            f"{len(unlisted)} not listed, {doubled} duplicated, "
            f"{len(stored) - len(acknowledged)} stored but not acknowledged (in flight), "
            f"{len(tally.failures)} 5xx or locked before the kill"
        )
        for failure in tally.failures[:10]:
            print("  ", failure)
        return bool(acknowledged) and not (missing or unlisted or doubled or tally.failures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=10, help="posting before the kill")
    parser.add_argument("--posters", type=int, default=6)
    args = parser.parse_args()
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    results = [run(database, args.seconds, args.posters) for database in databases]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
