"""Requests per second of a concern page, side by side with the framework floor.

    python bench/throughput.py                     # seeds 100,000 concerns into a throwaway SQLite
    python bench/throughput.py sqlite:///big.db    # reuses a seeded database
    python bench/throughput.py --workers 2 --duration 10 --connections 32

design.md's budget: with 100,000 concerns in the database, the concern page (20 replies)
serves at least 40 % of a bare FastAPI page that renders a 20-row Jinja template (the floor),
measured in one run on the same machine with the same number of workers, and at least 10x a
comparable forum's topic page (django-spirit 0.14.3 under gunicorn: design.md gives about
90-140 req/s here; it is not installed by this script).

Both servers run under uvicorn with uvloop and httptools (`uvicorn[standard]`) and the same
`--workers`; `wrk` (apt-get install wrk) loads each in turn, twice, and the better run of each
counts. The page is read as a visitor (no cookie), as most readers are. The load generator
shares the machine's cores with the servers: compare the ratio, not the absolute figures.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR_APP = '''
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from jinja2 import Environment

TEMPLATE = Environment(autoescape=True).from_string("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head><body><main>
<h1>{{ title }}</h1><ol>{% for row in rows %}<li><b>{{ row.author }}</b>
<time>{{ row.when }}</time><p>{{ row.text }}</p></li>{% endfor %}</ol></main></body></html>""")
ROWS = [
    {"author": f"person {n}", "when": "2026-11-27", "text": f"Reply number {n}, some words."}
    for n in range(20)
]
app = FastAPI()


@app.get("/", response_class=HTMLResponse)
async def page() -> str:
    return TEMPLATE.render(title="A concern", rows=ROWS)
'''


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if process.poll() is not None:
            sys.exit(f"the server for {url} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"{url} did not answer")


def wrk(url: str, args: argparse.Namespace) -> float:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", url]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        sys.exit(f"{url} answered {errors.group(1)} errors:\n{output}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    assert match, output
    return float(match.group(1))


def concern_with_replies(database_url: str, replies: int) -> int:
    """A visible concern with about `replies` replies (the page the budget names)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as connection:
        found = connection.execute(
            text(
                "SELECT id FROM concern WHERE NOT hidden AND reply_count >= :n "
                "ORDER BY reply_count, id LIMIT 1"
            ),
            {"n": replies},
        ).scalar()
        if found is None:
            found = connection.execute(
                text("SELECT id FROM concern WHERE NOT hidden ORDER BY reply_count DESC LIMIT 1")
            ).scalar()
    engine.dispose()
    assert found is not None, "no concern in the database"
    return int(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url", nargs="?", help="a seeded database (default: seed one)")
    parser.add_argument("--concerns", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=int, default=10, help="seconds per run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("needs wrk: apt-get install wrk")

    work = Path(tempfile.mkdtemp(prefix="agora-throughput-"))
    env = {name: value for name, value in os.environ.items() if not name.startswith("FORUM_")}
    database_url = args.database_url or f"sqlite:///{work / 'bench.db'}"
    env |= {
        "FORUM_DATABASE_URL": database_url,
        "FORUM_SECRET_KEY": "throughput-bench-secret-key-long-enough-for-production",
        "FORUM_WORKER": "off",
        "FORUM_ENV": "production",
    }
    forum = [sys.executable, "-m", "forum.cli"]
    if args.database_url is None:
        print(f"seeding {args.concerns:,} concerns...", file=sys.stderr)
        subprocess.run([*forum, "db", "upgrade"], env=env, check=True)
        seed = ["seed", "--concerns", str(args.concerns), "--replies", str(args.concerns * 5 // 2)]
        subprocess.run([*forum, *seed, "--random-seed", "1"], env=env, check=True)
    concern = concern_with_replies(database_url, 20)

    (work / "floor_app.py").write_text(FLOOR_APP)
    agora_port, floor_port = free_port(), free_port()
    uvicorn = [sys.executable, "-m", "uvicorn", "--log-level", "warning"]
    servers = [
        subprocess.Popen(
            [*forum, "serve", "--port", str(agora_port), "--workers", str(args.workers)],
            env=env,
            cwd=work,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [*uvicorn, "floor_app:app", "--port", str(floor_port), "--workers", str(args.workers)],
            env=env,
            cwd=work,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
    ]
    agora = f"http://127.0.0.1:{agora_port}/c/{concern}"
    floor = f"http://127.0.0.1:{floor_port}/"
    try:
        wait_for(agora, servers[0])
        wait_for(floor, servers[1])
        for url in (agora, floor):  # warm up every worker
            wrk(url, argparse.Namespace(**{**vars(args), "duration": 2}))
        runs: dict[str, list[float]] = {"agora": [], "floor": []}
        for _ in range(2):
            runs["floor"].append(wrk(floor, args))
            runs["agora"].append(wrk(agora, args))
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)
    best = {name: max(values) for name, values in runs.items()}
    share = best["agora"] / best["floor"]
    print(f"concern page /c/{concern} ({args.workers} workers, {args.connections} connections)")
    print(f"  agora concern page : {best['agora']:8.0f} req/s  (runs: {runs['agora']})")
    print(f"  bare FastAPI floor : {best['floor']:8.0f} req/s  (runs: {runs['floor']})")
    print(f"  share of the floor : {share:8.0%}   (budget: at least 40 %)")
    spirit = f"{best['agora'] / 140:.1f}x to {best['agora'] / 90:.1f}x"
    print(f"  vs django-spirit   : {spirit} of design.md's 90-140 req/s (budget: at least 10x)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
