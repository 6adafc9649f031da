#!/usr/bin/env python
"""YooKassa webhooks handled per second, and the time to render an invoice PDF.

For each database (a child process per database: Django's settings are set once per
process) the script:

1. starts the local YooKassa emulation (orders/tests/yookassa_emulator.py, loopback HTTP)
   and points ``YOOKASSA_API_URL`` at it;
2. sets up a throwaway database — the embedded stack: a temporary SQLite file, migrated;
   PostgreSQL: a scratch database `arvlite_bench_payments` on 127.0.0.1, created, migrated
   and dropped at the end (also after a failure) — with one shop company (YooKassa shop
   id and secret, 54-FZ receipts, the legal details invoices need), three products and,
   per load level, ORDERS orders of three lines, each with a payment made by
   ``payment_start`` (one ``POST /v3/payments`` to the emulation), then marked succeeded
   in the emulation;
3. serves the application on a free loopback port as that stack does — the embedded
   stack as `scripts/run` serves it (`manage.py runserver --noreload`, DEBUG on, tasks in
   process); PostgreSQL as `scripts/serve web` (gunicorn with gunicorn.conf.py: 2 gthread
   workers x 4 threads, DEBUG off) with the tasks queued for a worker (an in-memory
   broker stands in for Redis; no worker runs) or, with ``--tasks eager``, in process;
4. for each load level (``--clients``, default 1 then 4 client threads, each with a
   kept-alive connection) sends its orders' ``payment.succeeded`` notifications over HTTP,
   each once (first-time: the payment is re-read from the emulation, moves to succeeded,
   the order is marked paid and its invoice issued), then all of them again in the other
   order (replays: re-read, nothing changes) — as nginx would pass them on: from 127.0.0.1
   (a trusted proxy) with ``X-Forwarded-For`` in YooKassa's published range and
   ``X-Forwarded-Proto: https``; on PostgreSQL it samples how many sessions wait for a
   lock meanwhile;
5. checks the answers and the database: every answer a 200 with the expected outcome,
   every order paid exactly once, one invoice and one recorded notification each, exactly
   one re-read per notification;
6. counts the SQL queries of one first-time webhook and one replay (Django's test client,
   in process), and times ``document_pdf`` for a paid order's 3-line Cyrillic invoice
   (in the first child only: the PDF does not touch the database).

    .venv/bin/python bench/payments.py                     # both stacks, 80 orders per level
    .venv/bin/python bench/payments.py --db sqlite --orders 40 --clients 1
    .venv/bin/python bench/payments.py --db postgres --tasks eager --clients 1,2,4

PostgreSQL must answer on 127.0.0.1:5432 as user `postgres`. Only loopback addresses are
used. About 2½ minutes on 2 cores with the defaults. Exits with 1 when a check fails.
Results go in docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB = "arvlite_bench_payments"
PSQL = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc"]
WEBHOOK = "/api/v1/payments/webhooks/yookassa/"
SHOP_ID, SHOP_SECRET = "601234", "test_bench_Secret_Key_0001"
YOOKASSA_ADDRESS = "185.71.76.17"  # inside 185.71.76.0/27, one of YooKassa's published ranges
PROXY_HEADERS = {"X-Forwarded-For": YOOKASSA_ADDRESS, "X-Forwarded-Proto": "https"}
# Details that pass the checksum validators (a bank's published ones) under a made-up name.
SELLER = {
    "legal_name": "ООО «Фотостудия Берёзка»",
    "tax_id": "7707083893",
    "kpp": "773601001",
    "ogrn": "1027700132195",
    "legal_address": "191186, Санкт-Петербург, Невский проспект, д. 28, офис 4",
    "bank_name": "ПАО Сбербанк",
    "bank_bik": "044525225",
    "bank_correspondent_account": "30101810400000000225",
    "bank_account": "40702810200000000001",
}
# (name, price, VAT rate): three lines with two rates and one without VAT.
LINES = [
    ("Печать фотографии 30×40 на холсте", "2490.00", "22"),
    ("Багетная рама «Дуб»", "1150.00", "10"),
    ("Доставка курьером по Санкт-Петербургу", "390.00", "none"),
]
BENCH_SETTINGS = """from arvlite.settings import *  # noqa: F403
from arvlite.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
"""
SERVER_START_SECONDS = 90
WARM_UP_ORDERS = 8
REQUEST_TIMEOUT = 60


# --- figures handed from a child to the parent -----------------------------------------------


@dataclass
class Phase:
    name: str
    clients: int
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    outcomes: dict[str, int]
    server_cpu_ms_per_request: float
    bench_cpu_ms_per_request: float
    lock_waiting: float | None = None  # PostgreSQL: mean backends waiting on a lock, sampled
    first_error: str = ""
    log_errors: dict[str, int] = field(default_factory=dict)  # the server's error lines, by event

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class Result:
    db: str
    stack: str
    tasks: str
    orders: int
    setup_ms_per_order: float = 0.0
    phases: list[Phase] = field(default_factory=list)
    checks: dict[str, bool] = field(default_factory=dict)
    queries: dict[str, int] = field(default_factory=dict)
    pdf: dict[str, float] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    load_before: float = 0.0  # the machine's 1-minute load average when the child started


# --- the parent: one child per database, then the tables -----------------------------------


def client_levels(text: str) -> list[int]:
    levels = [int(part) for part in text.split(",") if part.strip()]
    if not levels or len(levels) > 4 or not all(1 <= level <= 32 for level in levels):
        raise argparse.ArgumentTypeError("one to four numbers of 1..32, e.g. 1,4")
    return levels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("postgres", "sqlite", "both"), default="both")
    parser.add_argument("--orders", type=int, default=80, help="orders (notifications) per load level")
    parser.add_argument("--clients", type=client_levels, default=[1, 4],
                        help="concurrent client threads, one load level each (default 1,4)")  # fmt: skip
    parser.add_argument("--renders", type=int, default=30, help="invoice PDF renders to time")
    parser.add_argument(
        "--tasks",
        choices=("default", "eager", "queued"),
        default="default",
        help="Celery tasks (invoice PDF and e-mails) run in the request or are queued; default: as "
        "the stack ships (embedded: in process; PostgreSQL: queued for a worker)",
    )
    parser.add_argument("--child", choices=("postgres", "sqlite"), help=argparse.SUPPRESS)
    parser.add_argument("--pdf", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not 1 <= args.orders <= 2000 or not 1 <= args.renders <= 300:
        parser.error("--orders 1..2000, --renders 1..300")
    if args.child:
        child(args)
        return

    results = []
    for n, db in enumerate(("sqlite", "postgres") if args.db == "both" else (args.db,)):
        with tempfile.NamedTemporaryFile(prefix="arvlite-bench-payments-", suffix=".json") as out:
            command = [sys.executable, __file__, "--child", db, "--orders", str(args.orders),
                       "--clients", ",".join(map(str, args.clients)), "--renders", str(args.renders),
                       "--tasks", args.tasks, "--out", out.name]  # fmt: skip
            if n == 0:
                command.append("--pdf")  # the PDF does not touch the database: rendered once
            print(f"== {db}", flush=True)
            subprocess.run(command, cwd=ROOT, check=True)
            data = json.loads(Path(out.name).read_text())
        data["phases"] = [Phase(**phase) for phase in data["phases"]]
        results.append(Result(**data))
    report(results)


def report(results: list[Result]) -> None:
    print()
    print(f"{results[0].orders} orders of 3 lines per load level; {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, "
          + ", ".join(f"{name} {version}" for result in results for name, version in result.versions.items()
                      if name not in ("Django", "WeasyPrint") or result is results[0]))  # fmt: skip
    print("load average (1 min) before each stack: "
          + ", ".join(f"{result.db} {result.load_before:.2f}" for result in results))  # fmt: skip
    print()
    print("| stack | tasks | clients | notifications | req/s | p50 ms | p99 ms | max ms | errors | outcomes | "
          "server CPU ms/req | lock waits |")  # fmt: skip
    print("|---|---|---:|---|---:|---:|---:|---:|---:|---|---:|---:|")
    for result in results:
        for phase in result.phases:
            outcomes = ", ".join(f"{name} {count}" for name, count in sorted(phase.outcomes.items()))
            waits = "–" if phase.lock_waiting is None else f"{phase.lock_waiting:.2f}"
            print(f"| {result.stack} | {result.tasks} | {phase.clients} | {phase.name} ({phase.requests}) | "
                  f"{phase.per_second:,.1f} | {phase.p50_ms:.1f} | {phase.p99_ms:.1f} | {phase.max_ms:.1f} | "
                  f"{phase.errors} | {outcomes} | {phase.server_cpu_ms_per_request:.1f} | {waits} |")  # fmt: skip
    print()
    print("| stack | SQL queries: first-time / replay | payment_start ms/order | checks |")
    print("|---|---|---:|---|")
    for result in results:
        failed = [name for name, ok in result.checks.items() if not ok]
        print(f"| {result.stack} | {result.queries['first_time']} / {result.queries['replay']} | "
              f"{result.setup_ms_per_order:.1f} | {'FAILED: ' + '; '.join(failed) if failed else 'all passed'} |")  # fmt: skip
    for result in results:
        for phase in result.phases:
            if phase.log_errors:
                events = "; ".join(f"{count} × {event}" for event, count in sorted(phase.log_errors.items()))
                print(
                    f"\n{result.stack}, {phase.clients} clients, {phase.name}: server errors logged: {events}"
                )
    for result in results:
        for phase in result.phases:
            if phase.first_error:
                print(
                    f"\n{result.stack}, {phase.clients} clients, {phase.name}: first server error\n{phase.first_error}"
                )
    for result in results:
        if result.pdf:
            pdf = result.pdf
            print(f"\ninvoice PDF (3 lines, Cyrillic, {pdf['renders']:.0f} renders): first {pdf['first_ms']:.0f} ms, "
                  f"median {pdf['median_ms']:.0f} ms, p95 {pdf['p95_ms']:.0f} ms, max {pdf['max_ms']:.0f} ms, "
                  f"{pdf['bytes'] / 1024:.0f} KiB")  # fmt: skip
    if not all(all(result.checks.values()) for result in results):
        raise SystemExit("\nSome checks failed (see above).")


# --- the child: one database --------------------------------------------------------------


def psql(sql: str) -> None:
    subprocess.run([*PSQL, sql, "-d", "postgres"], check=True)


def environment(db: str, tasks: str, workdir: Path, api_url: str) -> dict[str, str]:
    """The variables of the bench process and the server: the stack's own defaults, with the
    bench's database, directories, emulation and proxy in front."""
    skip = ("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "VIEWER_", "LOG_", "YOOKASSA_", "EMAIL_", "DEBUG")
    env = {key: value for key, value in os.environ.items() if not key.startswith(skip)}
    env.update(
        DJANGO_SETTINGS_MODULE="arvlite.settings",
        SECRET_KEY="bench-only-" + secrets.token_urlsafe(48),
        DATA_DIR=str(workdir / "data"),
        MEDIA_ROOT=str(workdir / "media"),
        STATIC_ROOT=str(workdir / "static"),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        LOG_LEVEL="warning",
        EMAIL_URL="dummymail://",
        YOOKASSA_API_URL=api_url,
        VIEWER_TRUSTED_PROXIES="127.0.0.1",  # nginx on the same host passes the client on
        PYTHONUNBUFFERED="1",
    )
    if db == "sqlite":
        env.update(DEBUG="true", DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}")
    else:
        env.update(
            DEBUG="false",
            PUBLIC_URL="https://arvlite.example.com",
            DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB}",
        )
        # Production settings but plain static files storage: a webhook serves no static file,
        # and collectstatic's compression for the manifest storage would take a minute.
        (workdir / "bench_settings.py").write_text(BENCH_SETTINGS)
        (workdir / "static").mkdir()
        env.update(DJANGO_SETTINGS_MODULE="bench_settings", PYTHONPATH=os.pathsep.join(
            [str(workdir), str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))  # fmt: skip
    if tasks == "queued":
        env.update(CELERY_TASK_ALWAYS_EAGER="false", CELERY_BROKER_URL="memory://localhost/")
    else:
        env.update(CELERY_TASK_ALWAYS_EAGER="true")
    return env


def child(args: argparse.Namespace) -> None:
    from orders.tests.yookassa_emulator import yookassa_emulator

    db = args.child
    tasks = args.tasks if args.tasks != "default" else ("eager" if db == "sqlite" else "queued")
    stack = "embedded: SQLite, runserver" if db == "sqlite" else "PostgreSQL, gunicorn 2×4 gthread"
    result = Result(db=db, stack=stack, tasks="in the request" if tasks == "eager" else "queued",
                    orders=args.orders, load_before=os.getloadavg()[0])  # fmt: skip
    workdir = Path(tempfile.mkdtemp(prefix="arvlite-bench-payments-"))
    created_db = False
    try:
        with yookassa_emulator(shops={SHOP_ID: SHOP_SECRET}) as kassa:
            env = environment(db, tasks, workdir, kassa.api_url)
            os.environ.clear()
            os.environ.update(env)
            if db == "postgres":
                psql(f"DROP DATABASE IF EXISTS {DB}")
                psql(f"CREATE DATABASE {DB}")
                created_db = True
            run_one(args, result, kassa, env, workdir)
    finally:
        from django.db import connections

        connections.close_all()
        if created_db:
            psql(f"DROP DATABASE IF EXISTS {DB}")
        shutil.rmtree(workdir, ignore_errors=True)
    Path(args.out).write_text(json.dumps(asdict(result)))


def run_one(args: argparse.Namespace, result: Result, kassa: Any, env: dict[str, str], workdir: Path) -> None:
    import django

    if (workdir / "bench_settings.py").exists():
        sys.path.insert(0, str(workdir))
    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - started:.1f} s", flush=True)
    result.versions = versions(connection)
    company, owner, products = make_shop()
    started = time.perf_counter()
    levels = [[start_payment(company, owner, products, f"{clients}-{n}") for n in range(args.orders)]
              for clients in args.clients]  # fmt: skip
    result.setup_ms_per_order = (time.perf_counter() - started) * 1000 / (args.orders * len(levels))
    extra_id = start_payment(company, owner, products, "extra")  # for the query count
    warm_ids = [start_payment(company, owner, products, f"warm-{n}") for n in range(WARM_UP_ORDERS)]
    for payment_id in [extra_id, *warm_ids, *(pid for level in levels for pid in level)]:
        kassa.set_status(payment_id, "succeeded")
    print(f"set up {args.orders * len(levels)} orders with payments ({result.setup_ms_per_order:.1f} ms each)",
          flush=True)  # fmt: skip
    connections.close_all()  # the server has the database to itself (SQLite: one writer)

    reads = []
    with Server(args.child, env, workdir) as server:
        warm_up(
            server.url,
            [json.dumps(kassa.notification("payment.succeeded", pid)).encode() for pid in warm_ids],
        )
        for clients, payment_ids in zip(args.clients, levels, strict=True):
            before = rereads(kassa)
            bodies = [
                json.dumps(kassa.notification("payment.succeeded", pid)).encode() for pid in payment_ids
            ]
            for name in ("first-time", "replays"):
                phase = send_all(server, name, bodies, clients, sample_locks=args.child == "postgres")
                result.phases.append(phase)
                print(f"{clients} clients, {name}: {phase.requests} in {phase.seconds:.2f} s = "
                      f"{phase.per_second:.1f}/s, p50 {phase.p50_ms:.1f} ms, p99 {phase.p99_ms:.1f} ms, "
                      f"errors {phase.errors}, {phase.outcomes}, CPU ms/req: server "
                      f"{phase.server_cpu_ms_per_request:.1f}, bench {phase.bench_cpu_ms_per_request:.1f}",
                      flush=True)  # fmt: skip
                if phase.first_error:
                    print(f"first error: {phase.first_error}", flush=True)
                bodies.reverse()  # the replays come in the other order
            reads.append(rereads(kassa) - before)

    eager = env["CELERY_TASK_ALWAYS_EAGER"] == "true"
    for n, (clients, payment_ids) in enumerate(zip(args.clients, levels, strict=True)):
        checks = verify(payment_ids, result.phases[2 * n : 2 * n + 2], reads[n], eager=eager)
        result.checks.update({f"{clients} clients: {name}": ok for name, ok in checks.items()})
    failed = [name for name, ok in result.checks.items() if not ok]
    print("checks:", "FAILED: " + "; ".join(failed) if failed else "all passed", flush=True)
    result.queries = count_queries(kassa, extra_id, connection)
    print(
        f"queries: first-time {result.queries['first_time']}, replay {result.queries['replay']}", flush=True
    )
    if args.pdf:
        result.pdf = time_pdf(company, args.renders)
        print(f"invoice PDF: first {result.pdf['first_ms']:.0f} ms, median {result.pdf['median_ms']:.0f} ms, "
              f"p95 {result.pdf['p95_ms']:.0f} ms", flush=True)  # fmt: skip


