"""The orders back office: lists, search, and actions that go through the services."""

from __future__ import annotations

import pytest
from django.test import Client

from arvlite.core.tenancy import company_scope
from companies.models import Company, User
from orders.models import Order, OrderStatusChange, Product
from orders.tests.factories import ProductFactory, make_order

pytestmark = pytest.mark.django_db


def test_the_admin_finds_orders_and_moves_them_through_the_services(client: Client, company: Company) -> None:
    with company_scope(company):
        order = make_order(company, ProductFactory(company=company, kind=Product.Kind.PRINTED_COPY, term_years=None),
                           customer_email="anna@example.com")  # fmt: skip
    client.force_login(User.objects.create_superuser("ops@example.com", "pw-1234567890"))
    assert order.number in client.get("/admin/orders/order/?q=anna@example").content.decode()
    assert client.get(f"/admin/orders/order/{order.pk}/change/").status_code == 200
    url = "/admin/orders/order/"
    client.post(url, {"action": "move_to_shipped", "_selected_action": [order.pk]})  # refused: still a draft
    with company_scope(company):
        assert Order.objects.get(pk=order.pk).status == Order.Status.DRAFT
    client.post(url, {"action": "mark_paid", "_selected_action": [order.pk]})
    client.post(url, {"action": "move_to_in_production", "_selected_action": [order.pk]})
    with company_scope(company):
        assert Order.objects.get(pk=order.pk).status == Order.Status.IN_PRODUCTION
        moves = list(OrderStatusChange.objects.filter(order=order).values_list("to_status", flat=True))
    assert moves == ["draft", "paid", "in_production"]
    # the status is not editable in the form
    page = client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    assert 'name="status"' not in page
