#!/usr/bin/env python
"""Soak: ten minutes of mixed traffic against the production processes, watching errors,
memory and connections.

What it runs, on a scratch database `arvlite_bench_soak` (dropped at the end unless --keep)
and its own Redis database (13, keys under the prefix `arvlite-bench-soak`):

- gunicorn, 2 gthread workers x 4 threads, on arvlite.wsgi with DEBUG off and production
  settings, WITHOUT the project's worker recycling (gunicorn.conf.py's max_requests would
  hide a leak: the soak wants to see one);
- a Celery worker (queues default and media, concurrency 2) and one beat, so the periodic
  jobs run for real while the traffic flows: the viewer's buffered scan events are flushed
  to PostgreSQL every few seconds, the analytics roll-ups run, the reapers run;
- the data: 2,000 published contents with a ready video each (the viewer bench's seed) in
  one company, and 2,000 orders in the owner's shop (the orders bench's seed).

Four wrk streams run at once for --minutes (default 10) after --warmup seconds:

| stream | connections | paths |
|---|---:|---|
| manifest | 8 | the manifest of a random content (each one a scan to count) |
| viewer | 8 | the check of a random content, the /view/<uid> page |
| portal | 4 | dashboard, content list (pages 1-5), analytics, orders (pages 1-5), invoices, price list, a content's page (signed-in owner's session cookie) |
| api | 4 | content, project, order and invoice lists, the company and its analytics (owner's JWT) |
| api-detail | 2 | a random content's detail, its videos and its analytics (owner's JWT) |

Every --sample seconds it records the resident memory of each gunicorn worker and of the
Celery worker's processes and beat, the connections to the scratch database
(pg_stat_activity) and the Redis clients on the soak's database (CLIENT LIST). At the end
it prints, and checks against the stated bounds:

- every manifest answered became a scan in PostgreSQL, written by the Celery worker (the
  count of view sessions once the buffer is empty: at least wrk's count of answers, at most
  that plus the manifest connections, whose last answers wrk may not have counted);
- 0 unexpected answers (anything but 200) and 0 socket errors on every stream;
- memory growth of each process from the end of the warm-up to the end below
  --max-growth-mib (default 40 MiB);
- connection counts flat: the highest count after the warm-up is no higher than the
  highest count during it plus --connection-slack (default 2: a beat tick may open one).

    .venv/bin/python bench/soak.py                  # 10 minutes + about 3 minutes set-up
    .venv/bin/python bench/soak.py --minutes 1      # a short trial

Needs PostgreSQL and Redis on 127.0.0.1 and wrk (installed with apt when missing). Figures
go in docs/PERFORMANCE.md ("Soak"). Exit status 1 when a bound is broken.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orders_list as ol
import viewer_load as vl

DB = "arvlite_bench_soak"
REDIS_DB = 13
SOAK_LUA = Path(__file__).resolve().parent / "soak.lua"
CELERY = str(Path(sys.executable).parent / "celery")
STREAMS = {"manifest": 8, "viewer": 8, "portal": 4, "api": 4, "api-detail": 2}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def rss_mib(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    return next(
        (int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmRSS:")), 0.0
    )


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent == pid:
                found.append(int(entry.name))
    return sorted(found)


@dataclass
class Sample:
    at: float
    memory: dict[str, float]
    db_connections: int
    redis_clients: int
    load: float = field(default_factory=lambda: os.getloadavg()[0])


@dataclass
class Watch:
    """The processes to watch, by role."""

    processes: dict[str, int] = field(default_factory=dict)

    def add_tree(self, name: str, master: int) -> None:
        self.processes[f"{name} master"] = master
        for n, pid in enumerate(children(master), 1):
            self.processes[f"{name} child {n}"] = pid

    def sample(self, started: float) -> Sample:
        memory = {name: rss_mib(pid) for name, pid in self.processes.items()}
        db_connections = int(vl.psql(f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{DB}'"))  # noqa: S608 - a constant
        client = vl.redis_client()
        try:
            redis_clients = sum(1 for entry in client.client_list() if str(entry.get("db")) == str(REDIS_DB))
        finally:
            client.close()
        return Sample(time.monotonic() - started, memory, db_connections, redis_clients)


def prepare(args: argparse.Namespace, work: Path) -> tuple[dict[str, str], dict[str, Path], str, str]:
    """The database, its data, the wrk path files; returns the environment, the path files,
    the owner's session cookie and password."""
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from arvlite.core.roles import Role
    from arvlite.core.tenancy import scopes_disabled
    from companies.models import Company, Membership

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG off serves the manifest's names
    started = time.perf_counter()
    ids = vl.seed(args.contents)
    shop, owner, products = ol.make_company()
    ol.add_orders(shop, products, 0, args.orders)
    password = "soak-" + vl.SECRET_KEY[:20]
    with scopes_disabled():
        owner.set_password(password)
        owner.save(update_fields=["password"])
        content_company = Company.objects.get(slug="bench-studio-0")
        Membership.objects.create(company=content_company, user=owner, role=Role.OWNER)
    vl.psql("VACUUM ANALYZE", DB)
    vl.warm(ids)
    print(
        f"{len(ids):,} contents and {args.orders:,} orders in {time.perf_counter() - started:.0f} s",
        flush=True,
    )

    client = Client()
    client.force_login(owner)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    rng = random.Random(18)  # noqa: S311 - the same paths on every run, no secret
    sample = rng.sample(ids, 200)
    c, s = content_company.slug, shop.slug
    paths = {
        "manifest": [f"/api/viewer/ar/{uid}/manifest" for uid in sample],
        "viewer": [f"/api/viewer/ar/{uid}/check" for uid in sample] + [f"/view/{uid}" for uid in sample[:50]],
        "portal": [f"/c/{c}/", f"/c/{c}/analytics/", f"/c/{s}/invoices/", f"/c/{s}/price-list/"]
        + [f"/c/{c}/content/?page={n}" for n in range(1, 6)]
        + [f"/c/{s}/orders/?page={n}" for n in range(1, 6)]
        + [f"/c/{c}/content/{uid}/" for uid in sample[:20]],
        "api": [
            f"/api/v1/companies/{c}/",
            f"/api/v1/companies/{c}/ar-content/",
            f"/api/v1/companies/{c}/projects/",
            f"/api/v1/companies/{c}/analytics/",
            f"/api/v1/companies/{s}/orders/",
            f"/api/v1/companies/{s}/orders/?status=paid",
            f"/api/v1/companies/{s}/invoices/",
            "/api/v1/auth/me/",
        ],
        "api-detail": [
            f"/api/v1/companies/{c}/ar-content/{uid}/{what}"
            for uid in sample[:50]
            for what in ("", "videos/", "analytics/")
        ],
    }
    files = {}
    for name, lines in paths.items():
        files[name] = work / f"{name}.paths"
        files[name].write_text("\n".join(lines) + "\n")
    from django.db import connections

    connections.close_all()
    return vl.base_env(str(work / "media"), "warning"), files, cookie, password


