#!/usr/bin/env python
"""A notification to 1,000 recipients through the outbox, and the live push latency.

1. A scratch PostgreSQL database `arvlite_bench_notify` (created, migrated, dropped at
   the end), Redis on 127.0.0.1:6379 under its own key prefix, an aiosmtpd SMTP sink on a
   free loopback port (``EMAIL_URL=smtp://…``).
2. One company with RECIPIENTS members (editors) and one expiring content each; one
   ``notify("content.expiring", …)`` — the company-wide expiry notice — writes every
   member's notification and e-mail delivery in one transaction: timed, SQL counted.
3. The outbox drained by one worker's loop (``outbox.deliver`` per delivery in one
   process, as one Celery worker with concurrency 1 runs ``send_delivery``, without the
   broker): timed; the sink must hold every message, each delivery ``sent``.
4. Live push: the site's ASGI app on uvicorn (a child process), a WebSocket client signed
   in by session cookie; LATENCY_ROUNDS times a notification is committed and the time
   until its message arrives on the socket is taken (commit → channels-redis → consumer →
   socket); p50 / p95 / max.

    .venv/bin/python bench/notifications.py [--recipients 1000] [--rounds 50]

About a minute on 2 cores. Exits with 1 when a check fails. Results go in docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from queue import Queue

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB = "arvlite_bench_notify"
PSQL = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc"]


def psql(sql: str) -> None:
    subprocess.run([*PSQL, sql, "-d", "postgres"], check=True)


def environment(workdir: Path, smtp_port: int) -> dict[str, str]:
    skip = ("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "LOG_", "EMAIL_", "DEBUG", "CACHE_")
    env = {key: value for key, value in os.environ.items() if not key.startswith(skip)}
    env.update(
        DJANGO_SETTINGS_MODULE="arvlite.settings", DEBUG="true", SECRET_KEY="bench-only-" + secrets.token_urlsafe(48),
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB}", REDIS_URL="redis://127.0.0.1:6379/0",
        CACHE_KEY_PREFIX=f"bench-notify-{secrets.token_hex(4)}", CELERY_TASK_ALWAYS_EAGER="false",
        CELERY_BROKER_URL="memory://localhost/", EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}", LOG_LEVEL="warning",
        DATA_DIR=str(workdir / "data"), MEDIA_ROOT=str(workdir / "media"), ALLOWED_HOSTS="127.0.0.1,localhost",
        PUBLIC_URL="http://127.0.0.1:8000", PYTHONUNBUFFERED="1",
    )  # fmt: skip
    return env


def make_company(recipients: int) -> tuple[object, list[dict[str, str]]]:
    from arvlite.core.roles import Role
    from companies.models import Company, Membership, User

    company = Company.objects.create(name="Bench Studio", slug="bench-studio")
    users = User.objects.bulk_create(
        [User(email=f"member{n}@bench.example", full_name=f"Member {n}") for n in range(recipients)]
    )
    Membership.objects.bulk_create([Membership(company=company, user=u, role=Role.EDITOR) for u in users])
    contents = [
        {"name": f"ARV-2026-{n:06d} · Customer {n}", "expires": "2026-12-10"} for n in range(recipients)
    ]
    return company, contents


def write_and_drain(recipients: int, smtp: object, result: dict[str, object]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from arvlite.core.tenancy import company_scope, scopes_disabled
    from notifications import outbox
    from notifications.models import Delivery
    from notifications.services import notify

    company, contents = make_company(recipients)
    from django.urls import reverse

    reverse("healthz")  # a running process has imported its URLconf (2 s, once) before any notice
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries, company_scope(company):
        notes = notify("content.expiring", company=company, subject_object=company,
                       context={"contents": contents[:20], "days": 7})  # fmt: skip
    result["write_seconds"] = round(time.perf_counter() - started, 3)
    result["write_queries"] = len(queries)
    with scopes_disabled():
        queued = list(Delivery.objects.filter(status="queued").order_by("pk").values_list("pk", flat=True))
    result["notifications"], result["deliveries"] = len(notes), len(queued)
    started = time.perf_counter()
    for pk in queued:
        outbox.deliver(pk)
    drained = time.perf_counter() - started
    result["drain_seconds"] = round(drained, 2)
    result["drain_per_second"] = round(len(queued) / drained, 1)
    with scopes_disabled():
        result["sent"] = Delivery.objects.filter(status="sent").count()
    deadline = time.monotonic() + 10
    while len(smtp.sink.received) < len(queued) and time.monotonic() < deadline:  # type: ignore[attr-defined]
        time.sleep(0.05)
    result["smtp_received"] = len(smtp.sink.received)  # type: ignore[attr-defined]


def live_latency(env: dict[str, str], rounds: int, result: dict[str, object]) -> None:
    import websockets
    from django.conf import settings
    from django.test import Client

    from arvlite.core.roles import Role
    from arvlite.core.tenancy import company_scope
    from arvlite.core.testing.servers import start_server
    from companies.models import Company, Membership, User
    from notifications.services import notify

    company = Company.objects.create(name="Live Studio", slug="live-studio")
    user = User.objects.create_user(email="live@bench.example", password=secrets.token_urlsafe(16))
    Membership.objects.create(company=company, user=user, role=Role.MANAGER)
    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    uvicorn = [sys.executable, "-m", "uvicorn", "arvlite.asgi:application", "--host", "127.0.0.1",
               "--lifespan", "off", "--no-access-log", "--log-level", "warning"]  # fmt: skip
    server = start_server(uvicorn, env=env, port_variable="UVICORN_PORT")
    arrivals: Queue[float] = Queue()
    ready = threading.Event()
    stop = threading.Event()

    async def listen() -> None:
        url = f"ws://127.0.0.1:{server.port}/ws/notifications/"
        origin = f"http://127.0.0.1:{server.port}"
        async with websockets.connect(url, origin=origin, additional_headers={"Cookie": cookie}) as socket:  # type: ignore[arg-type]
            ready.set()
            while not stop.is_set():
                try:
                    message = json.loads(await asyncio.wait_for(socket.recv(), timeout=0.5))
                except TimeoutError:
                    continue
                if message.get("type") == "notification" and "title" in message.get("payload", {}):
                    arrivals.put(time.perf_counter())

    thread = threading.Thread(target=lambda: asyncio.run(listen()), daemon=True)
    thread.start()
    try:
        if not ready.wait(15):
            raise RuntimeError("the WebSocket did not connect:\n" + server.output()[-2000:])
        samples = []
        for n in range(rounds):
            with company_scope(company):
                committed = time.perf_counter()
                notify("member.joined", company=company, context={"member": f"m{n}", "role": "viewer"})
            samples.append((arrivals.get(timeout=10) - committed) * 1000)
        samples.sort()
        result["live_rounds"] = rounds
        result["live_p50_ms"] = round(statistics.median(samples), 1)
        result["live_p95_ms"] = round(samples[int(len(samples) * 0.95) - 1], 1)
        result["live_max_ms"] = round(samples[-1], 1)
    finally:
        stop.set()
        thread.join(timeout=5)
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    from arvlite.core.testing.smtp import start_smtp

    workdir = Path(tempfile.mkdtemp(prefix="arvlite-bench-notify-"))
    smtp = start_smtp()
    env = environment(workdir, smtp.port)
    os.environ.clear()
    os.environ.update(env)
    psql(f"DROP DATABASE IF EXISTS {DB}")
    psql(f"CREATE DATABASE {DB}")
    result: dict[str, object] = {"cpu": platform.processor() or platform.machine(), "cores": os.cpu_count(),
                                 "load_before": round(os.getloadavg()[0], 2), "recipients": args.recipients}  # fmt: skip
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        result["postgres"] = connection.cursor().connection.server_version
        write_and_drain(args.recipients, smtp, result)
        live_latency(env, args.rounds, result)
    finally:
        from django.db import connections

        connections.close_all()
        smtp.stop()
        psql(f"DROP DATABASE IF EXISTS {DB}")
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(result, indent=2))
    ok = result["deliveries"] == result["sent"] == result["smtp_received"] == args.recipients
    if not ok:
        print("CHECK FAILED: every recipient must get exactly one e-mail", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
