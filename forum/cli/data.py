"""forum export, forum seed."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlmodel import Session

from forum.cli.common import CommandError, command, form_errors, say
from forum.settings import Settings

if TYPE_CHECKING:
    from forum.summaries.records import Export


def add_commands(commands: Any) -> None:
    said = "write a region's concerns and summary to a CSV, Excel or JSON file"
    export = command(commands, "export", _export, said)
    export.add_argument("--region", required=True, metavar="SLUG", help="the region's slug")
    export.add_argument(
        "--format", required=True, choices=["csv", "xlsx", "json"], help="the file's format"
    )
    export.add_argument("--since", default="", metavar="DATE", help="first day, e.g. 2025-01-31")
    export.add_argument("--until", default="", metavar="DATE", help="last day, e.g. 2025-12-31")
    export.add_argument("--audience", default="", metavar="SLUG", help="only this audience")
    export.add_argument("--topic", default="", metavar="SLUG", help="only this topic")
    export.add_argument(
        "--small-counts",
        default="show",
        choices=["show", "suppress"],
        help="suppress: hide counts below 5 in the summary's breakdowns (default: show)",
    )
    export.add_argument("--out", required=True, type=Path, metavar="FILE", help="file to write")
    export.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar on stderr (default: when stderr is a terminal)",
    )

    said = "add synthetic regions, people, concerns and replies (for benchmarks)"
    seed = command(commands, "seed", _seed, said)
    seed.add_argument("--regions", type=int, default=1, metavar="N", help="new regions (1)")
    seed.add_argument(
        "--concerns", type=int, default=1000, metavar="N", help="concerns in all (1000)"
    )
    seed.add_argument(
        "--replies", type=int, default=3000, metavar="N", help="replies in all (3000)"
    )
    seed.add_argument("--random-seed", type=int, default=None, metavar="N", help="repeatable data")


class _ProgressBar:
    """A one-line progress bar on stderr: [#####.....] 45% 45,000 of 100,000."""

    def __init__(self, label: str, width: int = 30) -> None:
        self.label, self.width, self.shown = label, width, False

    def __call__(self, done: int, total: int) -> None:
        share = min(done / total, 1.0) if total else 1.0
        filled = int(self.width * share)
        bar = "#" * filled + "." * (self.width - filled)
        sys.stderr.write(f"\r{self.label} [{bar}] {share:4.0%} {done:,} of {total:,}")
        sys.stderr.flush()
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            sys.stderr.write("\n")


def _export(args: argparse.Namespace) -> int:
    """Export a region's concerns, one line each, with its summary (Excel and JSON). Authors
    appear as pseudonyms; hidden posts are left out. Dates are whole days, in UTC, both
    included."""
    from forum.db import make_engine
    from forum.summaries import writers

    settings = Settings()
    engine = make_engine(settings)
    show_progress = sys.stderr.isatty() if args.progress is None else args.progress
    bar = _ProgressBar(f"forum: exporting {args.region}")
    try:
        with Session(engine, expire_on_commit=False) as session:
            prepared = _prepared(session, engine, settings, args, bar if show_progress else None)
            _write(args.out, writers.WRITERS[args.format](prepared))
    finally:
        bar.finish()
        engine.dispose()
    say(f"wrote {prepared.summary.total:,} concerns to {args.out}")
    return 0


def _prepared(
    session: Session,
    engine: Engine,
    settings: Settings,
    args: argparse.Namespace,
    progress: _ProgressBar | None,
) -> Export:
    """The region's summary, and its rows ready to stream, as the options ask."""
    from forum.concerns import queries
    from forum.errors import FormErrors
    from forum.i18n import negotiate, translator
    from forum.regions.queries import region_by_slug
    from forum.summaries import records
    from forum.summaries.filters import read_filters

    region = region_by_slug(session, args.region)
    if region is None:
        raise CommandError(f"there is no region '{args.region}'")
    audiences, topics = queries.audiences(session), queries.topics(session)
    names = ("since", "until", "audience", "topic", "small_counts")
    try:
        filters = read_filters({name: getattr(args, name) for name in names}, audiences, topics)
    except FormErrors as invalid:
        raise form_errors(invalid) from None
    return records.prepare(
        session,
        engine,
        region,
        filters,
        audiences=audiences,
        topics=topics,
        base_url=settings.base_url,
        i18n=translator(negotiate(region_default=region.default_locale)),
        progress=progress,
    )


def _write(out: Path, chunks: Iterator[bytes]) -> None:
    """Written beside the target, then renamed: a failed export leaves no half file."""
    partial = out.with_name(f".{out.name}.partial")
    try:
        with partial.open("wb") as file:
            for chunk in chunks:
                file.write(chunk)
        partial.replace(out)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise CommandError(f"cannot write {out}: {error.strerror}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _seed(args: argparse.Namespace) -> int:
    """Add N new regions (seed-1, seed-2...) with partners, a moderator, a leader and
    citizens, and spread the concerns and replies over them. Nobody can log in as a seeded
    person. Do not run it on a real site."""
    from forum import seed
    from forum.db import make_engine

    if min(args.regions, args.concerns, args.replies) < 0 or args.regions < 1:
        print("forum: give at least one region, and no negative numbers", file=sys.stderr)
        return 2
    engine = make_engine(Settings())
    bar = _ProgressBar("forum: seeding")
    try:
        seeded = seed.seed(
            engine,
            regions=args.regions,
            concerns=args.concerns,
            replies=args.replies,
            random_seed=args.random_seed,
            progress=(lambda _what, done, total: bar(done, total)) if sys.stderr.isatty() else None,
        )
    finally:
        bar.finish()
        engine.dispose()
    print(
        f"forum: added regions {', '.join(seeded.regions)}: {seeded.users:,} people, "
        f"{seeded.concerns:,} concerns, {seeded.replies:,} replies, {seeded.supports:,} me-toos",
        file=sys.stderr,
    )
    return 0
