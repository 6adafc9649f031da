"""The customer's private order page (no account: the signed link is the key)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from arvlite.core.tenancy import company_scope, scopes_disabled
from orders.links import access_token_from
from orders.models import Order


def order_for_link(signed: str) -> Order:
    """The order behind a signed link; a tampered or unknown link is a 404."""
    token = access_token_from(signed)
    if token is None:
        raise Http404
    with scopes_disabled():  # the signed token is the secret that picks the company
        order = Order.objects.select_related("company", "content").filter(access_token=token).first()
    if order is None:
        raise Http404
    return order


def customer_page(request: HttpRequest, token: str) -> HttpResponse:
    order = order_for_link(token)
    with (
        company_scope(order.company),
        translation.override(request.GET.get("lang") or order.customer_language),
    ):
        return render(
            request,
            "orders/customer_page.html",
            {
                "order": order,
                "company": order.company,
                "items": list(order.items.all()),
                "history": list(order.status_changes.all()),
            },
        )
