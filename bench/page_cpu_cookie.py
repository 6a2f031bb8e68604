"""CPU time of one concern page, made in process: no server, no network, no load generator.

    forum seed --regions 2 --concerns 2000 --replies 20000 --random-seed 1   # once
    python bench/page_cpu.py 2>/dev/null    # FORUM_DATABASE_URL's database; no request log
    python bench/page_cpu.py --pages 2000 --rounds 5 --gzip
    py-spy record -f raw -o pages.txt -- python bench/page_cpu.py   # where that time goes

The app is called as uvicorn calls it, through every middleware, for concerns drawn at random
(the same draws each run), as a visitor reads them: the pages kept for visitors are turned
off, so each page is made. After a warm-up, each round prints the CPU time per page
(`time.process_time`, so another process on the machine changes it less than wall time).

wrk's figures (bench/scale.py) move with everything that runs on the machine; this one moves
with the code. To compare two commits, alternate them, a few runs each, and compare the best.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time

from scale import visible_concerns  # bench/ is where this script runs from
from starlette.types import ASGIApp, Message

HEADERS = [(b"host", b"bench"), (b"cookie", b"agora_session=none")]


async def page(app: ASGIApp, path: str, headers: list[tuple[bytes, bytes]]) -> int:
    """One GET through the whole ASGI stack; its status."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 1),
        "server": ("bench", 80),
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    status = sent[0]["status"]
    assert isinstance(status, int)
    return status


async def rounds(args: argparse.Namespace) -> None:
    from forum.app import create_app

    ids = visible_concerns(os.environ["FORUM_DATABASE_URL"])
    app = create_app()
    headers = HEADERS + ([(b"accept-encoding", b"gzip")] if args.gzip else [])
    draws = random.Random(1)
    async with app.router.lifespan_context(app):
        for _ in range(args.warm_up):
            await page(app, f"/c/{draws.choice(ids)}", headers)
        for _ in range(args.rounds):
            start = time.process_time()
            for _ in range(args.pages):
                status = await page(app, f"/c/{draws.choice(ids)}", headers)
                assert status == 200, status
            spent = (time.process_time() - start) / args.pages
            print(f"{spent * 1000:.3f} ms of CPU per concern page", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000, help="pages per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warm-up", type=int, default=50, help="pages before the rounds")
    parser.add_argument("--gzip", action="store_true", help="ask for gzip, as browsers do")
    args = parser.parse_args()
    os.environ.setdefault("FORUM_DATABASE_URL", "sqlite:///forum.db")
    os.environ.setdefault("FORUM_SECRET_KEY", "bench-" * 11)
    os.environ |= {"FORUM_WORKER": "off", "FORUM_ENV": "production"}
    os.environ["FORUM_PAGE_CACHE_SECONDS"] = "0"  # each page made, not sent again
    asyncio.run(rounds(args))


if __name__ == "__main__":
    main()
