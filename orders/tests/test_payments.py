"""Online payments against a local YooKassa emulation over real HTTP: creating a payment
(retries reuse the idempotence key), notifications re-read from the provider, forged
and mismatched ones, the customer's return, and payments staff record by hand."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.models import Company, User
from companies.services import company_update
from orders.links import customer_page_path
from orders.models import Order, Product
from orders.payments.models import Payment, WebhookEvent
from orders.payments.providers.base import ProviderUnavailableError
from orders.payments.services import manual_payment_record, payment_start
from orders.tests.factories import ProductFactory, make_order
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
    return company_update(company=company, actor=owner, yookassa_shop_id=SHOP, yookassa_secret_key=SECRET)


@pytest.fixture
def order(shop: Company) -> Order:
    copy = ProductFactory(company=shop, kind=Product.Kind.PRINTED_COPY, term_years=None)
    with company_scope(shop):
        return make_order(
            shop, copy, status=Order.Status.AWAITING_PAYMENT, customer_email="maria@example.com"
        )


def start(order: Order) -> Payment:
    with company_scope(order.company):
        return payment_start(order=order)


def notify(client: Client, kassa: Emulator, event: str, payment: Payment) -> Any:
    return post_notification(client, kassa, event, payment.provider_payment_id)


def test_the_secret_key_is_stored_encrypted_and_never_shown(
    shop: Company, client: Client, owner: User
) -> None:
    shop.refresh_from_db()
    assert shop.yookassa_secret_key_encrypted
    assert SECRET not in shop.yookassa_secret_key_encrypted
    assert shop.yookassa_secret_key == SECRET
    client.force_login(owner)
    answer = client.get(f"/api/v1/companies/{shop.slug}/").json()
    assert answer["yookassa_configured"] is True
    assert SECRET not in str(answer)
    assert SECRET not in client.get(f"/c/{shop.slug}/settings/").content.decode()


def test_a_payment_is_created_once_even_when_the_answer_times_out(kassa: Emulator, order: Order) -> None:
    kassa.fail_next("/v3/payments", mode="hang")
    payment = start(order)
    assert payment.provider_payment_id
    assert payment.confirmation_url.startswith(kassa.base_url)
    assert len(kassa.payments) == 1
    keys = {key for method, path, key in kassa.calls if path == "/v3/payments"}
    assert keys == {payment.idempotence_key}
    assert kassa.creates() == 2
    assert start(order).pk == payment.pk  # the open payment again, no new call
    assert kassa.creates() == 2


def test_an_unknown_outcome_is_retried_later_with_the_same_key(kassa: Emulator, order: Order) -> None:
    kassa.fail_next("/v3/payments", mode="500", times=3)
    with pytest.raises(ProviderUnavailableError):
        start(order)
    with scopes_disabled():
        pending = Payment.objects.get(order=order)
    assert pending.provider_payment_id == ""
    payment = start(order)
    assert payment.pk == pending.pk
    assert {key for _m, path, key in kassa.calls if path == "/v3/payments"} == {pending.idempotence_key}
    assert len(kassa.payments) == 1


def test_a_confirmed_notification_pays_the_order_once(kassa: Emulator, order: Order, client: Client) -> None:
    payment = start(order)
    kassa.set_status(payment.provider_payment_id, "succeeded")
    for _ in range(3):
        assert notify(client, kassa, "payment.succeeded", payment).status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    with scopes_disabled():
        assert order.status_changes.filter(to_status="paid").count() == 1
        assert WebhookEvent.objects.get().outcome == WebhookEvent.Outcome.APPLIED


def test_a_forged_notification_changes_nothing(kassa: Emulator, order: Order, client: Client) -> None:
    payment = start(order)
    answer = notify(client, kassa, "payment.succeeded", payment)  # the provider still says pending
    assert answer.json() == {"outcome": "not_confirmed"}
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT
    kassa.set_status(payment.provider_payment_id, "succeeded")  # the real one afterwards still counts
    assert notify(client, kassa, "payment.succeeded", payment).json() == {"outcome": "applied"}


def test_an_amount_mismatch_is_refused(kassa: Emulator, order: Order, client: Client) -> None:
    payment = start(order)
    kassa.set_status(payment.provider_payment_id, "succeeded")
    kassa.payments[payment.provider_payment_id]["amount"] = {"value": "1.00", "currency": "RUB"}
    assert notify(client, kassa, "payment.succeeded", payment).json() == {"outcome": "mismatch"}
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT


def test_bad_sources_bodies_and_unknown_payments(
    kassa: Emulator, order: Order, client: Client, settings: Any
) -> None:
    payment = start(order)
    body = kassa.notification("payment.succeeded", payment.provider_payment_id)
    assert (
        client.post(WEBHOOK, body, content_type="application/json", REMOTE_ADDR="10.1.2.3").status_code == 403
    )
    assert client.post(WEBHOOK, "nonsense", content_type="application/json",
                       REMOTE_ADDR="127.0.0.1").status_code == 400  # fmt: skip
    body["object"]["id"] = "no-such-payment"
    unknown = client.post(WEBHOOK, body, content_type="application/json", REMOTE_ADDR="127.0.0.1")
    assert unknown.json() == {"outcome": "unknown_payment"}
    kassa.set_status(payment.provider_payment_id, "succeeded")
    kassa.fail_next("/v3/payments/", mode="500", times=3)  # the re-read fails: ask to be sent again
    assert notify(client, kassa, "payment.succeeded", payment).status_code == 503


def test_the_customers_return_confirms_before_the_webhook(
    kassa: Emulator, order: Order, client: Client
) -> None:
    payment = start(order)
    kassa.set_status(payment.provider_payment_id, "pending")
    waiting = client.get(customer_page_path(order.access_token) + "?payment=return").content.decode()
    assert 'data-testid="payment-confirming"' in waiting
    assert "did not go through" not in waiting.split("data-declined-text")[0]
    kassa.set_status(payment.provider_payment_id, "succeeded")
    page = client.get(customer_page_path(order.access_token) + "?payment=return").content.decode()
    assert 'data-testid="payment-confirming"' not in page
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert notify(client, kassa, "payment.succeeded", payment).json() == {"outcome": "no_change"}


def test_staff_record_a_cash_payment(order: Order, editor: User) -> None:
    with company_scope(order.company):
        paid = manual_payment_record(order=order, actor=editor, method="cash", note="at the desk")
        payment = Payment.objects.get(order=order)
    assert paid.status == Order.Status.PAID
    assert payment.provider == "manual"
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.amount == order.total


def test_half_given_payment_settings_are_refused_with_nothing_saved(
    company: Company, owner: User, client: Client
) -> None:
    client.force_login(owner)
    url = f"/api/v1/companies/{company.slug}/"
    for body, field in (({"yookassa_shop_id": SHOP}, "yookassa_secret_key"),
                        ({"yookassa_secret_key": SECRET}, "yookassa_shop_id"),
                        ({"receipts_enabled": True}, "tax_system_code"),
                        ({"yookassa_shop_id": "not digits", "yookassa_secret_key": SECRET}, "yookassa_shop_id")):  # fmt: skip
        answer = client.patch(url, body, content_type="application/json")
        assert answer.status_code == 400, body
        assert field in answer.json()["errors"], body
    company.refresh_from_db()
    assert company.yookassa_shop_id == ""
    assert company.yookassa_secret_key_encrypted == ""


def test_marking_paid_with_an_unknown_method_is_refused(order: Order, client: Client, editor: User) -> None:
    client.force_login(editor)
    url = f"/api/v1/companies/{order.company.slug}/orders/{order.pk}/mark-paid/"
    answer = client.post(url, {"method": "barter"}, content_type="application/json")
    assert answer.status_code == 400
    assert "method" in answer.json()["errors"]
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT
    with scopes_disabled():
        assert not Payment.objects.filter(order=order).exists()
