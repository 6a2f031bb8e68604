"""Agora at a real region's size, beside the framework floor and a peer forum, in one run.

    python bench/scale.py                          # SQLite and PostgreSQL, 100,000 concerns
    python bench/scale.py --databases sqlite --concerns 20000 --duration 5
    python bench/scale.py --keep /tmp/agora-scale  # keep (and reuse) the seeded databases

For each database it seeds `forum seed --regions 5 --concerns N --replies 10N` and two more
regions of 2,000 and N concerns (the leaders' work at three sizes), serves Agora with
`forum serve --workers 2` (uvloop, httptools), and loads one server at a time with
`wrk -t2 -c32 --latency`, each page twice after a warm-up, the better round counting:

- Agora's concern page, a concern drawn at random over every visible concern for each
  request (bench/random_path.lua), and the page of the largest seeded region: as a visitor
  gets it (sent again from the pages kept for visitors while nothing changes), and made for
  each request (a session cookie that names no session);
- the floor: a bare FastAPI page rendering a 20-row Jinja template (../shared/bench/peers);
- Spirit (django-spirit 0.14.3 under gunicorn, 2 workers): its topic and category pages,
  set up by ../shared/bench/peers/setup_peer.sh the first time (it needs the package index).

Then the leaders' work, timed: the summary page (as an administrator, best of three), the
CSV, XLSX and JSON exports of a region of 2,000, ~N/5 and N concerns (wall time and the
peak RSS of the `forum export` process), and searches in the largest region (the median of
five, the page rendered).

Beside each page's req/s, the CPU time its server spent per request: the server's processes
(and, for Agora on PostgreSQL, the database server's), read from /proc before and after the
round. That is what the page costs, and it moves less than req/s with wrk's share of the cores.

The load generator shares the machine's two cores with the servers: compare ratios within a
run, not figures across machines. Nothing here runs in CI.
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
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PEERS_HARNESS = ROOT.parent / "shared" / "bench" / "peers"
PEERS = Path(os.environ.get("PEERS", "/tmp/peers"))
RANDOM_PATH = Path(__file__).resolve().parent / "random_path.lua"
PASSWORD = "scale-bench-password"
SECRET = "scale-bench-secret-key-long-enough-for-production-use"
FORUM = [sys.executable, "-m", "forum.cli"]
RESULT = re.compile(r"^RESULT (.*)$", re.M)


@dataclass
class Load:
    """One page under load: the better of its rounds."""

    server: str
    page: str
    rps: float
    p99_ms: float
    errors: int
    cpu_ms: float  # the server's CPU time per request (its processes, and PostgreSQL's)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if process.poll() is not None:
            sys.exit(f"the server for {url} exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    sys.exit(f"{url} did not answer")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


# A session cookie that names no session: the page is a visitor's, but made for this request
# rather than sent from the pages kept for visitors (forum.web.page_cache).
NOT_KEPT = {"Cookie": "agora_session=none"}


# --- the CPU a server spends ------------------------------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str]:
    """/proc/PID/stat's fields after the command's name (ppid is [1], utime and stime [11:13])."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def server_processes(root: int, postgres: bool = False) -> list[int]:
    """`root` and its descendants (uvicorn's or gunicorn's workers), and PostgreSQL's own
    processes when the server uses it."""
    children: dict[int, list[int]] = {}
    named_postgres = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            children.setdefault(int(_stat(int(entry.name))[1]), []).append(int(entry.name))
            if postgres and (entry / "comm").read_text().strip() == "postgres":
                named_postgres.append(int(entry.name))
        except OSError:
            continue  # it ended meanwhile
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found + named_postgres


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = _stat(pid)
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def wrk(
    url: str,
    args: argparse.Namespace,
    paths: Path | None = None,
    seconds: int = 0,
    headers: dict[str, str] | None = None,
    server: Callable[[], list[int]] | None = None,
) -> dict[str, float]:
    """One wrk run; its RESULT line (report.lua's, or random_path.lua's) as numbers, and
    `cpu_ms`: the CPU time the `server` processes spent per request meanwhile."""
    script = RANDOM_PATH if paths else PEERS_HARNESS / "report.lua"
    command = [
        "wrk",
        *(f"-H{name}: {value}" for name, value in (headers or {}).items()),
        "-t2",
        f"-c{args.connections}",
        f"-d{seconds or args.duration}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(script),
        url,
    ]
    if paths:
        command += ["--", str(paths)]
    processes = server() if server else []  # found now: uvicorn starts its workers late
    spent = cpu_seconds(processes)
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    spent = cpu_seconds(processes) - spent
    found = RESULT.search(output)
    assert found, output
    result = {key: float(value) for key, value in (kv.split("=") for kv in found.group(1).split())}
    return result | {"cpu_ms": 1000 * spent / max(result["requests"], 1)}


