"""The customer's order page behind its signed link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from arcontent.models import ARContent
from arcontent.tests.factories import make_content
from arvlite.core.tenancy import company_scope
from companies.models import Company, User
from orders.links import customer_page_path
from orders.models import Order, Product
from orders.services import order_mark_paid
from orders.tests.factories import ProductFactory, make_order

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


def test_the_page_shows_the_qr_once_the_content_is_ready_and_offers_renewal_near_the_end(
    client: Client, company: Company, editor: User
) -> None:
    with company_scope(company):
        content = make_content(
            company, status=ARContent.Status.ACTIVE, expires_at=timezone.now() + timedelta(days=5)
        )
        ProductFactory(company=company, kind=Product.Kind.RENEWAL, term_years=1, name="Renewal 1 year")
        order = make_order(company, customer_language="en")
        order_mark_paid(order=order, actor=editor)
        order.content = content
        order.save()
    path = customer_page_path(order.access_token)
    html = client.get(path).content.decode()
    assert 'data-testid="order-qr"' in html
    assert "<svg" in html
    assert f"/view/{content.unique_id}" in html
    assert 'data-testid="renew"' in html
    renewed = client.post(path + "renew/")
    assert renewed.status_code == 302
    again = client.post(path + "renew/")
    assert again["Location"] == renewed["Location"]  # the open renewal, not a second one
    with company_scope(company):
        renewal = Order.objects.exclude(pk=order.pk).get()
    assert renewal.status == Order.Status.AWAITING_PAYMENT
    assert renewal.content == content
    renewal_page = client.get(renewed["Location"]).content.decode()
    assert "Renewal 1 year" in renewal_page


def test_no_renewal_far_from_the_end_and_a_refusal_is_a_message(
    client: Client, company: Company, editor: User
) -> None:
    with company_scope(company):
        content = make_content(
            company, status=ARContent.Status.ACTIVE, expires_at=timezone.now() + timedelta(days=200)
        )
        order = make_order(company, customer_language="en")
        order.content = content
        order.save()
    path = customer_page_path(order.access_token)
    assert 'data-testid="renew"' not in client.get(path).content.decode()
    refused = client.post(path + "renew/")
    assert refused.status_code == 302
    assert "error=renew" in refused["Location"]
    assert "cannot be renewed online" in client.get(refused["Location"]).content.decode()
