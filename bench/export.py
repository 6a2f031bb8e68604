"""Export time and peak memory for a region of 100,000 concerns, in each format.

    python bench/export.py                           # seeds a throwaway SQLite database
    python bench/export.py sqlite:///big.db          # reuses a seeded database (or a file path)
    python bench/export.py postgresql+psycopg://...  # the same on PostgreSQL
    python bench/export.py --concerns 20000          # a smaller region

Without a database it runs `forum seed --regions 1 --concerns N --replies 2.5N` first. Each
export is `forum export` in a subprocess of its own; the script reports its wall and CPU time and
its peak resident memory (ru_maxrss, from os.wait4), beside a subprocess that only imports what an
export imports (the floor). It exports a tenth of the region too (--since): when exports
stream, memory stays flat while the rows grow tenfold.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("csv", "xlsx", "json")


def run(command: list[str], env: dict[str, str]) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds, peak resident MB, and stderr of a subprocess."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    assert process.stderr is not None
    stderr = process.stderr.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if process.returncode:
        sys.exit(f"failed: {' '.join(command)}\n{stderr}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stderr


def forum(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "forum.cli", *arguments]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("database", nargs="?", help="a seeded database URL or SQLite file")
    parser.add_argument("--region", default="seed-1", help="the region to export (seed-1)")
    parser.add_argument("--concerns", type=int, default=100_000, help="concerns to seed")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="agora-bench-"))
    if args.database:
        url = args.database if "://" in args.database else f"sqlite:///{args.database}"
    else:
        url = f"sqlite:///{folder / 'bench.db'}"
    env = {
        **os.environ,
        "FORUM_DATABASE_URL": url,
        "FORUM_SECRET_KEY": "bench-" + "x" * 40,
        "PYTHONPATH": str(ROOT),
    }
    if not args.database:
        run(forum("db", "upgrade"), env)
        seconds, _, peak, said = run(
            forum(
                "seed",
                "--regions",
                "1",
                "--concerns",
                str(args.concerns),
                "--replies",
                str(args.concerns * 5 // 2),
                "--random-seed",
                "1",
            ),
            env,
        )
        print(f"seeded in {seconds:.1f} s (peak {peak:.0f} MB): {said.strip()}")

    _, _, floor, _ = run(
        [sys.executable, "-c", "import forum.cli, forum.summaries.writers, forum.db, xlsxwriter"],
        env,
    )
    print(f"database: {url}")
    print(f"floor (importing what an export imports, no export): peak {floor:.0f} MB\n")
    tenth = (datetime.now(UTC) - timedelta(days=36)).date().isoformat()
    print(
        f"{'format':<6} {'concerns':>9} {'wall s':>7} {'CPU s':>6} {'peak MB':>8} {'file MB':>8}"
        f"   {'10% rows':>9} {'wall s':>7} {'CPU s':>6} {'peak MB':>8}"
    )
    for format in FORMATS:
        out = folder / f"export.{format}"
        base = ("export", "--region", args.region, "--format", format, "--out", str(out))
        seconds, cpu, peak, said = run(forum(*base, "--no-progress"), env)
        size = out.stat().st_size / 2**20
        rows = _rows(said)
        small_seconds, small_cpu, small_peak, small_said = run(
            forum(*base, "--since", tenth, "--no-progress"), env
        )
        print(
            f"{format:<6} {rows:>9,} {seconds:>7.1f} {cpu:>6.1f} {peak:>8.0f} {size:>8.1f}   "
            f"{_rows(small_said):>9,} {small_seconds:>7.1f} {small_cpu:>6.1f} {small_peak:>8.0f}"
        )


def _rows(said: str) -> int:
    match = re.search(r"wrote ([\d,]+) concerns", said)
    return int(match.group(1).replace(",", "")) if match else 0


if __name__ == "__main__":
    main()
