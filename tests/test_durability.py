"""What survives a crash, on the database of this run: bench/durability.py with a short run.
Six people post at once to `forum serve --workers 2`, the server is killed with -9, and every
acknowledged concern must be there after a restart, once and listed, with no 5xx before."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "durability.py"


def test_every_acknowledged_concern_survives_a_kill_9(database_url: str) -> None:
    database = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    env = {**os.environ, "FORUM_BENCH_POSTGRES": database_url}

    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--database", database, "--seconds", "4"],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )

    print(run.stdout)
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    assert f"{database}: " in run.stdout and " 0 missing, 0 not listed, 0 duplicated" in run.stdout
