"""Prometheus metrics: requests by route template and status, their latency, the email
outbox and the database pool. With several worker processes, each writes its counts to a
shared folder (prometheus-client's multiprocess mode), and a scrape adds them up."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select
from sqlalchemy.pool import QueuePool

from forum.models import Outbox, utcnow
from forum.notifications.outbox import MAX_ATTEMPTS

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST
# Pages take milliseconds; an export or a summary may take seconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

REQUESTS = Counter(
    "agora_http_requests",
    "HTTP requests answered, by route template, method and status code.",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "agora_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template.",
    ["route"],
    buckets=LATENCY_BUCKETS,
)


def observe(route: str, method: str, status: int, seconds: float) -> None:
    REQUESTS.labels(route, method, str(status)).inc()
    LATENCY.labels(route).observe(seconds)


@contextmanager
def shared_between_processes(workers: int) -> Iterator[None]:
    """While several worker processes serve, give them a fresh folder to count in (unless
    the operator named one), and remove it afterwards."""
    if workers <= 1 or os.environ.get(MULTIPROCESS_DIR):
        yield
        return
    folder = tempfile.mkdtemp(prefix="agora-metrics-")
    os.environ[MULTIPROCESS_DIR] = folder
    try:
        yield
    finally:
        os.environ.pop(MULTIPROCESS_DIR, None)
        shutil.rmtree(folder, ignore_errors=True)


class OutboxCollector(Collector):
    """How many emails wait to be sent and for how long, read when scraped."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterable[Metric]:
        unsent = Outbox.sent_at.is_(None)  # type: ignore[union-attr]
        waiting = unsent & (Outbox.attempts < MAX_ATTEMPTS)
        with self.engine.connect() as connection:
            depth, oldest = connection.execute(
                select(func.count(), func.min(Outbox.created_at)).where(waiting)
            ).one()
            given_up = connection.execute(
                select(func.count()).where(unsent & (Outbox.attempts >= MAX_ATTEMPTS))
            ).scalar_one()
        yield GaugeMetricFamily("agora_outbox_waiting", "Emails waiting to be sent.", depth)
        yield GaugeMetricFamily(
            "agora_outbox_oldest_waiting_seconds",
            "Age of the oldest email waiting to be sent (0 when none waits).",
            _age_seconds(oldest),
        )
        yield GaugeMetricFamily(
            "agora_outbox_given_up",
            f"Emails no longer tried after {MAX_ATTEMPTS} failed attempts.",
            given_up,
        )


def _age_seconds(moment: datetime | None) -> float:
    if moment is None:
        return 0.0
    if moment.tzinfo is None:  # SQLite hands back naive UTC from a plain aggregate
        moment = moment.replace(tzinfo=UTC)
    return max((utcnow() - moment).total_seconds(), 0.0)


class PoolCollector(Collector):
    """The database connections of the process that answers the scrape."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterable[Metric]:
        pool = self.engine.pool
        labels = ["pid"]
        pid = [str(os.getpid())]
        in_use = GaugeMetricFamily(
            "agora_db_pool_in_use",
            "Database connections in use, in the answering process.",
            labels=labels,
        )
        in_use.add_metric(pid, pool.checkedout() if isinstance(pool, QueuePool) else 0)
        yield in_use
        if isinstance(pool, QueuePool):
            size = GaugeMetricFamily(
                "agora_db_pool_size",
                "Connections the pool keeps open, in the answering process.",
                labels=labels,
            )
            size.add_metric(pid, pool.size())
            yield size


def exposition(engine: Engine) -> bytes:
    """The metrics in Prometheus' text format."""
    if os.environ.get(MULTIPROCESS_DIR):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = CollectorRegistry()
        registry.register(_Forward(REGISTRY))
    registry.register(OutboxCollector(engine))
    registry.register(PoolCollector(engine))
    return generate_latest(registry)


class _Forward(Collector):
    """This process's own counters, beside the collectors made for one scrape."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def collect(self) -> Iterable[Metric]:
        return self.registry.collect()