def versions(connection: Any) -> dict[str, str]:
    import django
    import weasyprint

    found = {"Django": django.get_version(), "WeasyPrint": weasyprint.__version__}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            found["PostgreSQL"] = str(cursor.fetchone()[0]).split()[0]
        else:
            cursor.execute("SELECT sqlite_version()")
            found["SQLite"] = str(cursor.fetchone()[0])
    return found


# --- data -----------------------------------------------------------------------------------


def make_shop() -> tuple[Any, Any, list[Any]]:
    from arvlite.core.tenancy import company_scope
    from companies.models import User
    from companies.services import company_create, company_update
    from orders.models import Product

    owner = User.objects.create_user(email="owner@bench.example.com", password=None)
    company = company_create(name="Фотостудия «Берёзка»", slug="bench-berezka", owner=owner)
    company = company_update(company=company, actor=owner, yookassa_shop_id=SHOP_ID,
                             yookassa_secret_key=SHOP_SECRET, receipts_enabled=True, tax_system_code=1,
                             **SELLER)  # fmt: skip
    with company_scope(company):
        products = [
            Product.objects.create(company=company, name=name, kind=Product.Kind.PRINTED_COPY,
                                   price=Decimal(price), vat_rate=rate, position=position)
            for position, (name, price, rate) in enumerate(LINES)
        ]  # fmt: skip
    return company, owner, products