def load(
    name: str,
    base: str,
    pages: dict[str, str],
    args: argparse.Namespace,
    made: frozenset[str] = frozenset(),
    server: Callable[[], list[int]] | None = None,
) -> list[Load]:
    """Each page: a warm-up, then two rounds interleaved; the better round counts. The pages
    named in `made` are asked with NOT_KEPT; `server` are the processes whose CPU counts."""
    rounds: dict[str, list[dict[str, float]]] = {page: [] for page in pages}
    for page, path in pages.items():
        url, paths = _target(base, path)
        wrk(url, args, paths, seconds=3, headers=NOT_KEPT if page in made else None)
    for _ in range(2):
        for page, path in pages.items():
            url, paths = _target(base, path)
            headers = NOT_KEPT if page in made else None
            rounds[page].append(wrk(url, args, paths, headers=headers, server=server))
    found = []
    for page, runs in rounds.items():
        best = max(runs, key=lambda run: run["rps"])
        errors = sum(int(best[k]) for k in best if k.startswith("err_"))
        row = Load(name, page, best["rps"], best["p99_us"] / 1000, errors, best["cpu_ms"])
        found.append(row)
        said = f"{row.rps:.0f} req/s, p99 {row.p99_ms:.0f} ms, {row.cpu_ms:.2f} ms of CPU each"
        print(f"  {name} {page}: {said}")
    return found


def _target(base: str, path: str) -> tuple[str, Path | None]:
    """A path, or `@file`: a file of paths, one drawn at random for each request."""
    if path.startswith("@"):
        return base + "/", Path(path[1:])
    return base + path, None


# --- the databases --------------------------------------------------------------------------


def database_url(kind: str, keep: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{keep / 'scale.db'}"
    return "postgresql+psycopg://postgres@127.0.0.1:5432/agora_scale"


def environment(url: str, folder: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("FORUM_")}
    return env | {
        "FORUM_DATABASE_URL": url,
        "FORUM_SECRET_KEY": SECRET,
        "FORUM_WORKER": "off",
        "FORUM_ENV": "production",
        "FORUM_UPLOAD_DIR": str(folder / "uploads"),
        # Many logins from one address while timing the summary.
        "FORUM_LOGIN_LIMIT_PER_CLIENT": "100000",
    }


def seeded(kind: str, url: str, env: dict[str, str], args: argparse.Namespace) -> bool:
    """Seed the database unless it holds the seeded regions already; whether it was."""
    from sqlalchemy import create_engine, text

    if kind == "postgresql":
        admin = create_engine(
            "postgresql+psycopg://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = 'agora_scale'")
            ).scalar()
            if not exists:
                connection.execute(text("CREATE DATABASE agora_scale"))
        admin.dispose()
    subprocess.run([*FORUM, "db", "upgrade"], env=env, check=True, capture_output=True)
    engine = create_engine(url)
    with engine.connect() as connection:
        regions = connection.execute(text("SELECT count(*) FROM region")).scalar() or 0
    engine.dispose()
    if regions >= 7:
        return False
    n = args.concerns
    for regions_, concerns in ((5, n), (1, 2000), (1, n)):
        print(f"  seeding {regions_} region(s), {concerns:,} concerns...", flush=True)
        seed = ["seed", "--regions", str(regions_), "--concerns", str(concerns)]
        seed += ["--replies", str(concerns * 10), "--random-seed", str(concerns)]
        subprocess.run([*FORUM, *seed], env=env, check=True, capture_output=True)
    password = Path(tempfile.mkstemp()[1])
    password.write_text(PASSWORD)
    create_admin = ["users", "create", "--name", "scale-admin", "--password-file", str(password)]
    subprocess.run([*FORUM, *create_admin, "--admin"], env=env, check=True, capture_output=True)
    password.unlink()
    return True


