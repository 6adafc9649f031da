"""Reads about orders, shared by the API and the portal: the filtered list, one order,
counts per status, a customer's history and the revenue figures of the dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from companies.models import Company
from orders.models import Order, OrderItem, Product

Status = Order.Status


@dataclass(frozen=True)
class OrderFilters:
    status: str = ""
    search: str = ""
    created_after: date | None = None
    created_before: date | None = None
    product: int | None = None


def order_list(*, company: Company, filters: OrderFilters | None = None) -> QuerySet[Order]:
    """The company's orders, newest first, filtered; items prefetched so a page of rows
    costs the same few queries however many orders there are."""
    filters = filters or OrderFilters()
    rows = Order.objects.filter(company=company)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.search:
        rows = rows.filter(_search(filters.search))
    if filters.created_after:
        rows = rows.filter(created_at__gte=_day_start(filters.created_after))
    if filters.created_before:
        # inclusive: orders of that whole day
        rows = rows.filter(created_at__lt=_day_start(filters.created_before) + timedelta(days=1))
    if filters.product:
        rows = rows.filter(items__product_id=filters.product).distinct()
    return rows.select_related("content").prefetch_related(
        Prefetch("items", queryset=OrderItem.objects.order_by("position", "id"))
    )


def _search(text: str) -> Q:
    text = text.strip()
    query = Q(number__icontains=text) | Q(customer_name__icontains=text) | Q(customer_email__icontains=text)
    digits = "".join(char for char in text if char.isdigit())
    if len(digits) >= 4:  # a phone typed any way: 8 912…, +7 (912)…
        query |= Q(customer_phone__contains=digits[-10:])
    return query


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def order_get(*, company: Company, order_id: Any) -> Order:
    """One order of the company, or Http404 (also for another company's id)."""
    try:
        pk = int(order_id)
    except (TypeError, ValueError):
        raise Http404 from None
    order = (
        Order.objects.filter(company=company, pk=pk)
        .select_related("company", "content", "project", "created_by")
        .prefetch_related("items", "status_changes__actor_user")
        .first()
    )
    if order is None:
        raise Http404
    return order


def status_counts(*, company: Company) -> dict[str, int]:
    """How many orders are in each status (every status present, zero included)."""
    counts = dict(
        Order.objects.filter(company=company).order_by().values_list("status").annotate(n=Count("id"))
    )
    return {value: counts.get(value, 0) for value in Status.values}


def customer_orders(*, company: Company, email: str = "", phone: str = "") -> QuerySet[Order]:
    """Every order of one customer, found by e-mail or phone (either matches)."""
    query = Q()
    if email.strip():
        query |= Q(customer_email__iexact=email.strip())
    if phone.strip():
        query |= Q(customer_phone=phone.strip())
    if not query:
        return Order.objects.none()
    return order_list(company=company).filter(query)


@dataclass(frozen=True)
class Revenue:
    paid_this_month: Decimal
    currency: str
    awaiting_payment: int
    in_production: int


PAID_STATUSES = (Status.PAID, Status.IN_PRODUCTION, Status.SHIPPED, Status.COMPLETED)


def revenue(*, company: Company, now: datetime | None = None) -> Revenue:
    """The dashboard's figures: paid this month (in the company's main currency — RUB
    unless all its orders are in another), orders waiting for payment, in production."""
    now = timezone.localtime(now)
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    orders = Order.objects.filter(company=company)
    currency = (
        orders.order_by()
        .values_list("currency")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("currency", flat=True)
        .first()
        or "RUB"
    )
    paid = orders.filter(status__in=PAID_STATUSES, paid_at__gte=month_start, currency=currency).aggregate(
        total=Sum("total")
    )["total"]
    counts = status_counts(company=company)
    return Revenue(
        paid_this_month=paid or Decimal("0.00"),
        currency=currency,
        awaiting_payment=counts[Status.AWAITING_PAYMENT],
        in_production=counts[Status.IN_PRODUCTION],
    )


def active_products(*, company: Company) -> QuerySet[Product]:
    return Product.objects.filter(company=company, active=True).order_by("position", "id")
