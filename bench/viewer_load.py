#!/usr/bin/env python
"""Load test of the public viewer API: manifest and check under gunicorn on PostgreSQL and
Redis, next to a bare WSGI ceiling served the same way.

What it does, in order:

1. Installs wrk with apt-get when it is missing (needs root).
2. Creates a scratch database `arvlite_bench_viewer` (dropped first, dropped again at the
   end unless --keep), migrates it and inserts 10,000 published contents quickly with
   bulk_create: 10 companies x 1,000 contents, each active, pipeline succeeded, marker,
   photo and large thumbnail, expiring in a year, one ready video (720p rendition, poster,
   medium thumbnail) and a manual playback row choosing it. StoredFile rows only: the viewer
   signs links to files but never opens them, so no file is written.
3. Uses its own Redis database (14) and key prefix (CACHE_KEY_PREFIX=arvlite-bench-viewer);
   it deletes only keys under that prefix, before and after.
4. Warms the snapshot cache for all 10,000 ids (the hot path's own build-and-store).
5. For each gunicorn configuration (default: 2 sync workers; 2 gthread workers x 4 threads),
   with the viewer fast lane (arcontent/viewer/fastlane.py) as configured and without it (a
   settings module written to the scratch directory takes it out of MIDDLEWARE), and with
   the access log on (LOG_LEVEL=info: one JSON line a request, as in production) and off
   (LOG_LEVEL=warning), starts gunicorn on arvlite.wsgi with DEBUG=false and production
   settings, runs wrk (64 connections, 2 threads, 20 s after a 3 s warm-up on check) on
   manifest, on check and on the /view/<uid> page with a random id among the 10,000 per
   request (bench/viewer_load.lua), then the bare WSGI ceiling (bench/ceiling_app.py, a fixed JSON
   body as long as a real manifest) under the same gunicorn configuration.
   Before each run it waits (up to --quiet-wait seconds) for the machine to be idle, and it
   repeats a run (--retries) when other programs used more than --noise cores meanwhile.
6. Around every measured run it reads PostgreSQL's pg_stat_database for the scratch
   database (transactions and rows written, from another database) and the connections to
   it (pg_stat_activity): a cached scan must run no SQL at all. It compares the view events
   buffered in Redis with the manifest answers (wrk's count, and the access log's 200 lines
   when it is on), and finally sends an exact number of manifest requests from Python and
   checks that exactly as many events were buffered. No Celery runs, so nothing is flushed.
7. Prints a Markdown table: requests/s, p50, p99, errors, ratio to the ceiling, SQL.

Production-like settings, with these bench choices: VIEWER_THROTTLE_PER_MINUTE=1000000000
(the per-IP limit must not trip; the INCR/EXPIRE still runs on every request),
VIEWER_CACHE_SECONDS=3600 (snapshots must not expire during the ~20 minute run; the cached
scan is what is measured), VIEWER_TRUSTED_PROXIES=127.0.0.1 and X-Forwarded-Proto: https on
every request (wrk plays the TLS proxy, so SECURE_SSL_REDIRECT stays on), no GeoIP database.
The access log goes to a file (gunicorn's stderr), gunicorn's own access log is off.

    .venv/bin/python bench/viewer_load.py                     # the full run, ~20 minutes
    .venv/bin/python bench/viewer_load.py --configs sync --lane on --logs on   # one setup
    .venv/bin/python bench/viewer_load.py --keep              # leave database and keys behind
    .venv/bin/python bench/viewer_load.py --reuse --keep ...  # skip the set-up of a kept run
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))

DB = "arvlite_bench_viewer"
REDIS_URL = "redis://127.0.0.1:6379/14"
PREFIX = "arvlite-bench-viewer"
PORT = 18471
COMPANIES = 10
PSQL = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-X", "-q", "-v", "ON_ERROR_STOP=1"]
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
GRANIAN = str(ROOT / ".venv" / "bin" / "granian")
TARGET_P99_MS = 25.0
TARGET_RATIO = 0.25
TARGET_PAGE_RPS = 1_500  # the /view/<uid> page (issue 17; the predecessor served 162)


@dataclass
class Run:
    config: str
    log: str
    endpoint: str
    wrk: dict[str, Any]
    sql_transactions: int | None = None
    rows_written: int | None = None
    db_connections: int | None = None
    events: int | None = None
    access_200: int | None = None
    cpu_us_per_request: float | None = None
    ceiling_config: str = ""
    foreign_cores: float = 0.0
    wrk_cores: float = 0.0
    redis_cores: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.wrk["requests"] / (self.wrk["duration_us"] / 1e6)

    @property
    def errors(self) -> str:
        w = self.wrk
        socket_errors = w["connect"] + w["read"] + w["write"] + w["timeout"]
        return f"{w['unexpected']} / {socket_errors}"


# --- environment ----------------------------------------------------------------------------


def base_env(media_root: str, log_level: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in ORIGINAL_ENV.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "VIEWER_", "LOG_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="arvlite.settings",
        DEBUG="false",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PUBLIC_URL="https://arvlite.example.com",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB}",
        REDIS_URL=REDIS_URL,
        CELERY_BROKER_URL=REDIS_URL,
        CACHE_KEY_PREFIX=PREFIX,
        MEDIA_ROOT=media_root,
        STATIC_ROOT=str(Path(media_root).parent / "static"),
        STORAGE_BACKEND="local",
        VIEWER_THROTTLE_PER_MINUTE="1000000000",
        VIEWER_CACHE_SECONDS="3600",
        VIEWER_TRUSTED_PROXIES="127.0.0.1",
        GEOIP_COUNTRY_DB="",
        LOG_FORMAT="json",
        LOG_LEVEL=log_level,
        SENTRY_DSN="",
    )
    return env


SECRET_KEY = secrets.token_urlsafe(64)
# Written to the run's scratch directory: the application as configured, but without the
# viewer fast lane (arcontent/viewer/fastlane.py), for the before/after comparison.
WITHOUT_LANE_SETTINGS = """from arvlite.settings import *  # noqa: F403
from arvlite.settings import MIDDLEWARE