def region_sizes(url: str) -> dict[str, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT region.slug, count(concern.id) FROM region JOIN concern"
                " ON concern.region_id = region.id GROUP BY region.slug"
            )
        ).all()
    engine.dispose()
    return {slug: int(count) for slug, count in rows}


def visible_concerns(url: str) -> list[int]:
    """The number of every concern a visitor may read (bench/page_cpu.py draws from them too)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        ids = connection.execute(text("SELECT id FROM concern WHERE NOT hidden")).scalars().all()
    engine.dispose()
    return list(ids)


def concern_paths(url: str, out: Path) -> int:
    """Every visible concern's path, one a line, for random_path.lua."""
    ids = visible_concerns(url)
    out.write_text("".join(f"/c/{number}\n" for number in ids))
    return len(ids)


# --- the leaders' work ----------------------------------------------------------------------


def summary_seconds(base: str, slug: str) -> float:
    with httpx.Client(base_url=base, timeout=120) as client:
        page = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token, "no CSRF token on /login"
        login = {"name": "scale-admin", "password": PASSWORD, "csrf_token": token.group(1)}
        assert client.post("/login", data=login).status_code in (200, 303)
        times = []
        for _ in range(3):
            started = time.perf_counter()
            assert client.get(f"/r/{slug}/summary").status_code == 200
            times.append(time.perf_counter() - started)
    return min(times)


# A made-up village (in about 1 concern in 240 and some of its replies), the same with a word
# of one reply in four, and a word in every concern: the last ranks the whole region.
SEARCHES = ("Montefria", "Montefria technician", "vizinha")


def search_seconds(base: str, slug: str, words: str) -> float:
    """The median of 5 searches for `words` on the region's page, the page made each time."""
    times = []
    with httpx.Client(base_url=base, timeout=120, headers=NOT_KEPT) as client:
        for _ in range(5):
            started = time.perf_counter()
            assert client.get(f"/r/{slug}", params={"q": words}).status_code == 200
            times.append(time.perf_counter() - started)
    return sorted(times)[2]


