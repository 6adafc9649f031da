#!/usr/bin/env python
"""The orders list with 100,000 orders in one company, and the storefront and order pages.

Creates a scratch database `arvlite_bench_orders` on 127.0.0.1 (dropped at the end, also
after a failure), migrates it, and for one company with a small price list:

1. times `GET /api/v1/companies/<slug>/orders/?page_size=100` (an API key, as an
   integration would call it) and the portal's orders page (25 rows, status tabs) while the
   company has 10 orders, then again after the orders grow to 100,000 (bulk-inserted, two
   items each, numbers and tokens as the service makes them) — with the query count of
   each request, which must not change;
2. the same list filtered by status and searched by a customer's e-mail;
3. the storefront page `/shop/<slug>/` and a customer's order page `/orders/<token>/`.

    .venv/bin/python bench/orders_list.py                 # 100,000 orders
    .venv/bin/python bench/orders_list.py --orders 20000 --keep

Needs the local PostgreSQL as user `postgres`; takes about 2 minutes.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB = "arvlite_bench_orders"
PSQL = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc"]
BATCH = 5_000


def psql(sql: str, database: str = "postgres") -> None:
    subprocess.run([*PSQL, sql, "-d", database], check=True)


def make_company() -> tuple[Any, Any, list[Any]]:
    from arvlite.core.roles import Role
    from arvlite.core.tenancy import scopes_disabled
    from companies.models import Company, Membership, User
    from orders.models import Product

    with scopes_disabled():
        company = Company.objects.create(name="Bench Studio", slug="bench-studio", time_zone="Europe/Moscow")
        owner = User.objects.create_user(email="owner@bench.example.com", password=None)
        Membership.objects.create(company=company, user=owner, role=Role.OWNER)
        products = [
            Product.objects.create(company=company, name="Living photo, 1 year", kind="living_photo",
                                   term_years=1, price=Decimal("1990.00"), vat_rate="20"),
            Product.objects.create(company=company, name="Print 10×15", kind="printed_copy",
                                   price=Decimal("150.00"), vat_rate="20"),
        ]  # fmt: skip
    return company, owner, products


def add_orders(company: Any, products: list[Any], start: int, count: int) -> None:
    """Orders ``start``..``start + count`` as the service would leave them, in batches."""
    from django.db import transaction
    from django.utils import timezone

    from arvlite.core.tenancy import scopes_disabled
    from orders.models import Order, OrderItem

    statuses = ["awaiting_payment", "paid", "in_production", "shipped", "completed", "completed", "cancelled"]
    now = timezone.now()
    living, copy = products
    with scopes_disabled():
        for first in range(start, start + count, BATCH):
            numbers = range(first, min(first + BATCH, start + count))
            with transaction.atomic():
                orders = Order.objects.bulk_create(
                    Order(
                        company=company,
                        number=f"ARV-2026-{n + 1:06d}",
                        status=statuses[n % len(statuses)],
                        source="storefront" if n % 3 else "staff",
                        customer_name=f"Customer {n + 1}",
                        customer_email=f"customer{n + 1}@example.com",
                        customer_phone=f"+7912{n + 1:07d}",
                        currency="RUB",
                        total=Decimal("2140.00"),
                        vat_total=Decimal("356.67"),
                        access_token=secrets.token_urlsafe(32),
                    )
                    for n in numbers
                )
                OrderItem.objects.bulk_create(
                    OrderItem(company=company, order=order, product=product, name=product.name,
                              kind=product.kind, term_years=product.term_years, unit_price=product.price,
                              quantity=1, vat_rate="20", line_total=product.price,
                              vat_amount=(product.price / 6).quantize(Decimal("0.01")), position=position)
                    for order in orders
                    for position, product in enumerate((living, copy))
                )  # fmt: skip
                # Spread over the last year, newest last, as real orders would be.
                for n, order in zip(numbers, orders, strict=True):
                    order.created_at = now - timedelta(minutes=(start + count - n) * 5)
                Order.objects.bulk_update(orders, ["created_at"])
    psql("VACUUM ANALYZE", DB)  # as autovacuum would have, after the bulk load


def measure(client: Any, path: str, requests: int, **headers: str) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    queries = 0
    for _ in range(requests):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(path, headers=headers)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        queries = len(captured)
    return statistics.median(times), max(times), queries


def report(label: str, figures: tuple[float, float, int]) -> None:
    median, worst, queries = figures
    print(f"{label}: median {median:.1f} ms, max {worst:.1f} ms, {queries} queries", flush=True)


def time_pages(company: Any, owner: Any, key: str, requests: int, label: str) -> None:
    from django.test import Client

    from arvlite.core.tenancy import scopes_disabled
    from orders.links import customer_page_path
    from orders.models import Order

    api = f"/api/v1/companies/{company.slug}/orders/"
    auth = {"Authorization": f"Api-Key {key}"}
    client = Client()
    client.force_login(owner)
    report(f"[{label}] API list, 100 rows", measure(client, f"{api}?page_size=100", requests, **auth))
    report(f"[{label}] API list, status=paid, 100 rows",
           measure(client, f"{api}?page_size=100&status=paid", requests, **auth))  # fmt: skip
    report(f"[{label}] API list, search by e-mail",
           measure(client, f"{api}?search=customer7@example.com", requests, **auth))  # fmt: skip
    report(f"[{label}] portal orders page, 25 rows + tabs",
           measure(client, f"/c/{company.slug}/orders/", requests))  # fmt: skip
    report(f"[{label}] storefront page", measure(Client(), f"/shop/{company.slug}/", requests))
    with scopes_disabled():
        order = Order.objects.filter(company=company).order_by("-id").first()
    assert order is not None
    report(f"[{label}] customer's order page",
           measure(Client(), customer_page_path(order.access_token), requests))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

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
        STATIC_ROOT=static_root,
    )
    os.environ.pop("REDIS_URL", None)
    try:
        import django

        django.setup()
        from django.core.management import call_command

        from arvlite.core.roles import Role
        from arvlite.core.tenancy import company_scope
        from companies.api_keys import api_key_create

        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("migrate", verbosity=0)
        company, owner, products = make_company()
        with company_scope(company):
            secret = api_key_create(
                company=company, actor=owner, name="bench", role=Role.VIEWER, actor_role=Role.OWNER
            ).key
        add_orders(company, products, 0, 10)
        time_pages(company, owner, secret, args.requests, "10 orders")
        start = time.perf_counter()
        add_orders(company, products, 10, args.orders - 10)
        print(f"bulk insert of {args.orders - 10:,} orders: {time.perf_counter() - start:.1f} s", flush=True)
        time_pages(company, owner, secret, args.requests, f"{args.orders:,} orders")
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(static_root, ignore_errors=True)
        if not args.keep:
            psql(f"DROP DATABASE IF EXISTS {DB}")


if __name__ == "__main__":
    main()
