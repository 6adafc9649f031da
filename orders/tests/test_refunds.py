"""Refunds, two-stage capture, reconciliation and webhook replays against the local YooKassa
emulation over HTTP: partial and full refunds with their receipts and credit notes, refunds
whose outcome is unknown, events out of order, and a notification replayed concurrently."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone

from arcontent.models import ARContent
from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.models import Company, User
from companies.services import company_update
from orders.invoices.models import CreditNote, Invoice
from orders.models import Order, Product, VatRate
from orders.payments.models import Payment, Refund, WebhookEvent
from orders.payments.providers.base import ProviderUnavailableError
from orders.payments.services import (
    manual_payment_record,
    payment_capture,
    payment_refund,
    payment_start,
    reconcile_payments,
)
from orders.tests.factories import ProductFactory, make_order
from orders.tests.test_invoices import LEGAL
from orders.tests.yookassa_emulator import (
    SECRET,
    SHOP,
    WEBHOOK,
    Emulator,
    post_notification,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(company: Company, owner: User) -> Company:
    return company_update(company=company, actor=owner, yookassa_shop_id=SHOP, yookassa_secret_key=SECRET,
                          receipts_enabled=True, tax_system_code=1, **LEGAL)  # fmt: skip


def new_order(company: Company, price: str = "2000.00", **fields: Any) -> Order:
    product = ProductFactory(company=company, kind=Product.Kind.PRINTED_COPY, term_years=None,
                             price=Decimal(price), vat_rate=VatRate.TWENTY_TWO)  # fmt: skip
    with company_scope(company):
        return make_order(company, product, status=Order.Status.AWAITING_PAYMENT,
                          customer_email="maria@example.com", **fields)  # fmt: skip


def notify(client: Client, kassa: Emulator, event: str, payment: Payment) -> Any:
    return post_notification(client, kassa, event, payment.provider_payment_id)


def paid_online(kassa: Emulator, client: Client, order: Order) -> Payment:
    with company_scope(order.company):
        payment = payment_start(order=order)
    kassa.set_status(payment.provider_payment_id, "succeeded")
    assert notify(client, kassa, "payment.succeeded", payment).json() == {"outcome": "applied"}
    payment.refresh_from_db()
    return payment


def test_half_then_the_rest_refunded_with_receipts_and_credit_notes(
    kassa: Emulator, shop: Company, client: Client, editor: User
) -> None:
    order = new_order(shop)
    payment = paid_online(kassa, client, order)
    with company_scope(shop):
        first = payment_refund(payment=payment, amount="1000.00", actor=editor, reason="Брак печати")
    assert first.status == Refund.Status.SUCCEEDED
    remote = kassa.refunds[first.provider_refund_id]
    assert remote["amount"] == {"value": "1000.00", "currency": "RUB"}
    assert sum(Decimal(item["amount"]["value"]) for item in remote["receipt"]["items"]) == Decimal("1000.00")
    assert remote["receipt"]["items"][0]["vat_code"] == 11  # 22 %
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PARTIALLY_REFUNDED
    order.refresh_from_db()
    assert order.status == Order.Status.PAID  # half is still paid for
    with scopes_disabled():
        invoice = Invoice.objects.get(order=order)
        assert [note.total for note in CreditNote.objects.filter(invoice=invoice)] == [Decimal("1000.00")]
    with company_scope(shop):
        payment_refund(payment=payment, amount=Decimal("1000.00"), actor=editor)
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    assert payment.refunded_amount == Decimal("2000.00")
    assert order.status == Order.Status.REFUNDED
    with scopes_disabled():
        assert CreditNote.objects.filter(invoice=invoice).count() == 2
    assert kassa.payments[payment.provider_payment_id]["refunded_amount"]["value"] == "2000.00"


def test_a_refund_larger_than_paid_is_refused_with_nothing_recorded(
    kassa: Emulator, shop: Company, client: Client, owner: User
) -> None:
    payment = paid_online(kassa, client, new_order(shop))
    client.force_login(owner)
    url = f"/api/v1/companies/{shop.slug}/payments/{payment.pk}/refund/"
    for amount in ("2000.01", "0", "-5", "lots", "NaN", "1e9"):
        answer = client.post(url, {"amount": amount}, content_type="application/json")
        assert answer.status_code == 400, amount
        assert "amount" in answer.json()["errors"], amount
    with scopes_disabled():
        assert not Refund.objects.exists()
    assert kassa.refunds == {}


def test_a_refund_whose_outcome_is_unknown_is_resent_with_its_key(
    kassa: Emulator, shop: Company, client: Client, editor: User, settings: Any
) -> None:
    payment = paid_online(kassa, client, new_order(shop))
    # YooKassa refunds, but every answer (the retries' too) is lost.
    kassa.fail_next("/v3/refunds", mode="hang", times=settings.YOOKASSA_RETRIES + 1)
    with company_scope(shop), pytest.raises(ProviderUnavailableError):
        payment_refund(payment=payment, amount="500.00", actor=editor)
    with scopes_disabled():
        pending = Refund.objects.get()
    assert pending.status == Refund.Status.PENDING
    with company_scope(shop), pytest.raises(ValidationError):  # the pending 500 stays reserved
        payment_refund(payment=payment, amount="1600.00", actor=editor)
    counts = reconcile_payments(now=timezone.now() + timedelta(hours=1))
    assert counts["refunds"] == 1
    pending.refresh_from_db()
    assert pending.status == Refund.Status.SUCCEEDED
    assert len(kassa.refunds) == 1  # the same key: YooKassa refunded once
    keys = {key for method, path, key in kassa.calls if path == "/v3/refunds"}
    assert keys == {pending.idempotence_key}


def test_a_cash_payment_is_refunded_by_hand(shop: Company, editor: User) -> None:
    order = new_order(shop)
    with company_scope(shop):
        manual_payment_record(order=order, actor=editor, method="cash")
        payment = Payment.objects.get(order=order)
        refund = payment_refund(payment=payment, amount="2000", actor=editor)
    assert refund.status == Refund.Status.SUCCEEDED
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED


def test_events_out_of_order_change_the_payment_once(
    kassa: Emulator, shop: Company, client: Client, owner: User
) -> None:
    company_update(company=shop, actor=owner, payment_two_stage=True)
    order = new_order(shop)
    with company_scope(shop):
        payment = payment_start(order=order)
    assert kassa.payments[payment.provider_payment_id]["capture"] is False
    kassa.set_status(payment.provider_payment_id, "succeeded")  # captured already
    assert notify(client, kassa, "payment.succeeded", payment).json() == {"outcome": "applied"}
    late = notify(client, kassa, "payment.waiting_for_capture", payment)  # the earlier event comes last
    assert late.json() == {"outcome": "no_change"}
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    with scopes_disabled():
        assert order.status_changes.filter(to_status="paid").count() == 1


def test_a_held_payment_is_captured_by_staff(
    kassa: Emulator, shop: Company, client: Client, owner: User
) -> None:
    company_update(company=shop, actor=owner, payment_two_stage=True)
    order = new_order(shop)
    with company_scope(shop):
        payment = payment_start(order=order)
    kassa.decide(payment.provider_payment_id, pay=True)
    assert notify(client, kassa, "payment.waiting_for_capture", payment).json() == {"outcome": "applied"}
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT  # held, not taken
    with company_scope(shop):
        captured = payment_capture(payment=payment, actor=owner)
    assert captured.status == Payment.Status.SUCCEEDED
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


def test_reconciliation_applies_a_missed_webhook_and_cancels_abandoned_payments(
    kassa: Emulator, shop: Company, editor: User
) -> None:
    missed, abandoned = new_order(shop), new_order(shop)
    with company_scope(shop):
        paid = payment_start(order=missed)
        dropped = payment_start(order=abandoned)
    kassa.set_status(paid.provider_payment_id, "succeeded")  # the notification never came
    Order.objects.with_scopes_disabled().filter(pk=abandoned.pk).update(status=Order.Status.CANCELLED)
    assert reconcile_payments()["refreshed"] == 0  # too young to be looked at
    counts = reconcile_payments(now=timezone.now() + timedelta(hours=1))
    assert counts["refreshed"] == 1
    assert counts["canceled"] == 1
    missed.refresh_from_db()
    dropped.refresh_from_db()
    assert missed.status == Order.Status.PAID
    assert dropped.status == Payment.Status.CANCELED
    assert kassa.payments[dropped.provider_payment_id]["status"] == "canceled"


@pytest.mark.django_db(transaction=True)
def test_one_notification_replayed_100_times_concurrently_changes_the_payment_once(
    kassa: Emulator, company: Company, owner: User
) -> None:
    company_update(company=company, actor=owner, yookassa_shop_id=SHOP, yookassa_secret_key=SECRET)
    product = ProductFactory(company=company)  # a living photo: paying it creates content
    with company_scope(company):
        order = make_order(company, product, status=Order.Status.AWAITING_PAYMENT, photo=_photo(company))
        payment = payment_start(order=order)
    kassa.set_status(payment.provider_payment_id, "succeeded")
    body = kassa.notification("payment.succeeded", payment.provider_payment_id)
    answers: list[int] = []
    start = threading.Barrier(20)

    def replay() -> None:
        client = Client()
        try:
            start.wait(timeout=30)
            for _ in range(5):
                answer = client.post(WEBHOOK, body, content_type="application/json", REMOTE_ADDR="127.0.0.1")
                answers.append(answer.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=replay) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert answers == [200] * 100
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    with scopes_disabled():
        assert order.status_changes.filter(to_status="paid").count() == 1
        assert ARContent.objects.filter(company=company).count() == 1
        assert WebhookEvent.objects.count() == 1
        assert WebhookEvent.objects.get().outcome == WebhookEvent.Outcome.APPLIED


def _photo(company: Company) -> Any:
    from orders.tests.factories import held_photo

    return held_photo(company)


def test_an_authorised_payment_is_never_offered_again(
    kassa: Emulator, shop: Company, client: Client, owner: User
) -> None:
    """A held (two-stage) payment: the page says so, and starting another is refused —
    otherwise the customer could be charged twice."""
    from orders.links import customer_page_path

    company_update(company=shop, actor=owner, payment_two_stage=True)
    order = new_order(shop)
    with company_scope(shop):
        payment = payment_start(order=order)
    kassa.decide(payment.provider_payment_id, pay=True)
    notify(client, kassa, "payment.waiting_for_capture", payment)
    page = client.get(customer_page_path(order.access_token)).content.decode()
    assert 'data-testid="payment-held"' in page
    assert 'data-testid="pay"' not in page
    with company_scope(shop), pytest.raises(ValidationError):
        payment_start(order=order)
    assert kassa.creates() == 1


def test_a_refund_notification_is_applied_not_a_500(
    kassa: Emulator, shop: Company, client: Client, editor: User
) -> None:
    payment = paid_online(kassa, client, new_order(shop))
    with company_scope(shop):
        refund = payment_refund(payment=payment, amount="100.00", actor=editor)
    body = {
        "type": "notification",
        "event": "refund.succeeded",
        "object": dict(kassa.refunds[refund.provider_refund_id]),
    }
    answer = client.post(WEBHOOK, body, content_type="application/json", REMOTE_ADDR="127.0.0.1")
    assert answer.status_code == 200
    assert answer.json() == {"outcome": "no_change"}  # settled already by the refund's own answer


def test_items_are_locked_once_an_invoice_or_payment_exists_and_credits_are_checked_first(
    kassa: Emulator, shop: Company, client: Client, editor: User
) -> None:
    from orders.invoices.services import invoice_issue
    from orders.services import ItemInput, order_items_replace

    order = new_order(shop)
    with company_scope(shop):
        invoice_issue(order=order, actor=editor)
        more = ProductFactory(
            company=shop, kind=Product.Kind.PRINTED_COPY, term_years=None, price=Decimal("9000")
        )
        with pytest.raises(ValidationError, match="invoice or a payment"):
            order_items_replace(order=order, actor=editor, items=[ItemInput(product=more, quantity=1)])
    payment = paid_online(kassa, client, order)
    with scopes_disabled():
        invoice = Invoice.objects.get(order=order)
    with company_scope(shop):
        from orders.invoices.services import credit_note_issue

        credit_note_issue(invoice=invoice, amount=Decimal("1500.00"), actor=editor, reason="Correction")
        with pytest.raises(ValidationError, match="credited"):
            payment_refund(payment=payment, amount="600.00", actor=editor)  # only 500 can be credited
    assert kassa.refunds == {}  # refused before any money moved


def test_a_held_payment_of_an_order_cancelled_meanwhile_cannot_be_taken(
    kassa: Emulator, shop: Company, client: Client, owner: User
) -> None:
    company_update(company=shop, actor=owner, payment_two_stage=True)
    order = new_order(shop)
    with company_scope(shop):
        payment = payment_start(order=order)
    kassa.decide(payment.provider_payment_id, pay=True)
    notify(client, kassa, "payment.waiting_for_capture", payment)
    Order.objects.with_scopes_disabled().filter(pk=order.pk).update(status=Order.Status.CANCELLED)
    with company_scope(shop), pytest.raises(ValidationError, match="release"):
        payment_capture(payment=payment, actor=owner)
    assert kassa.payments[payment.provider_payment_id]["status"] == "waiting_for_capture"


def test_a_repeated_refund_request_with_its_key_refunds_once(
    kassa: Emulator, shop: Company, client: Client, owner: User
) -> None:
    payment = paid_online(kassa, client, new_order(shop))
    client.force_login(owner)
    url = f"/api/v1/companies/{shop.slug}/payments/{payment.pk}/refund/"
    first = client.post(
        url, {"amount": "300.00"}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="r-1"
    )
    again = client.post(
        url, {"amount": "300.00"}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="r-1"
    )
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    other = client.post(
        url, {"amount": "400.00"}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="r-1"
    )
    assert other.status_code == 400
    assert len(kassa.refunds) == 1
    # The portal form carries a one-time key: a double click makes one refund.
    page = f"/c/{shop.slug}/orders/{payment.order_id}/payments/{payment.pk}/refund/"
    for _ in range(2):
        client.post(page, {"amount": "100.00", "request_key": "form-abc"})
    assert len(kassa.refunds) == 2