def export(env: dict[str, str], slug: str, fmt: str, folder: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of `forum export` for one region and format."""
    out = folder / f"{slug}.{fmt}"
    started = time.perf_counter()
    command = [*FORUM, "export", "--region", slug, "--format", fmt, "--out", str(out)]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    assert process.returncode == 0, f"export {slug} {fmt} failed"
    out.unlink(missing_ok=True)
    return time.perf_counter() - started, usage.ru_maxrss / 1024


# --- one run --------------------------------------------------------------------------------


def agora(kind: str, args: argparse.Namespace, keep: Path) -> tuple[list[Load], list[str]]:
    url = database_url(kind, keep)
    env = environment(url, keep)
    print(f"{kind}: {url}", flush=True)
    seeded(kind, url, env, args)
    sizes = region_sizes(url)
    paths = keep / f"paths-{kind}.txt"
    print(f"  {concern_paths(url, paths):,} concerns to draw from", flush=True)
    largest = max(sizes, key=lambda slug: sizes[slug])
    port = free_port()
    serve = [*FORUM, "serve", "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(
        serve, env=env, cwd=keep, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    notes = []
    try:
        wait_for(f"{base}/healthz", server)
        region = f"region ({sizes[largest]:,})"
        pages = {
            "concern, at random": f"@{paths}",
            region: f"/r/{largest}",
            f"{region}, made each time": f"/r/{largest}",
        }
        made = frozenset(list(pages)[2:])
        workers = partial(server_processes, server.pid, postgres=kind == "postgresql")
        loads = load(f"Agora, {kind}", base, pages, args, made=made, server=workers)
        for slug in sorted(sizes, key=lambda s: sizes[s]):
            if sizes[slug] in {min(sizes.values()), max(sizes.values())} or slug == "seed-1":
                seconds = summary_seconds(base, slug)
                notes.append(f"| {kind} | summary page | {sizes[slug]:,} | {seconds:.2f} s | |")
        for words in SEARCHES:
            seconds = search_seconds(base, largest, words)
            notes.append(f"| {kind} | search «{words}» | {sizes[largest]:,} | {seconds:.3f} s | |")
    finally:
        stop(server)
    for slug in sorted(sizes, key=lambda s: sizes[s]):
        if sizes[slug] in {min(sizes.values()), max(sizes.values())} or slug == "seed-1":
            for fmt in ("csv", "xlsx", "json"):
                seconds, rss = export(env, slug, fmt, keep)
                notes.append(
                    f"| {kind} | export {fmt} | {sizes[slug]:,} | {seconds:.1f} s | {rss:.0f} MB |"
                )
                print(f"  export {slug} {fmt}: {seconds:.1f} s, {rss:.0f} MB", flush=True)
    return loads, notes


def floor(args: argparse.Namespace) -> list[Load]:
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "floor_app:app", "--app-dir", str(PEERS_HARNESS)]
    command += ["--workers", "2", "--port", str(port), "--http", "httptools", "--loop", "uvloop"]
    command += ["--no-access-log", "--log-level", "warning"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/", server)
        workers = partial(server_processes, server.pid)
        return load("floor", f"http://127.0.0.1:{port}", {"20-row page": "/"}, args, server=workers)
    finally:
        stop(server)


def spirit(args: argparse.Namespace) -> list[Load]:
    if not (PEERS / "urls.env").exists():
        subprocess.run(["bash", str(PEERS_HARNESS / "setup_peer.sh")], check=True)
    urls = dict(
        line.split("=", 1) for line in (PEERS / "urls.env").read_text().split() if "=" in line
    )
    port = free_port()
    command = [str(PEERS / "venv-spirit" / "bin" / "gunicorn"), "spiritsite.wsgi:application"]
    command += ["--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "spiritsite.settings.bench"}
    server = subprocess.Popen(
        command,
        cwd=PEERS / "spiritsite",
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + urls["TOPIC_PATH"].strip("\"'"), server)
        pages = {
            "topic": urls["TOPIC_PATH"].strip("\"'"),
            "category": urls["CATEGORY_PATH"].strip("\"'"),
        }
        return load("Spirit", base, pages, args, server=partial(server_processes, server.pid))
    finally:
        stop(server)


def table(loads: list[Load]) -> str:
    floor_rps = next(row.rps for row in loads if row.server == "floor")
    spirit_rps = {row.page: row.rps for row in loads if row.server == "Spirit"}
    lines = [
        "| server | page | req/s | p99 | errors | CPU a request | vs the floor | vs Spirit |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in loads:
        peer = spirit_rps.get("topic" if "concern" in row.page else "category")
        versus = f"{row.rps / peer:.1f}x" if peer and row.server.startswith("Agora") else ""
        lines.append(
            f"| {row.server} | {row.page} | {row.rps:,.0f} | {row.p99_ms:.0f} ms | {row.errors} "
            f"| {row.cpu_ms:.2f} ms | {row.rps / floor_rps:.1%} | {versus} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--concerns", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per round")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--keep", type=Path, help="a folder to keep the databases in")
    parser.add_argument("--no-spirit", action="store_true", help="skip the peer forum")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("needs wrk: apt-get install wrk")
    keep = args.keep or Path(tempfile.mkdtemp(prefix="agora-scale-"))
    keep.mkdir(parents=True, exist_ok=True)
    loads: list[Load] = []
    notes: list[str] = []
    if not args.no_spirit:
        loads += spirit(args)
    loads += floor(args)
    for kind in args.databases.split(","):
        found, said = agora(kind, args, keep)
        loads += found
        notes += said
    print()
    print(table(loads))
    print()
    print("| database | leaders' work | concerns in the region | time | peak RSS |")
    print("|---|---|---:|---:|---:|")
    print("\n".join(notes))
    if args.keep is None:
        shutil.rmtree(keep, ignore_errors=True)


if __name__ == "__main__":
    main()
