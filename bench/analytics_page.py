#!/usr/bin/env python
"""The company analytics page over 10 million view sessions.

Creates a scratch database `arvlite_bench_analytics` on 127.0.0.1 (dropped at the end, also
after a failure), migrates it, and for one company (Europe/Moscow) with 300 contents in 12
projects:

1. generates the view sessions in PostgreSQL (`INSERT … SELECT generate_series`, in time
   order and in chunks; the table's indexes are dropped during the load and rebuilt after
   it, as a bulk load would): 90 days, popular and quiet contents, a realistic mix of
   phones, tablets, computers and bots, Android/iOS/desktop systems, browsers and the app;
2. times the roll-up of those 91 local days (`rollup_rebuild`, what `rollup_views --days
   91` runs) and of today and yesterday (what the periodic task runs);
3. times the company analytics page, 90-day range, signed in as the owner with Django's
   test client and static files collected with their manifest: the first request of the
   process ("cold": new database connection, templates compiled, figures not cached), warm
   requests whose figures are computed (the cache cleared each time, as right after a
   roll-up), warm requests served from the figures cache, the figures alone, and the
   dashboard with its 30-day cards.

    .venv/bin/python bench/analytics_page.py                  # 10 million sessions
    .venv/bin/python bench/analytics_page.py --sessions 1000000 --keep
    .venv/bin/python bench/analytics_page.py --reuse --keep   # again, on the kept data

`--keep` leaves the database for a look or a `--reuse` run (no generation); drop it with
`dropdb -h 127.0.0.1 -U postgres arvlite_bench_analytics`. Needs the local PostgreSQL as
user `postgres` and about 4 GB of disk for 10 million sessions; takes about 3 minutes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB = "arvlite_bench_analytics"
PSQL = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc"]
CONTENTS = 300
PROJECTS = 12
DAYS = 90
CHUNK = 1_000_000

# (upper bound of a uniform draw, device, OS, browser or app, source)
PROFILES = [
    (0.36, "mobile", "Android", "Chrome Mobile", "web"),
    (0.58, "mobile", "iOS", "Mobile Safari", "web"),
    (0.65, "mobile", "Android", "Samsung Internet", "web"),
    (0.70, "mobile", "Android", "Yandex Browser", "web"),
    (0.72, "mobile", "iOS", "Chrome Mobile iOS", "web"),
    (0.74, "mobile", "Android", "MiuiBrowser", "web"),
    (0.75, "mobile", "Android", "Firefox Mobile", "web"),
    (0.80, "mobile", "Android 14", "ARVlite", "app"),
    (0.83, "mobile", "Android 13", "ARVlite", "app"),
    (0.87, "mobile", "iOS 17", "ARVlite", "app"),
    (0.90, "tablet", "iOS", "Mobile Safari", "web"),
    (0.92, "tablet", "Android", "Chrome", "web"),
    (0.945, "desktop", "Windows", "Chrome", "web"),
    (0.955, "desktop", "Windows", "Yandex Browser", "web"),
    (0.963, "desktop", "Mac OS X", "Safari", "web"),
    (0.968, "desktop", "Windows", "Firefox", "web"),
    (0.972, "desktop", "Linux", "Chrome", "web"),
    (0.982, "bot", "", "Googlebot", "other"),
    (0.988, "bot", "Linux", "HeadlessChrome", "web"),
    (1.01, "other", "", "", "other"),
]


def _case(column: int) -> str:
    branches = " ".join(f"WHEN r.p < {p[0]} THEN '{p[column]}'" for p in PROFILES)
    return f"CASE {branches} END"


# Contents: popularity falls off (power 2.2: a few prints are scanned a lot). Time: each
# chunk is a slice of the 90 days, written in time order as the periodic flush writes them.
# Visitors: ~60,000 hash values a day, skewed, so some people scan more than once. 97 % of
# the sessions saw a manifest; 75 % of those played the video; two thirds of the plays
# reported a watch time of 3-90 s.
GENERATE = f"""
INSERT INTO arcontent_viewsession
    (company_id, project_id, content_id, started_at, session_id, counted_view, source,
     visitor_hash, device_type, os, browser, device_model, app_version, country, copy,
     video_id, video_played, duration_seconds, tracking_quality, ended_at, selection_source)
