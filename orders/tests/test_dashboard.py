"""The orders card of the company dashboard."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from arvlite.core.tenancy import company_scope
from companies.models import Company, User
from orders.models import Order, Product
from orders.services import order_mark_paid, order_transition
from orders.tests.factories import ProductFactory, make_order

pytestmark = pytest.mark.django_db


def test_the_dashboard_shows_this_months_revenue_and_the_queues(
    client: Client, company: Company, other_company: Company, editor: User
) -> None:
    def copy(owner: Company) -> Product:
        return ProductFactory(
            company=owner, kind=Product.Kind.PRINTED_COPY, term_years=None, price=Decimal("1250.50")
        )

    with company_scope(company):
        for _ in range(2):
            order_mark_paid(order=make_order(company, copy(company)), actor=editor)
        in_production = order_mark_paid(order=make_order(company, copy(company)), actor=editor)
        order_transition(order=in_production, actor=editor, to=Order.Status.IN_PRODUCTION)
        make_order(company, copy(company), status=Order.Status.AWAITING_PAYMENT)
        make_order(company, copy(company))  # a draft counts nowhere
    with company_scope(other_company):
        order_mark_paid(order=make_order(other_company, copy(other_company)), actor=None)
    client.force_login(editor)
    html = client.get(f"/c/{company.slug}/").content.decode()
    panel = html[html.index('data-panel="orders"') :]
    assert "3751.50 RUB" in panel  # three paid this month, not the other company's
    assert "Awaiting payment: <strong>1</strong>" in panel
    assert "In production: <strong>1</strong>" in panel
