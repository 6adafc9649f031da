"""The money side of the staff pages and the customer's page: refunds and invoices on the
order page, the invoices list with its PDFs, the month's payments CSV, and the customer's
own documents (and nobody else's)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.models import Company, User
from companies.services import company_update
from orders.invoices.models import CreditNote, Invoice
from orders.links import customer_page_path
from orders.models import Order, Product
from orders.payments.models import Payment
from orders.payments.services import manual_payment_record
from orders.tests.factories import ProductFactory, make_order
from orders.tests.test_invoices import LEGAL

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller(company: Company, owner: User) -> Company:
    return company_update(company=company, actor=owner, **LEGAL)


def paid(company: Company, actor: User, price: str = "3000.00", **fields: Any) -> Order:
    product = ProductFactory(
        company=company, kind=Product.Kind.PRINTED_COPY, term_years=None, price=Decimal(price)
    )
    with company_scope(company):
        order = make_order(company, product, status=Order.Status.AWAITING_PAYMENT, **fields)
        return manual_payment_record(order=order, actor=actor, method="cash")


def test_a_manager_refunds_half_and_a_credit_note_appears(
    seller: Company, manager: User, client: Client
) -> None:
    order = paid(seller, manager)
    client.force_login(manager)
    page = client.get(f"/c/{seller.slug}/orders/{order.pk}/").content.decode()
    assert 'data-testid="invoice-row"' in page
    assert 'data-testid="refund-form"' in page
    with scopes_disabled():
        payment = Payment.objects.get(order=order)
    url = f"/c/{seller.slug}/orders/{order.pk}/payments/{payment.pk}/refund/"
    too_much = client.post(url, {"amount": "3000.01"}, follow=True).content.decode()
    assert "3000.00" in too_much  # "At most 3000.00 RUB can be refunded."
    client.post(url, {"amount": "1500.00", "reason": "Brak"})
    page = client.get(f"/c/{seller.slug}/orders/{order.pk}/").content.decode()
    assert page.count('data-testid="refund-row"') == 1
    assert 'data-testid="credit-note-row"' in page
    with scopes_disabled():
        note = CreditNote.objects.get(order=order)
    assert note.total == Decimal("1500.00")
    pdf = client.get(f"/c/{seller.slug}/invoices/credit-note/{note.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content)  # type: ignore[attr-defined]  # a FileResponse.startswith(b"%PDF")


def test_editors_cannot_refund_and_viewers_see_no_forms(
    seller: Company, editor: User, viewer: User, client: Client
) -> None:
    order = paid(seller, editor)
    with scopes_disabled():
        payment = Payment.objects.get(order=order)
    client.force_login(editor)
    assert (
        'data-testid="refund-form"' not in client.get(f"/c/{seller.slug}/orders/{order.pk}/").content.decode()
    )
    url = f"/c/{seller.slug}/orders/{order.pk}/payments/{payment.pk}/refund/"
    assert client.post(url, {"amount": "1.00"}).status_code == 403
    client.force_login(viewer)
    page = client.get(f"/c/{seller.slug}/orders/{order.pk}/").content.decode()
    assert 'data-testid="invoice-issue"' not in page


def test_an_invoice_is_issued_by_hand_for_a_bank_transfer(
    seller: Company, editor: User, client: Client
) -> None:
    product = ProductFactory(company=seller, kind=Product.Kind.PRINTED_COPY, term_years=None)
    with company_scope(seller):
        order = make_order(seller, product, status=Order.Status.AWAITING_PAYMENT)
    client.force_login(editor)
    assert (
        'data-testid="invoice-issue"' in client.get(f"/c/{seller.slug}/orders/{order.pk}/").content.decode()
    )
    client.post(f"/c/{seller.slug}/orders/{order.pk}/invoice/")
    client.post(f"/c/{seller.slug}/orders/{order.pk}/invoice/")  # twice: still one invoice
    with scopes_disabled():
        assert Invoice.objects.filter(order=order).count() == 1
    with company_scope(seller):
        manual_payment_record(order=order, actor=editor, method="bank_transfer")
    with scopes_disabled():
        assert Invoice.objects.filter(order=order).count() == 1  # paying keeps the invoice sent


def test_without_legal_details_the_page_says_what_to_fill_in(
    company: Company, editor: User, client: Client
) -> None:
    product = ProductFactory(company=company, kind=Product.Kind.PRINTED_COPY, term_years=None)
    with company_scope(company):
        order = make_order(company, product, status=Order.Status.AWAITING_PAYMENT)
    client.force_login(editor)
    page = client.post(f"/c/{company.slug}/orders/{order.pk}/invoice/", follow=True).content.decode()
    assert "legal details" in page


def test_the_invoices_list_filters_and_stays_in_its_company(
    seller: Company, other_company: Company, editor: User, outsider: User, client: Client
) -> None:
    first = paid(seller, editor, customer_name="Maria Ivanova")
    paid(seller, editor, customer_name="Pyotr Petrov")
    client.force_login(editor)
    page = client.get(f"/c/{seller.slug}/invoices/").content.decode()
    assert page.count('data-testid="document-row"') == 2
    assert (
        client.get(f"/c/{seller.slug}/invoices/?q=Maria").content.decode().count('data-testid="document-row"')
        == 1
    )
    year = timezone.localdate().year
    assert (
        client.get(f"/c/{seller.slug}/invoices/?year={year - 1}").content.decode().count("document-row") == 0
    )
    assert (
        'data-testid="empty-state"'
        in client.get(f"/c/{seller.slug}/invoices/?kind=credit_notes").content.decode()
    )
    with scopes_disabled():
        invoice = Invoice.objects.get(order=first)
    client.force_login(outsider)
    assert client.get(f"/c/{seller.slug}/invoices/invoice/{invoice.pk}/pdf/").status_code == 404
    assert client.get(f"/c/{other_company.slug}/invoices/invoice/{invoice.pk}/pdf/").status_code == 404


def test_the_months_payments_as_csv(seller: Company, manager: User, editor: User, client: Client) -> None:
    order = paid(seller, manager, customer_name="=HYPERLINK(1)")
    client.force_login(manager)
    month = timezone.localdate().strftime("%Y-%m")
    answer = client.get(f"/c/{seller.slug}/payments/report/?month={month}")
    body = b"".join(answer.streaming_content)  # type: ignore[attr-defined]  # a streamed answer
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:2] == ["paid_at", "order"]
    assert rows[1][1] == order.number
    assert rows[1][2] == "'=HYPERLINK(1)"  # formula cells are defused
    assert rows[1][6] == "3000.00"
    for bad in ("2026-13", "0000-01", "9999-12", "x"):
        assert client.get(f"/c/{seller.slug}/payments/report/?month={bad}").status_code == 400, bad
    client.force_login(editor)
    assert client.get(f"/c/{seller.slug}/payments/report/?month={month}").status_code == 403


def test_the_customer_downloads_their_invoice_and_nothing_else(
    seller: Company, editor: User, client: Client
) -> None:
    mine, theirs = paid(seller, editor), paid(seller, editor)
    with scopes_disabled():
        my_invoice = Invoice.objects.get(order=mine)
        their_invoice = Invoice.objects.get(order=theirs)
    page = client.get(customer_page_path(mine.access_token)).content.decode()
    assert 'data-testid="invoice-download"' in page
    token = customer_page_path(mine.access_token).strip("/").split("/")[1]
    answer = client.get(f"/orders/{token}/documents/invoice/{my_invoice.pk}/")
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]  # a FileResponse
    assert client.get(f"/orders/{token}/documents/invoice/{their_invoice.pk}/").status_code == 404
    assert client.get(f"/orders/{token}/documents/contract/{my_invoice.pk}/").status_code == 404
    assert client.get(f"/orders/{token}x/documents/invoice/{my_invoice.pk}/").status_code == 404
