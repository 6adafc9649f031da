"""The customer's order page behind its signed link."""

from __future__ import annotations

import pytest
from django.test import Client

from arvlite.core.tenancy import company_scope
from companies.models import Company, User
from orders.links import customer_page_path
from orders.services import order_mark_paid
from orders.tests.factories import make_order

pytestmark = pytest.mark.django_db


def test_the_signed_link_shows_the_order_and_its_history(
    client: Client, company: Company, editor: User
) -> None:
    with company_scope(company):
        order = make_order(company, customer_language="en")
        order_mark_paid(order=order, actor=editor)
    page = client.get(customer_page_path(order.access_token))
    assert page.status_code == 200
    text = page.content.decode()
    assert order.number in text
    assert "Paid" in text
    assert "1990.00" in text


def test_a_tampered_or_unknown_link_is_a_404(client: Client, company: Company) -> None:
    with company_scope(company):
        order = make_order(company)
    path = customer_page_path(order.access_token)
    assert client.get(path[:-3] + "xx/").status_code == 404
    assert client.get("/orders/not-a-token/").status_code == 404
    assert client.get(customer_page_path("unknown-token")).status_code == 404
