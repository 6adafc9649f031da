"""The orders back office: lists, search, and actions that go through the services; money
records and issued documents are shown, never changed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.models import Company, User
from companies.services import company_update
from orders.invoices.models import CreditNote, Invoice
from orders.models import Order, OrderStatusChange, Product
from orders.payments.models import Payment, Refund, WebhookEvent
from orders.payments.services import payment_refund
from orders.tests.factories import ProductFactory, make_order
from orders.tests.test_invoices import LEGAL, paid_order

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


# --- money: payments are looked at, issued documents never change ------------------------------


def _paid_with_invoice(company: Company, owner: User) -> tuple[Order, Invoice]:
    seller = company_update(company=company, actor=owner, **LEGAL)
    order = paid_order(seller, owner, ProductFactory(company=seller, kind=Product.Kind.PRINTED_COPY,
                                                     term_years=None, price=Decimal("1500.00")))  # fmt: skip
    with scopes_disabled():
        return order, Invoice.objects.get(order=order)


def _frozen(document: Invoice | CreditNote) -> dict[str, Any]:
    """Every stored value of the document, read back from the database."""
    with scopes_disabled():
        return dict(type(document).objects.filter(pk=document.pk).values().get())


def _staff_with_every_permission(model: type[Invoice] | type[CreditNote]) -> User:
    """A staff member who was even granted add/change/delete: the admin still refuses."""
    user = User.objects.create_user("staff@example.com", "pw-1234567890", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type=ContentType.objects.get_for_model(model))
    )
    return user


@pytest.mark.parametrize("who", ["superuser", "staff"])
def test_an_invoice_is_shown_in_the_admin_but_never_changed_or_deleted(
    client: Client, company: Company, owner: User, who: str
) -> None:
    order, invoice = _paid_with_invoice(company, owner)
    before = _frozen(invoice)
    user = (User.objects.create_superuser("ops@example.com", "pw-1234567890") if who == "superuser"
            else _staff_with_every_permission(Invoice))  # fmt: skip
    client.force_login(user)
    base = "/admin/orders/invoice/"

    listing = client.get(base, {"q": order.number})
    assert listing.status_code == 200
    assert invoice.number in listing.content.decode()
    assert 'value="delete_selected"' not in listing.content.decode()  # no bulk delete offered
    page = client.get(f"{base}{invoice.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert invoice.number in html
    assert LEGAL["tax_id"] in html
    assert 'name="_save"' not in html  # view only: nothing to save
    assert 'name="total"' not in html

    assert client.post(f"{base}{invoice.pk}/change/", {"total": "1.00", "number": "X-1",
                                                        "_save": "Save"}).status_code == 403  # fmt: skip
    assert client.get(f"{base}{invoice.pk}/delete/").status_code == 403
    assert client.post(f"{base}{invoice.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"{base}add/").status_code == 403
    bulk = client.post(base, {"action": "delete_selected", "_selected_action": [invoice.pk], "post": "yes"})
    assert bulk.status_code in (200, 302)  # "no action selected": the action does not exist here
    assert _frozen(invoice) == before


def test_a_credit_note_is_shown_in_the_admin_but_never_changed_or_deleted(
    client: Client, company: Company, owner: User
) -> None:
    order, invoice = _paid_with_invoice(company, owner)
    with company_scope(company):
        payment = Payment.objects.get(order=order)
        payment_refund(payment=payment, amount="500.00", actor=owner, reason="Damaged print")
    with scopes_disabled():
        note = CreditNote.objects.get(invoice=invoice)
    before = _frozen(note)
    client.force_login(User.objects.create_superuser("ops@example.com", "pw-1234567890"))
    base = "/admin/orders/creditnote/"
    assert note.number in client.get(base, {"q": note.number}).content.decode()
    html = client.get(f"{base}{note.pk}/change/").content.decode()
    assert note.number in html
    assert invoice.number in html
    assert "Damaged print" in html
    # the invoice's page names its credit notes
    assert note.number in client.get(f"/admin/orders/invoice/{invoice.pk}/change/").content.decode()
    assert client.post(f"{base}{note.pk}/change/", {"reason": "edited"}).status_code == 403
    assert client.post(f"{base}{note.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"{base}add/").status_code == 403
    assert _frozen(note) == before


def test_payments_refunds_and_notifications_are_read_only_in_the_admin(
    client: Client, company: Company, owner: User
) -> None:
    company_update(company=company, actor=owner, yookassa_shop_id="506751",
                   yookassa_secret_key="test_SuperSecretKey")  # fmt: skip
    order, _invoice = _paid_with_invoice(company, owner)
    with company_scope(company):
        payment = Payment.objects.get(order=order)
        refund = payment_refund(payment=payment, amount="100.00", actor=owner)
    event = WebhookEvent.objects.create(provider="yookassa", event_key="payment.succeeded:abc", company=company,
                                        payment=payment, outcome=WebhookEvent.Outcome.APPLIED)  # fmt: skip
    client.force_login(User.objects.create_superuser("ops@example.com", "pw-1234567890"))
    for base, row in (("/admin/orders/payment/", payment), ("/admin/orders/refund/", refund),
                      ("/admin/orders/webhookevent/", event)):  # fmt: skip
        listing = client.get(base, {"q": order.number if row is not event else "abc"})
        assert listing.status_code == 200, base
        assert f"{base}{row.pk}/change/" in listing.content.decode(), base
        page = client.get(f"{base}{row.pk}/change/")
        assert page.status_code == 200, base
        assert "test_SuperSecretKey" not in page.content.decode()
        assert 'name="_save"' not in page.content.decode()
        assert client.post(f"{base}{row.pk}/change/", {"note": "x", "status": "canceled"}).status_code == 403
        assert client.post(f"{base}{row.pk}/delete/", {"post": "yes"}).status_code == 403
        assert client.get(f"{base}add/").status_code == 403
    # the payment's page lists its refunds
    assert "100.00" in client.get(f"/admin/orders/payment/{payment.pk}/change/").content.decode()
    payment.refresh_from_db()
    assert (payment.status, payment.note) == (Payment.Status.PARTIALLY_REFUNDED, "")
    with scopes_disabled():
        assert Refund.objects.filter(pk=refund.pk, status=Refund.Status.SUCCEEDED).exists()
        assert WebhookEvent.objects.filter(pk=event.pk).exists()