def start_payment(company: Any, owner: Any, products: list[Any], label: str) -> str:
    """An order of the three products awaiting payment, and its payment made by the service
    (one create call to the emulation); the provider's payment id."""
    from arvlite.core.tenancy import company_scope
    from orders.models import Order
    from orders.payments.services import payment_start
    from orders.services import ItemInput, OrderInput, order_create

    data = OrderInput(
        customer_name=f"Мария Соколова ({label})",
        customer_email=f"maria.sokolova.{label}@example.com",
        customer_phone=f"+7921{secrets.randbelow(10**7):07d}",
        items=[ItemInput(product=product) for product in products],
    )
    with company_scope(company):
        order = order_create(company=company, actor=owner, data=data, status=Order.Status.AWAITING_PAYMENT)
        payment = payment_start(order=order)
    return str(payment.provider_payment_id)


def rereads(kassa: Any) -> int:
    with kassa.lock:
        return sum(
            1 for method, path, _key in kassa.calls if method == "GET" and path.startswith("/v3/payments/")
        )


# --- the server and the load --------------------------------------------------------------


class Server:
    """The application as the stack serves it, on a free loopback port, its output in a file."""

    def __init__(self, db: str, env: dict[str, str], workdir: Path) -> None:
        from arvlite.core.testing.ports import LOOPBACK, free_port

        self.port = free_port()
        self.url = f"http://{LOOPBACK}:{self.port}"
        if db == "sqlite":
            command = [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks",
                       f"{LOOPBACK}:{self.port}"]  # fmt: skip
        else:
            command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"]
            env = {**env, "HOST": LOOPBACK, "PORT": str(self.port), "WEB_CONCURRENCY": "2",
                   "GUNICORN_THREADS": "4", "GUNICORN_MAX_REQUESTS": "0"}  # fmt: skip
        self.log_path = workdir / "server.log"
        self.command, self.env = command, env

    def __enter__(self) -> Server:
        import requests

        from arvlite.core.testing.ports import wait_until_ready

        self.log = self.log_path.open("ab")
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=self.log,
                                        stderr=subprocess.STDOUT)  # fmt: skip

        def healthy() -> bool:
            return requests.get(f"{self.url}/healthz", timeout=2).status_code == 200

        wait_until_ready(healthy, server="the application server", timeout=SERVER_START_SECONDS,
                         process=self.process, log=self.log_path)  # fmt: skip
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()

    def cpu_seconds(self) -> float:
        """User + system time of the server process and its live children (gunicorn's workers)."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0.0
        pending = [self.process.pid]
        while pending:
            pid = pending.pop()
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / ticks
                for task in Path(f"/proc/{pid}/task").iterdir():
                    pending += [int(child) for child in (task / "children").read_text().split()]
            except (FileNotFoundError, ProcessLookupError):
                continue
        return total

    def log_size(self) -> int:
        self.log.flush()
        return self.log_path.stat().st_size

    def error_events(self, since: int) -> dict[str, int]:
        """The server's error-level log lines after byte ``since``, counted by event (JSON lines
        under DEBUG off, console lines under DEBUG on)."""
        with self.log_path.open("rb") as log:
            log.seek(since)
            lines = log.read().decode(errors="replace").splitlines()
        events: Counter[str] = Counter()
        for line in lines:
            if line.startswith("{"):
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if entry.get("level") == "error":
                    events[str(entry.get("event", "?"))[:100]] += 1
            elif "[error" in line:  # time [error    ] message  key=value [logger], or [timing, address]
                message = re.sub(r"\s*\[[^\]]*\]|\s+[\w.]+=\S*", "", line.split("]", 1)[-1])
                events[message.strip()[:100]] += 1
        return dict(events)

    def first_error(self, since: int) -> str:
        """The first traceback in the server's output after byte ``since`` (chained ones too),
        the project's own frames only."""
        with self.log_path.open("rb") as log:
            log.seek(since)
            lines = log.read().decode(errors="replace").splitlines()
        start = next((n for n, line in enumerate(lines) if line.startswith("Traceback")), None)
        if start is None:
            return "(no traceback in the server's output)"
        kept, own_frame = [], False
        for line in lines[start:]:
            if line.startswith("  File "):
                own_frame = "site-packages" not in line and "/lib/python" not in line
                if own_frame:
                    kept.append(line)
            elif line.startswith("    "):
                if own_frame and line.strip(" ^~"):
                    kept.append(line)
            elif line.strip():
                if line.startswith("20") and "[error" in line:  # the log line after the traceback
                    break
                kept.append(line)
        return "\n".join(kept)