def start_celery(env: dict[str, str], work: Path) -> tuple[subprocess.Popen[bytes], subprocess.Popen[bytes]]:
    log = (work / "celery.log").open("ab")
    worker = subprocess.Popen(
        [CELERY, "-A", "arvlite", "worker", "-Q", "default,media", "-c", "2", "--loglevel", "WARNING",
         "--without-gossip", "--without-mingle", "-n", f"soak-{os.getpid()}@%h"],
        cwd=vl.ROOT, env=env, stdout=log, stderr=log,
    )  # fmt: skip
    beat = subprocess.Popen(
        [CELERY, "-A", "arvlite", "beat", "--loglevel", "WARNING", "-s", str(work / "beat-schedule")],
        cwd=vl.ROOT, env=env, stdout=log, stderr=log,
    )  # fmt: skip
    return worker, beat


def run_streams(
    binary: str, files: dict[str, Path], headers: dict[str, str], seconds: int
) -> dict[str, subprocess.Popen[str]]:
    running = {}
    for name, connections in STREAMS.items():
        command = [binary, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(SOAK_LUA),
                   f"http://127.0.0.1:{vl.PORT}", "--", str(files[name]), headers[name]]  # fmt: skip
        running[name] = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    return running


def collect(running: dict[str, subprocess.Popen[str]]) -> dict[str, dict[str, Any]]:
    results = {}
    for name, process in running.items():
        out, _ = process.communicate()
        line = next((x for x in out.splitlines() if x.startswith("SOAK_JSON ")), None)
        if line is None:
            raise SystemExit(f"wrk ({name}) printed no result:\n{out}")
        results[name] = json.loads(line.removeprefix("SOAK_JSON "))
    return results


