"""What ``/metrics`` tells Prometheus beyond django-prometheus' request counters.

Two parts:

- **One server, one set of counters.** gunicorn and granian run several processes; without
  help, each scrape reads the counters of whichever process answered. With
  ``PROMETHEUS_MULTIPROC_DIR`` set (``scripts/serve`` sets it per server, gunicorn.conf.py
  clears it at start and drops dead workers' files), every process writes its counters to
  that directory and a scrape of any process adds them all up.
- **The state of the work, read at scrape time.** Apps register gauge readers here (their
  AppConfig.ready) — videos and photos in processing and the oldest of them, the viewer's
  scan buffer, Celery's queue lengths, due and failed deliveries — so alert rules can see a
  stuck worker or a growing backlog (docs/OPERATIONS.md "Monitoring"). The dependencies are
  probed first (``arvlite_dependency_up``); a reader whose dependency is down is not run, one
  that fails is left out, both counted in ``arvlite_metric_reader_errors``; database readers
  run under a statement timeout, so a scrape stays within a few seconds and never fails.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import structlog
from django.conf import settings
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

logger = structlog.get_logger(__name__)

MULTIPROC_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


@dataclass(frozen=True)
class Reading:
    name: str
    help: str
    value: float
    labels: dict[str, str] = field(default_factory=dict)


Reader = Callable[[], Iterable[Reading]]
# Filled by the apps' ready(): each reader with the dependencies it reads ("database",
# "redis"); read in order at every scrape, after the dependencies were probed.
GAUGE_READERS: list[tuple[Reader, tuple[str, ...]]] = []
# A reader's queries may take this long; a database that answers but crawls must not hold a
# scrape past Prometheus' timeout (10 s by default).
READER_STATEMENT_TIMEOUT_MS = 2000


def register_reader(reader: Reader, *, needs: tuple[str, ...] = ()) -> None:
    if all(existing is not reader for existing, _ in GAUGE_READERS):
        GAUGE_READERS.append((reader, needs))


def _dependencies_up() -> dict[str, bool]:
    """/readyz's checks (each bounded: a new connection with its connect timeout, Redis with
    PROBE_TIMEOUT_SECONDS)."""
    from arvlite.core.health import readiness_results

    return {name: result == "ok" for name, result in readiness_results().items()}


def _read(reader: Reader, needs: tuple[str, ...]) -> list[Reading]:
    if "database" not in needs:
        return list(reader())
    from django.db import connection, transaction

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {int(READER_STATEMENT_TIMEOUT_MS)}")
        return list(reader())


class _WorkState(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        families: dict[str, GaugeMetricFamily] = {}
        up = _dependencies_up()
        dependencies = GaugeMetricFamily(
            "arvlite_dependency_up", "A dependency answers (1) or not (0).", labels=["dependency"]
        )
        for name, answers in up.items():
            dependencies.add_metric([name], 1.0 if answers else 0.0)
        yield dependencies
        errors = 0
        for reader, needs in GAUGE_READERS:
            if not all(up.get(name, True) for name in needs):
                errors += 1  # its dependency is down: not waited on again
                continue
            try:
                readings = _read(reader, needs)
            except Exception as exc:  # one dependency down must not blank the whole scrape
                errors += 1
                # One line, no traceback: a scrape every 15 s while a dependency is down.
                name = getattr(reader, "__name__", str(reader))
                logger.warning("metrics.reader_failed", reader=name, error=repr(exc)[:300])
                continue
            for reading in readings:
                family = families.get(reading.name)
                if family is None:
                    family = families[reading.name] = GaugeMetricFamily(
                        reading.name, reading.help, labels=sorted(reading.labels)
                    )
                family.add_metric([reading.labels[k] for k in sorted(reading.labels)], reading.value)
        yield from families.values()
        failed = GaugeMetricFamily(
            "arvlite_metric_reader_errors", "Gauge readers that failed during this scrape."
        )
        failed.add_metric([], errors)
        yield failed


def process_registry() -> CollectorRegistry:
    """The request counters of this server: all its processes in multiprocess mode."""
    from prometheus_client import REGISTRY, multiprocess

    if os.environ.get(MULTIPROC_VARIABLE):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def exposition() -> bytes:
    work = CollectorRegistry(auto_describe=False)
    work.register(_WorkState())
    return generate_latest(process_registry()) + generate_latest(work)


def multiproc_dir_reset(path: str) -> None:
    """Start a server with an empty directory of its own: files of an earlier run would add
    old counts. A symlink or a directory that reappears in between is refused (the name is
    predictable, in a shared temporary directory)."""
    directory = Path(path)
    if directory.is_symlink():
        directory.unlink()
    elif directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(mode=0o700)


def multiproc_process_gone(pid: int) -> None:
    """A worker exited (gunicorn recycles them): its counters and histograms are added into
    one archive file per kind and its own files removed, so files do not pile up — every
    scrape reads every file — and the totals stay whole; its per-process gauges go."""
    directory = os.environ.get(MULTIPROC_VARIABLE)
    if not directory:
        return
    from prometheus_client import multiprocess
    from prometheus_client.mmap_dict import MmapedDict

    multiprocess.mark_process_dead(pid, directory)
    for kind in ("counter", "histogram"):
        source = Path(directory) / f"{kind}_{pid}.db"
        if not source.exists():
            continue
        values = [(key, value, ts) for key, value, ts, _ in MmapedDict.read_all_values_from_file(str(source))]
        source.unlink()  # first: a scrape in between undercounts for a moment, never twice
        archive = MmapedDict(str(Path(directory) / f"{kind}_archive.db"))
        try:
            for key, value, ts in values:
                archive.write_value(key, archive.read_value(key)[0] + value, ts)
        finally:
            archive.close()
    for stale in Path(directory).glob(f"gauge_*_{pid}.db"):
        stale.unlink()


def celery_queue_lengths() -> Iterable[Reading]:
    """Messages waiting in each Celery queue (Redis broker only: LLEN of the queue's list)."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return []
    import redis

    queues = [settings.CELERY_TASK_DEFAULT_QUEUE, *(q.name for q in settings.CELERY_TASK_QUEUES)]
    prefix = (getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {}).get("global_keyprefix", "")
    client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    try:
        lengths = [client.llen(f"{prefix}{name}") for name in dict.fromkeys(queues)]
    finally:
        client.close()
    return [
        Reading("arvlite_celery_queue_length", "Messages waiting in a Celery queue.", float(n), {"queue": q})
        for q, n in zip(dict.fromkeys(queues), lengths, strict=True)
    ]


def backlog(queryset: object, *, started_field: str, metric: str, what: str) -> list[Reading]:
    """How many rows are in a state, and how long the oldest has been in it (seconds): the
    pair that tells a stuck worker (age grows) from a busy one (count grows, age does not)."""
    from django.db.models import Count, Min
    from django.utils import timezone

    row = queryset.aggregate(n=Count("pk"), oldest=Min(started_field))  # type: ignore[attr-defined]
    oldest = row["oldest"]
    age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    return [
        Reading(metric, f"{what}.", float(row["n"])),
        Reading(
            f"{metric}_oldest_seconds",
            f"{what}: seconds since the oldest started (0 for none).",
            max(age, 0.0),
        ),
    ]