def warm_up(url: str, bodies: list[bytes]) -> None:
    """Load the webhook's code, templates and connections in the server's workers before the
    measurement: a body that is not a notification (refused before the database), then
    first-time notifications of orders kept apart for this and their replays — one at a time,
    each on a new connection so that every gunicorn worker gets some."""
    import requests

    headers = {"Content-Type": "application/json", **PROXY_HEADERS}
    for body, expected in [(b'{"type": "warm-up"}', 400)] * 4 + [(body, 200) for body in bodies * 2]:
        answer = requests.post(url + WEBHOOK, data=body, headers=headers, timeout=REQUEST_TIMEOUT)
        if answer.status_code != expected:
            raise SystemExit(f"warm-up: expected {expected}, got {answer.status_code}: {answer.text[:300]}")


def send_all(server: Server, name: str, bodies: list[bytes], clients: int, *, sample_locks: bool) -> Phase:
    """POST each body once, from ``clients`` threads with a kept-alive connection each."""
    import requests

    work: queue.SimpleQueue[bytes] = queue.SimpleQueue()
    for body in bodies:
        work.put(body)
    latencies: list[float] = []
    outcomes: Counter[str] = Counter()
    problems: list[str] = []
    lock = threading.Lock()
    headers = {"Content-Type": "application/json", **PROXY_HEADERS}

    def client() -> None:
        with requests.Session() as session:
            while True:
                try:
                    body = work.get_nowait()
                except queue.Empty:
                    return
                started = time.perf_counter()
                try:
                    answer = session.post(
                        server.url + WEBHOOK, data=body, headers=headers, timeout=REQUEST_TIMEOUT
                    )
                    outcome = answer.json().get("outcome") if answer.status_code == 200 else None
                    problem = None if outcome else f"HTTP {answer.status_code}: {answer.text[:200]}"
                except (requests.RequestException, ValueError) as error:
                    outcome, problem = None, repr(error)
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    if problem:
                        problems.append(problem)
                    else:
                        outcomes[str(outcome)] += 1

    log_start = server.log_size()
    sampler = LockSampler() if sample_locks else None
    cpu_before, bench_before = server.cpu_seconds(), time.process_time()
    started = time.perf_counter()
    threads = [threading.Thread(target=client, name=f"client-{n}") for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=REQUEST_TIMEOUT * len(bodies))
    seconds = time.perf_counter() - started
    server_cpu, bench_cpu = server.cpu_seconds() - cpu_before, time.process_time() - bench_before
    lock_waiting = sampler.stop() if sampler else None
    first_error = f"{problems[0]}\n{server.first_error(log_start)}" if problems else ""
    log_errors = server.error_events(log_start)
    ordered = sorted(latencies)
    return Phase(
        name=name,
        clients=clients,
        requests=len(latencies),
        seconds=seconds,
        p50_ms=statistics.median(ordered),
        p99_ms=percentile(ordered, 99),
        max_ms=ordered[-1],
        errors=len(problems),
        outcomes=dict(outcomes),
        server_cpu_ms_per_request=server_cpu * 1000 / len(latencies),
        bench_cpu_ms_per_request=bench_cpu * 1000 / len(latencies),
        lock_waiting=lock_waiting,
        first_error=first_error,
        log_errors=log_errors,
    )