def report(
    args: argparse.Namespace, results: dict[str, dict[str, Any]], samples: list[Sample], split: int
) -> bool:
    ok = True
    print(
        "\n| stream | connections | requests | req/s | p50 ms | p99 ms | max ms | unexpected | socket errors |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        errors = r["connect"] + r["read"] + r["write"] + r["timeout"]
        ok &= r["unexpected"] == 0 and errors == 0
        rate = r["requests"] / (r["duration_us"] / 1e6)
        print(f"| {name} | {STREAMS[name]} | {r['requests']:,} | {rate:,.0f} | {r['p50_us'] / 1000:.1f} "
              f"| {r['p99_us'] / 1000:.1f} | {r['max_us'] / 1000:.0f} | {r['unexpected']} | {errors} |")  # fmt: skip
        if r["sample"]:
            print(f"  first unexpected answer of {name}: {r['sample']}")
    warm_end, last = samples[split], samples[-1]
    print(
        f"\n| process | RSS after warm-up MiB | RSS at the end MiB | growth MiB | bound {args.max_growth_mib} |"
    )
    print("|---|---:|---:|---:|---|")
    for name, start in warm_end.memory.items():
        end = last.memory.get(name, 0.0)
        growth = end - start
        within = end > 0 and growth <= args.max_growth_mib
        ok &= within
        print(f"| {name} | {start:.1f} | {end:.1f} | {growth:+.1f} | {'ok' if within else 'BROKEN'} |")
    for label, attribute in (
        ("PostgreSQL connections", "db_connections"),
        ("Redis clients", "redis_clients"),
    ):
        during_warmup = max(getattr(s, attribute) for s in samples[: split + 1])
        after = [getattr(s, attribute) for s in samples[split:]]
        flat = max(after) <= during_warmup + args.connection_slack
        ok &= flat
        print(f"\n{label}: up to {during_warmup} during the warm-up; after it {min(after)}..{max(after)} "
              f"(samples: {' '.join(str(n) for n in after)}) -> {'flat' if flat else 'GROWING'}")  # fmt: skip
    loads = [s.load for s in samples]
    print(f"\nMachine load (1-minute average, {os.cpu_count()} cores): {min(loads):.1f}..{max(loads):.1f}")
    return ok


def scans_counted(answered: int) -> bool:
    """Waits (up to 2 minutes) for beat's flush to empty the scan buffer, then compares."""
    from arcontent.models import ViewSession
    from arvlite.core.tenancy import scopes_disabled

    client = vl.redis_client()
    deadline = time.monotonic() + 120
    while client.llen(vl.events_key()) and time.monotonic() < deadline:
        time.sleep(2)
    buffered = client.llen(vl.events_key())
    client.close()
    with scopes_disabled():
        written = ViewSession.objects.count()
    counted = buffered == 0 and answered <= written <= answered + STREAMS["manifest"]
    print(f"\nScans: {answered:,} manifests answered, {written:,} view sessions written by the worker, "
          f"{buffered} left in the buffer -> {'counted' if counted else 'LOST OR STUCK'}")  # fmt: skip
    return counted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--warmup", type=int, default=60, help="seconds of traffic before the baseline")
    parser.add_argument("--sample", type=int, default=15, help="seconds between two samples")
    parser.add_argument("--contents", type=int, default=2_000)
    parser.add_argument("--orders", type=int, default=2_000)
    parser.add_argument("--max-growth-mib", type=float, default=40)
    parser.add_argument("--connection-slack", type=int, default=2)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    vl.DB, vl.COMPANIES = DB, 1
    ol.DB = DB
    vl.REDIS_URL, vl.PREFIX, vl.PORT = f"redis://127.0.0.1:6379/{REDIS_DB}", "arvlite-bench-soak", free_port()
    vl.create_database()
    vl.delete_bench_keys()
    binary = vl.ensure_wrk()
    work = Path(tempfile.mkdtemp(prefix="arvlite-bench-soak-"))
    (work / "media").mkdir()
    os.environ.update(
        {k: v for k, v in vl.base_env(str(work / "media"), "warning").items() if k != "PATH"},
        THROTTLE_USER="100000000/minute",
    )
    server = worker = beat = None
    try:
        import django

        django.setup()
        env, files, cookie, password = prepare(args, work)
        env.update(THROTTLE_USER="100000000/minute", DATABASE_CONN_MAX_AGE="60",
                   ALLOWED_HOSTS="127.0.0.1,localhost,testserver")  # fmt: skip
        server = vl.Server("arvlite.wsgi:application", "gthread:4", env, work / "gunicorn.log", work)
        worker, beat = start_celery(env, work)
        import management_api as ma

        ma.vl.PORT = vl.PORT
        token = ma.token_for("owner@bench.example.com", password)
        headers = {
            "manifest": "-",
            "viewer": "-",
            "portal": f"Cookie: {cookie}",
            "api": f"Authorization: Bearer {token}",
        }
        headers["api-detail"] = headers["api"]
        time.sleep(5)  # the Celery worker forks its pool
        watch = Watch()
        watch.add_tree("gunicorn", server.process.pid)
        watch.add_tree("celery worker", worker.pid)
        watch.processes["celery beat"] = beat.pid
        seconds = int(args.warmup + args.minutes * 60)
        print(f"{seconds} s of traffic on {vl.PORT}; watching {', '.join(watch.processes)}", flush=True)
        started = time.monotonic()
        running = run_streams(binary, files, headers, seconds)
        samples, split = [], 0
        while any(p.poll() is None for p in running.values()):
            samples.append(watch.sample(started))
            if samples[-1].at <= args.warmup:
                split = len(samples) - 1
            print(f"  {samples[-1].at:5.0f} s  db {samples[-1].db_connections}  redis {samples[-1].redis_clients}  "
                  + "  ".join(f"{n}: {m:.0f}" for n, m in samples[-1].memory.items()), flush=True)  # fmt: skip
            time.sleep(args.sample)
        results = collect(running)
        samples.append(watch.sample(started))
        ok = report(args, results, samples, split)
        ok &= scans_counted(results["manifest"]["requests"])
        for name in ("worker", "beat"):
            process = {"worker": worker, "beat": beat}[name]
            if process.poll() is not None:
                print(f"celery {name} exited during the soak (see {work / 'celery.log'})")
                ok = False
        print(f"\nlogs in {work}" if args.keep else "")
        print("ALL BOUNDS HELD" if ok else "A BOUND WAS BROKEN")
        return 0 if ok else 1
    finally:
        for process in (worker, beat):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        if server is not None:
            server.stop()
        vl.delete_bench_keys()
        if not args.keep:
            from django.db import connections

            connections.close_all()
            vl.psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