SELECT c.company_id, c.project_id, c.id, r.at,
       CASE WHEN r.s < 0.3 THEN gen_random_uuid() END,
       r.s < 0.97, {_case(4)},
       substr(md5(to_char(r.at, 'YYYY-MM-DD') || ':' || floor(power(r.v, 1.4) * 60000)::text), 1, 32),
       {_case(1)}, {_case(2)}, {_case(3)}, '', '', 'RU', '', NULL,
       r.s < 0.97 AND r.w < 0.75,
       CASE WHEN r.s < 0.97 AND r.w < 0.5 THEN 3 + floor(r.v * 87)::int ELSE 0 END,
       '', NULL, ''
FROM (
    SELECT g, random() AS p, random() AS s, random() AS v, random() AS w,
           1 + floor(power(random(), 2.2) * {CONTENTS})::int AS rank,
           %(since)s::timestamptz + random() * %(span)s::interval AS at
    FROM generate_series(1, %(rows)s) AS g
) AS r
JOIN (SELECT id, company_id, project_id, row_number() OVER (ORDER BY id) AS rank FROM arcontent_arcontent
      WHERE company_id = %(company)s) AS c ON c.rank = r.rank
ORDER BY r.at
"""  # noqa: S608 - only the constants of this file are formatted in


def psql(sql: str) -> None:
    subprocess.run([*PSQL, sql], check=True)


def timed(label: str, run: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = run()
    print(f"{label}: {time.perf_counter() - start:.2f} s", flush=True)
    return result


def load_sessions(company_id: int, total: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'arcontent_viewsession' "
            "AND indexname NOT LIKE '%%pkey'"
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        # The rows point at the bench's own company, projects and contents; skipping the
        # per-row foreign-key triggers is what a bulk load would do too.
        cursor.execute("SET session_replication_role = replica")
        slices = max(1, -(-total // CHUNK))
        span = dt.timedelta(days=DAYS) / slices
        start = dt.datetime.now(dt.UTC) - dt.timedelta(days=DAYS)
        weights = [0.8 + 0.4 * k / max(1, slices - 1) for k in range(slices)]  # traffic grows a little
        done = 0
        for k, weight in enumerate(weights):
            rows = total - done if k == slices - 1 else round(total * weight / sum(weights))
            params = {"rows": rows, "company": company_id, "since": start + span * k, "span": span}
            cursor.execute(GENERATE, params)
            done += rows
            print(f"  {done:,} sessions", flush=True)
        cursor.execute("SET session_replication_role = origin")
        for _, definition in indexes:
            cursor.execute(definition)
        cursor.execute("ANALYZE arcontent_viewsession")


def make_company() -> tuple[Any, Any]:
    from arcontent.models import ARContent
    from arvlite.core.roles import Role
    from arvlite.core.tenancy import scopes_disabled
    from companies.models import Company, Membership, User
    from projects.models import Project

    with scopes_disabled():
        company = Company.objects.create(name="Bench Studio", slug="bench-studio", time_zone="Europe/Moscow")
        owner = User.objects.create_user(email="owner@bench.example.com", password=None)
        Membership.objects.create(company=company, user=owner, role=Role.OWNER)
        projects = Project.objects.bulk_create(
            Project(company=company, name=f"Project {n + 1}") for n in range(PROJECTS)
        )
        ARContent.objects.bulk_create(
            ARContent(
                company=company,
                project=projects[n % PROJECTS],
                order_number=f"ARV-2026-{n + 1:06d}",
                customer_name=f"Customer {n + 1}",
                print_width_cm=15,
                print_height_cm=10,
                status=ARContent.Status.ACTIVE,
            )
            for n in range(CONTENTS)
        )
    return company, owner


def run_rollups(company: Any) -> None:
    from django.db import connection

    from arcontent.analytics.periods import local_today
    from arcontent.analytics.rollups import rollup_rebuild

    last = local_today(company)
    first = last - dt.timedelta(days=DAYS)
    rows = timed(
        f"roll-up of {DAYS + 1} days", lambda: rollup_rebuild(company=company, first=first, last=last)
    )
    print(f"  {rows:,} daily rows")
    yesterday = last - dt.timedelta(days=1)
    timed(
        "roll-up of today and yesterday", lambda: rollup_rebuild(company=company, first=yesterday, last=last)
    )
    with connection.cursor() as cursor:
        for table in ("arcontent_dailyviewstat", "arcontent_dailycompanystat", "arcontent_dailycontenttotal"):
            cursor.execute(f"VACUUM ANALYZE {table}")  # what autovacuum does after a bulk change


def _get(client: Any, path: str) -> float:
    start = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, response.status_code
    return elapsed


def time_page(company: Any, owner: Any, requests: int) -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from arcontent.analytics.figures import figures_for
    from arcontent.analytics.periods import period_last
    from arcontent.analytics.tasks import rollup_views
    from arvlite.core.tenancy import company_scope
    from projects.models import Project

    def line(label: str, times: list[float]) -> None:
        print(
            f"{label}: median {statistics.median(times):.0f} ms, max {max(times):.0f} ms ({len(times)} requests)"
        )

    connection.close()  # the first request opens its own connection, as a fresh worker would
    cache.clear()
    client = Client()
    client.force_login(owner)
    path = f"/c/{company.slug}/analytics/?range=90"
    first = _get(client, f"/c/{company.slug}/projects/")
    print(f"first request of the process (the projects page: URLs, imports, connection): {first:.0f} ms")
    cold = _get(client, path)
    print(f"analytics page, 90 days, first time (template compiled, figures computed): {cold:.0f} ms")
    assert b'data-testid="analytics-charts"' in client.get(path).content
    uncached = []
    for _ in range(requests):
        cache.clear()  # as right after a roll-up that nobody warmed: the figures are computed again
        uncached.append(_get(client, path))
    line("analytics page, figures computed (cache miss)", uncached)
    # A custom range is never warmed by the periodic task: every such view is a cache miss.
    last = dt.date.today()
    custom = (
        f"/c/{company.slug}/analytics/?from={last - dt.timedelta(days=60)}&to={last - dt.timedelta(days=3)}"
    )
    misses = []
    for _ in range(requests):
        cache.clear()
        misses.append(_get(client, custom))
    line("analytics page, custom range of 58 days (cache miss)", misses)
    line("analytics page, figures from the cache", [_get(client, path) for _ in range(requests)])
    after_task = []
    for _ in range(3):
        timed("  periodic task for the company (roll-up of 2 days + warming the figures)",
              lambda: rollup_views(company_id=company.pk))  # fmt: skip
        after_task.append(_get(client, path))
    line("analytics page, first request after the periodic task", after_task)
    line("dashboard with the 30-day cards", [_get(client, f"/c/{company.slug}/") for _ in range(requests)])
    with company_scope(company):
        period = period_last(company=company, days=90)
        alone = []
        for _ in range(requests):
            start = time.perf_counter()
            figures_for(company=company, period=period)
            alone.append((time.perf_counter() - start) * 1000)
    line("figures alone (figures_for, 90 days, 4 queries)", alone)
    with company_scope(company):
        project = Project.objects.filter(company=company).order_by("pk").first()  # the busiest one
        alone = []
        for _ in range(requests):
            start = time.perf_counter()
            figures_for(company=company, period=period, project=project)
            alone.append((time.perf_counter() - start) * 1000)
    line("figures of the busiest project alone (90 days)", alone)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10_000_000)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the database a --keep run left")
    args = parser.parse_args()

    if not args.reuse:
        psql(f"DROP DATABASE IF EXISTS {DB}")
        psql(f"CREATE DATABASE {DB}")
    static_root = tempfile.mkdtemp(prefix="arvlite-bench-static-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="arvlite.settings",
        DEBUG="false",
        PUBLIC_URL="https://arvlite.example.com",
        LOG_LEVEL="warning",
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="false",
        SECRET_KEY="bench-only-" + "x" * 50,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB}",
        STATIC_ROOT=static_root,  # collected with the manifest, as production serves them
        # Production runs beat: no roll-up on read (without Redis the settings would think
        # this is the embedded run and roll two days up on every cache miss).
        ANALYTICS_ROLLUP_ON_READ_SECONDS="0",
    )
    os.environ.pop("REDIS_URL", None)  # local-memory cache: the figures cache without a network hop
    try:
        import django

        django.setup()
        from django.core.management import call_command

        from companies.models import Company, User

        call_command("collectstatic", interactive=False, verbosity=0)
        if args.reuse:
            company = Company.objects.get(slug="bench-studio")
            owner = User.objects.get(email="owner@bench.example.com")
        else:
            call_command("migrate", verbosity=0)
            company, owner = make_company()
            timed(
                f"generate {args.sessions:,} view sessions", lambda: load_sessions(company.pk, args.sessions)
            )
        run_rollups(company)
        time_page(company, owner, args.requests)
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(static_root, ignore_errors=True)
        if not args.keep:
            psql(f"DROP DATABASE IF EXISTS {DB}")


if __name__ == "__main__":
    main()