class LockSampler:
    """PostgreSQL: every 20 ms, how many of the bench database's sessions wait for a lock
    (a row another transaction holds, in practice); the mean over the phase."""

    def __init__(self) -> None:
        self.samples: list[int] = []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, name="lock-sampler", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        from django.db import connection  # this thread's own connection

        try:
            with connection.cursor() as cursor:
                while not self.done.wait(0.02):
                    cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                   "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")  # fmt: skip
                    self.samples.append(int(cursor.fetchone()[0]))
        finally:
            connection.close()

    def stop(self) -> float:
        self.done.set()
        self.thread.join(timeout=10)
        return statistics.fmean(self.samples) if self.samples else 0.0


def percentile(ordered: list[float], pct: float) -> float:
    """The nearest-rank percentile of sorted values."""
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


# --- checks, query counts, PDFs -------------------------------------------------------------


def verify(payment_ids: list[str], phases: list[Phase], rereads: int, *, eager: bool) -> dict[str, bool]:
    """The answers of one load level, and what the database holds afterwards."""
    from django.db.models import Count

    from arvlite.core.tenancy import scopes_disabled
    from orders.invoices.models import Invoice
    from orders.models import Order, OrderStatusChange
    from orders.payments.models import Payment, WebhookEvent

    n = len(payment_ids)
    first, replays = phases
    with scopes_disabled():
        payments = Payment.objects.filter(provider_payment_id__in=payment_ids)
        order_ids = list(payments.values_list("order_id", flat=True))
        times_paid = (
            OrderStatusChange.objects.filter(order_id__in=order_ids, to_status=Order.Status.PAID)
            .values("order_id")
            .annotate(times=Count("id"))
        )
        events = WebhookEvent.objects.filter(
            event_key__in=[f"payment.succeeded:{pid}" for pid in payment_ids]
        )
        invoices = Invoice.objects.filter(order_id__in=order_ids)
        stored_pdfs = invoices.exclude(pdf="").count()
        pdfs = "invoice PDFs rendered in the request" if eager else "invoice PDFs left to the worker"
        return {
            "0 errors": first.errors == 0 and replays.errors == 0,
            "every first-time notification applied": first.outcomes == {"applied": n},
            "every replay changed nothing": replays.outcomes == {"no_change": n},
            "every payment succeeded": payments.filter(status=Payment.Status.SUCCEEDED).count() == n,
            "every order paid": Order.objects.filter(pk__in=order_ids, status=Order.Status.PAID).count() == n,
            "no order marked paid twice": all(row["times"] == 1 for row in times_paid),
            "every order marked paid (once)": len(times_paid) == n,
            "no order with two invoices": invoices.count() == invoices.values("order_id").distinct().count(),
            "one invoice per order": invoices.count() == n,
            "one recorded notification each": events.count() == n
            and events.filter(outcome=WebhookEvent.Outcome.APPLIED).count() == n,
            "one re-read per notification": rereads == 2 * n,
            "no error logged behind a 200 answer": not any(silent_errors(phase) for phase in phases),
            pdfs: stored_pdfs == (n if eager else 0),
        }


