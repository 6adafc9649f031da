"""Orders in the portal's search box: by number, customer name, phone or e-mail."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from arvlite.core.roles import Role
from arvlite.core.search import (
    SearchHit,
    SearchQuery,
    SearchResult,
    best_first,
    page_with_total,
    search_provider_register,
    text_or_phone_matches,
)
from companies.models import Company
from orders.models import Order


def order_search(company: Company, query: SearchQuery, offset: int, limit: int) -> SearchResult:
    """The company's orders matching the number or the customer (name, e-mail, phone in any
    formatting); an exact or leading number first, then the newest."""
    rows = (
        Order.objects.filter(company=company)
        .filter(
            text_or_phone_matches(
                query,
                text_fields=("number", "customer_name", "customer_email"),
                phone_field="customer_phone",
            )
        )
        .order_by(best_first("number", query.text), "-created_at", "-id")
    )
    orders, total = page_with_total(rows, offset=offset, limit=limit)
    hits = [
        SearchHit(
            id=str(order.pk),
            title=order.number,
            subtitle=" · ".join(
                part for part in (order.customer_name, str(order.get_status_display())) if part
            ),
            url=reverse("order-detail-page", kwargs={"company_slug": company.slug, "pk": order.pk}),
        )
        for order in orders
    ]
    return SearchResult(hits=hits, total=total)


def register_search_provider() -> None:
    # Viewers read orders (the list and the order page), so they find them too.
    search_provider_register(
        kind="orders", label=_("Orders"), search=order_search, order=40, read_role=Role.VIEWER
    )
