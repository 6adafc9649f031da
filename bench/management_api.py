#!/usr/bin/env python
"""The management API's AR content list at 10,000 contents, as a real client calls it.

Creates a scratch database `arvlite_bench_management` (dropped at the end unless --keep),
10,000 published contents with a video each in ONE company (the viewer bench's seed), an
owner, and a JWT for the owner from the API's own token endpoint. Then, for each server
configuration, starts the production application on it and runs wrk with the token:

    GET /api/v1/companies/<slug>/ar-content/?page_size=100     (a page of 100 rows)

with 32 connections for 20 s after a 3 s warm-up, and reports req/s, p50/p99 and the SQL
queries one such request makes (counted in process with the same settings).

    .venv/bin/python bench/management_api.py
    .venv/bin/python bench/management_api.py --configs gthread:4 --connections 32

Needs PostgreSQL and Redis on 127.0.0.1 and wrk (installed with apt when missing, as the
viewer bench does). Results go in docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import viewer_load as vl

DB = "arvlite_bench_management"
SLUG = "bench-studio-0"
PAGE = f"/api/v1/companies/{SLUG}/ar-content/?page_size=100"


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(binary: str, token: str, seconds: int, connections: int) -> dict[str, float]:
    command = [binary, "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "--latency",
               "-H", f"Authorization: Bearer {token}", "-H", "X-Forwarded-Proto: https",
               f"http://127.0.0.1:{vl.PORT}{PAGE}"]  # fmt: skip
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    latency = dict(re.findall(r"\b(50|99)%\s+([\d.]+(?:us|ms|s))\b", out))
    if set(latency) != {"50", "99"}:
        raise SystemExit(f"wrk printed no latency distribution:\n{out}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50": _ms(latency["50"]),
        "p99": _ms(latency["99"]),
        "non_2xx": float(non_2xx.group(1)) if non_2xx else 0.0,
        "socket_errors": float(sum(int(n) for n in errors.groups())) if errors else 0.0,
    }


def token_for(email: str, password: str) -> str:
    request = urllib.request.Request(
        f"http://127.0.0.1:{vl.PORT}/api/v1/auth/token/",
        data=json.dumps({"email": email, "password": password}).encode(),
        headers={"Content-Type": "application/json", "X-Forwarded-Proto": "https"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
        return str(json.loads(response.read())["access"])


def queries_per_page(owner_email: str) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from companies.models import User

    client = Client()
    client.force_login(User.objects.get(email=owner_email))
    client.get(PAGE, secure=True)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(PAGE, secure=True).status_code == 200
    return len(captured)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contents", type=int, default=10_000)
    parser.add_argument(
        "--configs", default="gthread:4,sync", help="comma-separated: sync, gthread:N, granian:N"
    )
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    vl.DB, vl.COMPANIES = DB, 1  # the viewer bench's seed, into one company and this database
    vl.create_database()
    binary = vl.ensure_wrk()
    work = Path(tempfile.mkdtemp(prefix="arvlite-bench-management-"))
    media = work / "media"
    media.mkdir()
    env = vl.base_env(str(media), "warning")
    # The API's throttle is per user: one client sending as fast as it can would be refused.
    env.update(
        THROTTLE_USER="100000000/minute",
        DATABASE_CONN_MAX_AGE="60",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
    )
    import os

    os.environ.update({k: v for k, v in env.items() if k not in {"PATH"}})
    try:
        import django

        django.setup()
        from django.core.management import call_command

        from arvlite.core.roles import Role
        from arvlite.core.tenancy import scopes_disabled
        from companies.models import Company, Membership, User

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        vl.seed(args.contents)
        password = "bench-" + vl.SECRET_KEY[:20]
        with scopes_disabled():
            owner = User.objects.create_user(email="owner@bench.example.com", password=password)
            Membership.objects.create(company=Company.objects.get(slug=SLUG), user=owner, role=Role.OWNER)
        print(
            f"{args.contents:,} contents in one company in {time.perf_counter() - started:.0f} s", flush=True
        )
        vl.psql("VACUUM ANALYZE", DB)
        queries = queries_per_page(owner.email)
        print(f"SQL queries per page of 100: {queries}", flush=True)
        from django.db import connections

        connections.close_all()

        rows = []
        for config in args.configs.split(","):
            server = vl.Server("arvlite.wsgi:application", config, env, work / f"{config}.log", work)
            try:
                token = token_for(owner.email, password)
                run_wrk(binary, token, 3, args.connections)  # warm-up
                result = run_wrk(binary, token, args.duration, args.connections)
                rows.append((config, result))
                print(f"{config}: {result['rps']:,.0f} req/s, p99 {result['p99']:.0f} ms", flush=True)
            finally:
                server.stop()
        print()
        print("| server (2 workers) | req/s | p50 ms | p99 ms | non-2xx | socket errors | SQL per page |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for config, r in rows:
            print(f"| {config} | {r['rps']:,.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['non_2xx']:.0f} "
                  f"| {r['socket_errors']:.0f} | {queries} |")  # fmt: skip
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            vl.psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")


if __name__ == "__main__":
    sys.exit(main())