def silent_errors(phase: Phase) -> dict[str, int]:
    """Errors the server logged that no error answer explains (a listener that failed while
    the webhook still answered 200, say)."""
    answered = ("HTTP POST", "Internal Server Error", "unhandled API error")
    return {event: n for event, n in phase.log_errors.items() if not event.startswith(answered)}


def count_queries(kassa: Any, payment_id: str, connection: Any) -> dict[str, int]:
    """SQL queries of one first-time webhook and of its replay, through the whole stack in
    process (Django's test client: middleware, view, service, on-commit work)."""
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(
        REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=YOOKASSA_ADDRESS, HTTP_X_FORWARDED_PROTO="https"
    )
    body = kassa.notification("payment.succeeded", payment_id)
    counts = {}
    for name, expected in (("first_time", "applied"), ("replay", "no_change")):
        with CaptureQueriesContext(connection) as captured:
            answer = client.post(WEBHOOK, body, content_type="application/json", secure=True)
        if answer.status_code != 200 or answer.json() != {"outcome": expected}:
            raise SystemExit(f"in-process {name}: {answer.status_code} {answer.content[:300]!r}")
        counts[name] = len(captured)
    return counts


def time_pdf(company: Any, renders: int) -> dict[str, float]:
    from io import BytesIO

    from pypdf import PdfReader

    from arvlite.core.tenancy import company_scope
    from orders.invoices.models import Invoice
    from orders.invoices.pdf import document_pdf

    with company_scope(company):
        invoice = Invoice.objects.order_by("pk").first()
    if invoice is None or len(invoice.lines) != len(LINES):
        raise SystemExit("no 3-line invoice was issued")
    start = time.perf_counter()
    pdf = document_pdf(invoice)
    first = (time.perf_counter() - start) * 1000
    text = " ".join(PdfReader(BytesIO(pdf)).pages[0].extract_text().split())
    for expected in (LINES[0][0], SELLER["legal_name"], invoice.number):
        if expected not in text:
            raise SystemExit(f"the invoice PDF does not show {expected!r}: {text[:400]}")
    times = []
    for _ in range(renders):
        start = time.perf_counter()
        document_pdf(invoice)
        times.append((time.perf_counter() - start) * 1000)
    ordered = sorted(times)
    return {"first_ms": first, "median_ms": statistics.median(ordered), "p95_ms": percentile(ordered, 95),
            "max_ms": ordered[-1], "bytes": float(len(pdf)), "renders": float(renders)}  # fmt: skip


if __name__ == "__main__":
    main()