MIDDLEWARE = [name for name in MIDDLEWARE if name != "arcontent.viewer.fastlane.ViewerFastLaneMiddleware"]
"""
ORIGINAL_ENV = dict(os.environ)


def psql(sql: str, database: str = "postgres") -> str:
    result = subprocess.run([*PSQL, "-d", database, "-Atc", sql], check=True, capture_output=True, text=True)
    return result.stdout.strip()


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: apt-get install -y wrk", flush=True)
    subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, stdout=subprocess.DEVNULL)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk could not be installed")
    return found


# --- data -----------------------------------------------------------------------------------


def create_database() -> None:
    psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    psql(f"CREATE DATABASE {DB}")


def seed(count: int) -> list[str]:
    """`count` published contents with one ready video each; returns their ids."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from arcontent.models import ARContent
    from arvlite.core.tenancy import scopes_disabled
    from companies.models import Company, StoredFile
    from projects.models import Project
    from videos.models import Playback, Video

    now = timezone.now()
    per_company = count // COMPANIES
    with scopes_disabled():
        companies = Company.objects.bulk_create(
            Company(name=f"Bench Studio {n}", slug=f"bench-studio-{n}") for n in range(COMPANIES)
        )
        projects = Project.objects.bulk_create(
            Project(company=company, name=f"Wedding prints {n}") for n, company in enumerate(companies)
        )
        owners = [(companies[i // per_company], projects[i // per_company]) for i in range(count)]

        def files(kind: str, name: str, mime: str) -> list[StoredFile]:
            return StoredFile.objects.bulk_create(
                (
                    StoredFile(
                        company=company,
                        project=project,
                        kind=kind,
                        key=f"{company.pk}/{kind}/{uuid.uuid4().hex}/{name}",
                        size=1024,
                        sha256="0" * 64,
                        mime_type=mime,
                        original_name=name,
                    )
                    for company, project in owners
                ),
                batch_size=2000,
            )

        photos = files("photo", "photo.jpg", "image/jpeg")
        markers = files("marker", "marker.jpg", "image/jpeg")
        thumbnails = files("thumbnail", "thumbnail-large.webp", "image/webp")
        renditions = files("rendition", "video-720.mp4", "video/mp4")
        posters = files("thumbnail", "poster.jpg", "image/jpeg")
        video_thumbnails = files("thumbnail", "thumbnail-medium.webp", "image/webp")
        contents = ARContent.objects.bulk_create(
            (
                ARContent(
                    company=company,
                    project=project,
                    order_number=f"2026-{i % per_company + 1:05d}",
                    customer_name=f"Customer {i}",
                    print_width_cm=Decimal("15"),
                    print_height_cm=Decimal("10"),
                    status=ARContent.Status.ACTIVE,
                    published_at=now,
                    expires_at=now + timedelta(days=365),
                    photo=photos[i],
                    marker=markers[i],
                    thumbnail_large=thumbnails[i],
                    pipeline_status=ARContent.Pipeline.SUCCEEDED,
                    web_target_status=ARContent.WebTarget.UNAVAILABLE,
                    analysis={"score": 82, "level": "good", "metrics": {}, "recommendations": []},
                )
                for i, (company, project) in enumerate(owners)
            ),
            batch_size=2000,
        )
        videos = Video.objects.bulk_create(
            (
                Video(
                    company=content.company,
                    content=content,
                    title="Wedding film",
                    rendition_720=renditions[i],
                    poster=posters[i],
                    thumbnail_medium=video_thumbnails[i],
                    duration_seconds=42,
                    width=1920,
                    height=1080,
                    fps=30,
                    codec="h264",
                    size_bytes=25_000_000,
                    mime_type="video/mp4",
                    status=Video.Status.READY,
                    progress=100,
                )
                for i, content in enumerate(contents)
            ),
            batch_size=2000,
        )
        Playback.objects.bulk_create(
            (
                Playback(company=video.company, content=video.content, mode="manual", active_video=video)
                for video in videos
            ),
            batch_size=2000,
        )
    return [str(content.unique_id) for content in contents]


def warm(ids: list[str], threads: int = 4) -> None:
    """Build and cache every snapshot with the hot path's own code (a miss builds and stores),
    from a few threads: a build is mostly waiting for PostgreSQL."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    from arcontent.viewer import hotpath

    def part(uids: list[str]) -> int:
        try:
            return sum(1 for uid in uids if hotpath.lookup(uid, None).snapshot is not None)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(threads) as pool:
        cached = sum(pool.map(part, [ids[n::threads] for n in range(threads)]))
    if cached != len(ids):
        raise SystemExit(f"only {cached} of {len(ids)} contents have a snapshot")


def redis_client() -> Any:
    import redis

    return redis.Redis.from_url(REDIS_URL)


def delete_bench_keys() -> None:
    client = redis_client()
    for key in client.scan_iter(f"{PREFIX}:*", count=1000):
        client.delete(key)
    client.close()


def events_key() -> str:
    """The servers' event buffer, under the bench's key prefix."""
    from arcontent.viewer.events import EVENTS_KEY

    return f"{PREFIX}:{EVENTS_KEY}"


# --- measurements ---------------------------------------------------------------------------


def db_counters() -> tuple[int, int, int]:
    """(transactions, rows written, open connections) of the scratch database, read from
    another database so that reading them does not count."""
    query = (
        "SELECT xact_commit + xact_rollback, tup_inserted + tup_updated + tup_deleted, "
        "(SELECT count(*) FROM pg_stat_activity WHERE datname = '{db}') "
        "FROM pg_stat_database WHERE datname = '{db}'"
    )
    row = psql(query.format(db=DB))
    transactions, rows, connections = (int(part) for part in row.split("|"))
    return transactions, rows, connections


def busy_cpu_seconds() -> float:
    """CPU time the whole machine was not idle (all cores, /proc/stat; steal included)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle, iowait = fields[3], fields[4]
    return (sum(fields[:8]) - idle - iowait) / os.sysconf("SC_CLK_TCK")


def redis_cpu_seconds() -> float:
    info = redis_client().info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def wrk_cpu_seconds() -> float:
    """CPU time of finished children of this process (wrk, once it has been waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wait_for_quiet(limit: float, threshold: float = 0.25) -> float:
    """Wait (at most `limit` seconds) until the machine is nearly idle: other programs on a
    shared machine would skew the numbers. Returns the busy cores of the last sample."""
    deadline = time.monotonic() + limit
    while True:
        before = busy_cpu_seconds()
        time.sleep(2)
        cores = (busy_cpu_seconds() - before) / 2
        if cores <= threshold or time.monotonic() >= deadline:
            return cores
        print(f"  machine busy ({cores:.2f} cores in use), waiting", flush=True)
        time.sleep(5)


def children_cpu_seconds(master: int) -> float:
    """User + system CPU time of gunicorn's workers (and the master)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry.name), int(fields[1])
        if pid == master or ppid == master:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


class Server:
    """One server configuration, its stderr in a file: gunicorn "sync" or "gthread:N", or
    "granian:N" (granian's WSGI interface, HTTP/1.1 keep-alive, N blocking threads)."""

    def __init__(self, app: str, config: str, env: dict[str, str], log_path: Path, work: Path) -> None:
        kind, _, threads = config.partition(":")
        if kind == "granian":
            command = [GRANIAN, "--interface", "wsgi", "--workers", "2", "--blocking-threads", threads or "1",
                       "--host", "127.0.0.1", "--port", str(PORT), "--backlog", "2048", "--http", "1",
                       "--no-ws", "--log-level", "warning", app]  # fmt: skip
            env = {**env, "PYTHONPATH": f"{BENCH}:{work}:{ROOT}"}
        else:
            # --config /dev/null: not the project's gunicorn.conf.py, which gunicorn would read from
            # the working directory (its worker recycling every ~2,000 requests is for the
            # portal's pool; at 1,000+ scans/s it restarts a worker every few seconds).
            command = [GUNICORN, app, "--config", "/dev/null", "--workers", "2", "--worker-class", kind,
                       "--bind", f"127.0.0.1:{PORT}"]  # fmt: skip
            command += ["--backlog", "2048", "--log-level", "warning", "--pythonpath", f"{BENCH},{work}"]
        if kind == "gthread":
            command += ["--threads", threads or "4", "--keep-alive", "5"]
        self.log_path = log_path
        self.log = log_path.open("ab")
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=self.log)
        self._wait_ready()

    def rss_mib(self) -> float:
        """Resident memory of the server's processes (the master and its workers)."""
        total_kib = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(entry.name) != self.process.pid and int(stat[1]) != self.process.pid:
                    continue
                status = (entry / "status").read_text()
            except OSError:
                continue
            total_kib += next(
                int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")
            )
        return total_kib / 1024

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited: see {self.log_path}")
            try:
                with socket.create_connection(("127.0.0.1", PORT), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not start")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def fetch(uid: str, endpoint: str) -> tuple[int, bytes]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORT}/api/viewer/ar/{uid}/{endpoint}",
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7", "User-Agent": "bench"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wrk(binary: str, ids_file: Path, endpoint: str, seconds: int, connections: int) -> dict[str, Any]:
    command = [binary, "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "2s"]
    command += [
        "-s",
        str(BENCH / "viewer_load.lua"),
        f"http://127.0.0.1:{PORT}",
        "--",
        str(ids_file),
        endpoint,
    ]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    for line in output.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line.removeprefix("BENCH_JSON "))
    raise SystemExit(f"no result from wrk:\n{output}")


def measure(
    server: Server,
    binary: str,
    ids_file: Path,
    endpoint: str,
    args: argparse.Namespace,
    config: str,
    log: str,
) -> Run:
    """One measured run, repeated (up to --retries times) when other programs used more than
    --noise cores meanwhile; the quietest attempt is kept."""
    attempts = []
    for _attempt in range(1 + args.retries):
        run = measure_once(server, binary, ids_file, endpoint, args, config, log)
        attempts.append(run)
        if run.foreign_cores <= args.noise:
            break
        print(f"  {run.foreign_cores:.2f} cores used by other programs during the run: again", flush=True)
    best = min(attempts, key=lambda attempt: attempt.foreign_cores)
    if len(attempts) > 1:
        best.notes.append(f"quietest of {len(attempts)} attempts")
    return best


def measure_once(
    server: Server,
    binary: str,
    ids_file: Path,
    endpoint: str,
    args: argparse.Namespace,
    config: str,
    log: str,
) -> Run:
    idle_before = wait_for_quiet(args.quiet_wait)
    wrk(binary, ids_file, "check" if endpoint != "ceiling" else "ceiling", args.warmup, args.connections)
    time.sleep(0.5)
    client = redis_client()
    events_before = client.llen(events_key())
    offset = server.log_path.stat().st_size
    db_before = db_counters()
    cpu_before = children_cpu_seconds(server.process.pid)
    others_before = (busy_cpu_seconds(), redis_cpu_seconds(), wrk_cpu_seconds())
    result = wrk(binary, ids_file, endpoint, args.duration, args.connections)
    cpu_after = children_cpu_seconds(server.process.pid)
    others_after = (busy_cpu_seconds(), redis_cpu_seconds(), wrk_cpu_seconds())
    time.sleep(1.5)  # requests still in flight when wrk stopped; statistics flushes
    db_after = db_counters()
    if db_after[2]:
        time.sleep(11)  # a backend reports its statistics within PGSTAT_IDLE_INTERVAL (10 s)
        db_after = db_counters()
    run = Run(config=config, log=log, endpoint=endpoint, wrk=result)
    run.cpu_us_per_request = (cpu_after - cpu_before) * 1e6 / max(1, result["requests"])
    busy, redis_cpu, wrk_cpu = (
        after - before for after, before in zip(others_after, others_before, strict=True)
    )
    seconds = result["duration_us"] / 1e6
    run.foreign_cores = max(0.0, busy - redis_cpu - wrk_cpu - (cpu_after - cpu_before)) / seconds
    run.wrk_cores = wrk_cpu / seconds
    run.redis_cores = redis_cpu / seconds
    if idle_before > 0.25:
        run.notes.append(f"the machine was busy before the run ({idle_before:.2f} cores)")
    if endpoint != "ceiling":
        run.sql_transactions = db_after[0] - db_before[0]
        run.rows_written = db_after[1] - db_before[1]
        run.db_connections = db_after[2]
        run.events = client.llen(events_key()) - events_before
        if log == "on":
            with server.log_path.open("rb") as stream:
                stream.seek(offset)
                run.access_200 = sum(
                    1
                    for line in stream
                    if b'"event": "request"' in line
                    and f"/{endpoint}".encode() in line
                    and b'"status": 200' in line
                )
        if endpoint == "manifest":
            client.delete(events_key())  # keep Redis small between runs
    client.close()
    if result["unexpected"]:
        run.notes.append(f"first unexpected answer: {result['sample']}")
    return run


def exact_count_check(ids: list[str], requests: int) -> tuple[int, int, int]:
    """`requests` manifest requests from 16 threads: (answered 200, other, events buffered)."""
    client = redis_client()
    before = client.llen(events_key())
    lock = threading.Lock()
    counts = {"ok": 0, "other": 0}

    def worker(part: list[str]) -> None:
        for uid in part:
            status, _body = fetch(uid, "manifest")
            with lock:
                counts["ok" if status == 200 else "other"] += 1

    picks = [ids[(i * 7919) % len(ids)] for i in range(requests)]
    workers = [threading.Thread(target=worker, args=(picks[n::16],)) for n in range(16)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    events = client.llen(events_key()) - before
    client.close()
    return counts["ok"], counts["other"], events


# --- report ---------------------------------------------------------------------------------


def ms(microseconds: float) -> str:
    return f"{microseconds / 1000:.1f}"


def table(runs: list[Run]) -> str:
    ceilings = {run.config: run.rps for run in runs if run.endpoint == "ceiling"}
    lines = [
        "| gunicorn (2 workers), lane | access log | endpoint | req/s | p50 ms | p99 ms | p99.9 ms | errors (unexpected / socket) "
        "| of ceiling | SQL xacts | rows written | DB conns | events buffered | server CPU µs/req "
        "| wrk / Redis / other cores |",
        "|---|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in runs:
        ceiling = ceilings.get(run.ceiling_config)
        ratio = f"{run.rps / ceiling:.1%}" if ceiling else "-"
        events = "-" if run.events is None else str(run.events)
        if run.access_200 is not None:
            events += f" (log: {run.access_200})"

        def optional(value: int | None) -> str:
            return "-" if value is None else str(value)

        lines.append(
            f"| {run.config} | {run.log} | {run.endpoint} | {run.rps:,.0f} | {ms(run.wrk['p50_us'])} "
            f"| {ms(run.wrk['p99_us'])} | {ms(run.wrk['p999_us'])} | {run.errors} | {ratio} "
            f"| {optional(run.sql_transactions)} | {optional(run.rows_written)} "
            f"| {optional(run.db_connections)} | {events} | {run.cpu_us_per_request:,.0f} "
            f"| {run.wrk_cores:.2f} / {run.redis_cores:.2f} / {run.foreign_cores:.2f} |"
        )
    return "\n".join(lines)


def verdicts(runs: list[Run]) -> list[str]:
    ceilings = {run.config: run.rps for run in runs if run.endpoint == "ceiling"}
    out = []
    for run in runs:
        if run.endpoint == "ceiling":
            continue
        ratio = run.rps / ceilings.get(run.ceiling_config, float("inf"))
        failures = []
        # The API's latency and ceiling targets; the page has a throughput target only.
        if run.endpoint != "page" and run.wrk["p99_us"] / 1000 >= TARGET_P99_MS:
            failures.append(f"p99 {ms(run.wrk['p99_us'])} ms >= {TARGET_P99_MS:.0f}")
        if run.endpoint != "page" and ratio < TARGET_RATIO:
            failures.append(f"{ratio:.1%} of ceiling < {TARGET_RATIO:.0%}")
        if (
            run.wrk["unexpected"]
            or run.wrk["connect"] + run.wrk["read"] + run.wrk["write"] + run.wrk["timeout"]
        ):
            failures.append("errors")
        if run.sql_transactions or run.rows_written or run.db_connections:
            failures.append("SQL during the run")
        if run.endpoint == "manifest":
            answered = run.wrk["requests"]
            if run.access_200 is not None and run.events != run.access_200:
                failures.append(f"events {run.events} != access-log 200s {run.access_200}")
            if run.events is None or not answered <= run.events <= answered + 2 * 64:
                failures.append(f"events {run.events} vs wrk answers {answered}")
        if run.endpoint in ("check", "page") and run.events:
            failures.append(f"{run.endpoint} buffered {run.events} events")
        if run.endpoint == "page" and run.rps < TARGET_PAGE_RPS:
            failures.append(f"{run.rps:,.0f} pages/s < {TARGET_PAGE_RPS:,}")
        verdict = "meets every target" if not failures else "; ".join(failures)
        out.append(f"- {run.config}, access log {run.log}, {run.endpoint}: {verdict}")
        out.extend(f"  - {note}" for note in run.notes)
    return out


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    versions = []
    for command in (["wrk", "-v"], [GUNICORN, "--version"]):
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        versions.append((result.stdout or result.stderr).splitlines()[0].strip())
    pg = psql("SHOW server_version")
    redis_version = redis_client().info("server")["redis_version"]
    return (
        f"{os.cpu_count()} cores ({model}), {memory} GiB RAM, Python {sys.version.split()[0]}, "
        f"PostgreSQL {pg}, Redis {redis_version}, {versions[1]}, {versions[0]}; wrk, gunicorn, "
        "PostgreSQL and Redis all on this machine"
    )


# --- main -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--contents", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=20, help="seconds of each measured wrk run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of wrk on check before each run")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument(
        "--configs", default="sync,gthread:4", help="comma-separated: sync, gthread:N, granian:N"
    )
    parser.add_argument("--logs", default="on,off", help="access log on (LOG_LEVEL=info) and/or off")
    parser.add_argument("--exact", type=int, default=2000, help="manifest requests of the exact count check")
    parser.add_argument("--quiet-wait", type=float, default=180, help="seconds to wait for an idle machine")
    parser.add_argument("--retries", type=int, default=2, help="repeats of a run disturbed by other programs")
    parser.add_argument("--noise", type=float, default=0.3, help="cores other programs may use during a run")
    parser.add_argument(
        "--lane", default="on,off", help="the viewer fast lane in MIDDLEWARE (on) and/or taken out (off)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database and Redis keys")
    parser.add_argument("--reuse", action="store_true", help="use the kept database of an earlier --keep run")
    args = parser.parse_args()

    binary = ensure_wrk()
    work = Path(tempfile.mkdtemp(prefix="arvlite-bench-viewer-"))
    media = work / "media"
    media.mkdir()
    os.environ.clear()
    os.environ.update(base_env(str(media), "warning"))  # the bench process: like the servers
    (work / "bench_settings_without_lane.py").write_text(WITHOUT_LANE_SETTINGS)
    exists = "SELECT count(*) FROM pg_database WHERE datname = '{db}'"
    reuse = args.reuse and psql(exists.format(db=DB)) == "1"
    if not reuse:
        delete_bench_keys()
        create_database()
    runs: list[Run] = []
    memory: list[tuple[str, float, float, float, int]] = []  # label, start-up s, RSS MiB before/after, scans
    exact: tuple[int, int, int] | None = None
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        # The /view page names its scripts through the manifest static storage (DEBUG off).
        call_command("collectstatic", interactive=False, verbosity=0)
        print(f"migrated and static files collected in {time.perf_counter() - started:.0f} s", flush=True)
        started = time.perf_counter()
        if reuse:
            ids = psql("SELECT unique_id FROM arcontent_arcontent ORDER BY id", DB).split()
            print(f"reusing {len(ids):,} contents of database {DB}", flush=True)
        else:
            ids = seed(args.contents)
            print(
                f"{len(ids):,} published contents created in {time.perf_counter() - started:.0f} s",
                flush=True,
            )
        connections.close_all()
        psql("VACUUM ANALYZE", DB)  # so that autovacuum has nothing to do during the runs
        started = time.perf_counter()
        warm(ids)
        connections.close_all()
        print(f"{len(ids):,} snapshots cached in {time.perf_counter() - started:.0f} s", flush=True)
        ids_file = work / "ids.txt"
        ids_file.write_text("\n".join(ids) + "\n")

        manifest_bytes = 0
        for config in args.configs.split(","):
            for lane, log in itertools.product(args.lane.split(","), args.logs.split(",")):
                env = base_env(str(media), "info" if log == "on" else "warning")
                if lane == "off":
                    env["DJANGO_SETTINGS_MODULE"] = "bench_settings_without_lane"
                label = f"{config}, lane {lane}"
                log_path = work / f"gunicorn-{config.replace(':', '-')}-lane-{lane}-log-{log}.log"
                started = time.perf_counter()
                server = Server("arvlite.wsgi:application", config, env, log_path, work)
                try:
                    status, body = fetch(ids[0], "manifest")
                    if status != 200:
                        raise SystemExit(f"manifest answered {status}: {body[:300]!r}")
                    startup = time.perf_counter() - started  # start of the command → first manifest
                    rss_at_start = server.rss_mib()
                    manifest_bytes = len(body)
                    served = 0
                    for endpoint in ("manifest", "check", "page"):
                        run = measure(server, binary, ids_file, endpoint, args, label, log)
                        run.ceiling_config = config
                        runs.append(run)
                        served += run.wrk["requests"]
                        print(f"{label}, log {log}, {endpoint}: {run.rps:,.0f} req/s", flush=True)
                    if exact is None and args.exact:
                        exact = exact_count_check(ids, args.exact)
                    memory.append((f"{label}, log {log}", startup, rss_at_start, server.rss_mib(), served))
                finally:
                    server.stop()
            ceiling_env = {**base_env(str(media), "warning"), "BENCH_CEILING_BYTES": str(manifest_bytes)}
            log_path = work / f"gunicorn-{config.replace(':', '-')}-ceiling.log"
            server = Server("ceiling_app:application", config, ceiling_env, log_path, work)
            try:
                run = measure(server, binary, ids_file, "ceiling", args, config, "-")
                run.ceiling_config = config
                runs.append(run)
                print(f"{config} ceiling: {run.rps:,.0f} req/s", flush=True)
            finally:
                server.stop()

        print()
        print(f"Machine: {machine()}.")
        print(
            f"{len(ids):,} published contents, random id per request, wrk -t2 -c{args.connections} "
            f"-d{args.duration}s after a {args.warmup} s warm-up; manifest body {manifest_bytes} bytes "
            "(the ceiling's body has the same size)."
        )
        print()
        print(table(runs))
        print()
        print("| server | start → first manifest | RSS after start | RSS after the runs | scans measured |")
        print("|---|---:|---:|---:|---:|")
        for label, startup, before, after, served in memory:
            print(f"| {label} | {startup:.1f} s | {before:.0f} MiB | {after:.0f} MiB | {served:,} |")
        print()
        print("Errors: answers other than the expected 200 / socket errors (connect, read, write, timeout).")
        print(
            "SQL xacts, rows written, DB conns: pg_stat_database / pg_stat_activity of the scratch database."
        )
        print(
            "Events buffered: growth of the Redis view-event list during the run (log: access-log 200 lines)."
        )
        print(
            "Server CPU: user + system time of gunicorn's processes per request. wrk / Redis / other: "
            "cores used during the run by the load generator, by Redis and by everything else "
            "(kernel network work not charged to a process, and any other program on the machine)."
        )
        print()
        for line in verdicts(runs):
            print(line)
        if exact is not None:
            ok, other, events = exact
            state = "no view lost or doubled" if ok == events and not other else "MISMATCH"
            print(
                f"- exact count: {ok} manifest answers 200 ({other} other), {events} events buffered: {state}"
            )
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            delete_bench_keys()
            psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept: database {DB}, Redis keys {PREFIX}:* in {REDIS_URL}, files in {work}")


if __name__ == "__main__":
    main()
