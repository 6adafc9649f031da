"""The money API: an order's payments with their refunds, starting, refunding, capturing
and releasing payments, invoices and credit notes (listed, filtered, as PDF, issued by
hand, never changed), each company seeing only its own, errors in the one error body."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.models import Company, User
from companies.services import company_update
from orders.invoices.models import CreditNote, Invoice
from orders.models import Order, Product, VatRate
from orders.payments.models import Payment, Refund, SandboxCharge
from orders.payments.services import manual_payment_record, payment_refresh, payment_refund, payment_start
from orders.tests.factories import ProductFactory, make_order
from orders.tests.test_invoices import LEGAL
from orders.tests.yookassa_emulator import (
    SECRET,
    SHOP,
    Emulator,
)

pytestmark = pytest.mark.django_db
Clients = Callable[[User], APIClient]
BASE = "/api/v1/companies/alice-photo"
ERROR_KEYS = {"status", "code", "message", "errors", "request_id"}


@pytest.fixture
def seller(company: Company, owner: User) -> Company:
    return company_update(company=company, actor=owner, **LEGAL)


def awaiting(company: Company, price: str = "1500.00", **fields: Any) -> Order:
    product = ProductFactory(company=company, kind=Product.Kind.PRINTED_COPY, term_years=None,
                             price=Decimal(price), vat_rate=VatRate.TWENTY_TWO)  # fmt: skip
    with company_scope(company):
        return make_order(company, product, status=Order.Status.AWAITING_PAYMENT,
                          customer_email="maria@example.com", **fields)  # fmt: skip


def paid_in_cash(company: Company, price: str = "1500.00", **fields: Any) -> tuple[Order, Payment]:
    """An order paid in cash: a succeeded manual payment (and its invoice, when the company
    has legal details)."""
    order = awaiting(company, price, **fields)
    with company_scope(company):
        order = manual_payment_record(order=order, actor=None, method=Payment.Method.CASH)
        return order, Payment.objects.get(order=order)


def invoice_of(order: Order) -> Invoice:
    with company_scope(order.company):
        return Invoice.objects.get(order=order)


def stored(document: Invoice | CreditNote) -> dict[str, Any]:
    with scopes_disabled():
        return dict(type(document).objects.filter(pk=document.pk).values().get())


def assert_error(answer: Any, status: int, code: str) -> dict[str, Any]:
    """The documented error body; returns it for further checks."""
    assert answer.status_code == status, answer.content
    body = answer.json()
    assert set(body) == ERROR_KEYS, body
    assert (body["status"], body["code"]) == (status, code), body
    assert body["message"]
    assert body["request_id"] == answer["X-Request-ID"]
    return dict(body)


def pdf_bytes(answer: Any) -> bytes:
    return b"".join(answer.streaming_content)


# --- payments and refunds ----------------------------------------------------------------------


def test_an_orders_payments_are_listed_with_their_refunds(
    seller: Company, api_client_for: Clients, viewer: User, manager: User
) -> None:
    order, payment = paid_in_cash(seller)
    with company_scope(seller):
        refund = payment_refund(payment=payment, amount="500.00", actor=manager, reason="Damaged print")
    awaiting(seller)  # another order's payments are not listed
    answer = api_client_for(viewer).get(f"{BASE}/orders/{order.pk}/payments/")
    assert answer.status_code == 200, answer.json()
    [row] = answer.json()["results"]
    assert row["id"] == payment.pk
    assert row["order"] == order.pk
    assert (row["provider"], row["method"], row["status"]) == ("manual", "cash", "partially_refunded")
    assert (row["amount"], row["refunded_amount"], row["refundable"]) == ("1500.00", "500.00", "1000.00")
    assert row["currency"] == "RUB"
    [listed] = row["refunds"]
    assert listed["id"] == refund.pk
    assert (listed["amount"], listed["status"], listed["reason"]) == ("500.00", "succeeded", "Damaged print")


def test_a_manager_refunds_a_cash_payment_and_a_credit_note_is_issued(
    seller: Company, api_client_for: Clients, manager: User, editor: User, viewer: User
) -> None:
    order, payment = paid_in_cash(seller)
    invoice = invoice_of(order)
    url = f"{BASE}/payments/{payment.pk}/refund/"
    assert_error(
        api_client_for(editor).post(url, {"amount": "1.00"}, format="json"), 403, "permission_denied"
    )

    as_manager = api_client_for(manager)
    answer = as_manager.post(url, {"amount": "400.00", "reason": "Late delivery"}, format="json")
    assert answer.status_code == 201, answer.json()
    assert answer.json()["amount"] == "400.00"
    assert answer.json()["status"] == "succeeded"
    assert answer.json()["reason"] == "Late delivery"
    with company_scope(seller):
        note = CreditNote.objects.get(invoice=invoice)
    assert note.total == Decimal("400.00")
    assert note.refund_id == answer.json()["id"]

    as_viewer = api_client_for(viewer)
    listed = as_viewer.get(f"{BASE}/credit-notes/").json()
    assert listed["count"] == 1
    row = listed["results"][0]
    assert (row["number"], row["total"], row["reason"]) == (note.number, "400.00", "Late delivery")
    assert (row["invoice"], row["invoice_number"], row["refund"]) == (
        invoice.pk,
        invoice.number,
        note.refund_id,
    )
    assert row["pdf_url"] == f"{BASE}/credit-notes/{note.pk}/pdf/"
    detail = as_viewer.get(f"{BASE}/credit-notes/{note.pk}/")
    assert detail.status_code == 200
    assert detail.json()["lines"][0]["total"] == "400.00"
    assert as_viewer.get(f"{BASE}/invoices/{invoice.pk}/").json()["credit_notes"] == [note.number]

    # more than is left: refused with the amount's own message, nothing recorded
    too_much = assert_error(
        as_manager.post(url, {"amount": "1100.01"}, format="json"), 400, "validation_error"
    )
    assert "1100.00" in too_much["errors"]["amount"][0]
    # the rest: the payment and the order are refunded; then nothing is left
    assert as_manager.post(url, {"amount": "1100.00"}, format="json").status_code == 201
    payment.refresh_from_db()
    order.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == (Payment.Status.REFUNDED, Decimal("1500.00"))
    assert order.status == Order.Status.REFUNDED
    nothing = assert_error(as_manager.post(url, {"amount": "1.00"}, format="json"), 400, "validation_error")
    assert "non_field_errors" in nothing["errors"]
    with company_scope(seller):
        assert Refund.objects.filter(payment=payment).count() == 2
        assert CreditNote.objects.filter(invoice=invoice).count() == 2


def test_a_refund_without_an_invoice_issues_no_credit_note(
    company: Company, api_client_for: Clients, manager: User
) -> None:
    _order, payment = paid_in_cash(company)  # no legal details: paid without an invoice
    answer = api_client_for(manager).post(f"{BASE}/payments/{payment.pk}/refund/", {"amount": "100"},
                                          format="json")  # fmt: skip
    assert answer.status_code == 201, answer.json()
    with company_scope(company):
        assert not CreditNote.objects.exists()


def test_an_editor_starts_a_sandbox_payment_once_per_idempotency_key(
    company: Company, api_client_for: Clients, editor: User, settings: Any
) -> None:
    order = awaiting(company)
    url = f"{BASE}/orders/{order.pk}/payments/"
    as_editor = api_client_for(editor)
    settings.PAYMENT_SANDBOX = False  # no YooKassa and no sandbox: staff take the money
    refused = assert_error(as_editor.post(url, format="json"), 400, "validation_error")
    assert refused["message"] == "This studio takes payments in person."

    settings.PAYMENT_SANDBOX = True
    first = as_editor.post(url, format="json", HTTP_IDEMPOTENCY_KEY="pay-1")
    assert first.status_code == 201, first.json()
    body = first.json()
    assert (body["provider"], body["status"], body["amount"]) == ("sandbox", "pending", "1500.00")
    assert "/payments/sandbox/" in body["confirmation_url"]
    again = as_editor.post(url, format="json", HTTP_IDEMPOTENCY_KEY="pay-1")
    assert again.json()["id"] == body["id"]
    with company_scope(company):
        assert Payment.objects.filter(order=order).count() == 1
    assert SandboxCharge.objects.count() == 1

    paid, _payment = paid_in_cash(company)
    answer = as_editor.post(f"{BASE}/orders/{paid.pk}/payments/", format="json")
    assert (
        assert_error(answer, 400, "validation_error")["message"] == "This order is not waiting for payment."
    )


def _held(company: Company) -> tuple[Order, Payment]:
    """A two-stage sandbox payment the customer authorised: the money is held."""
    order = awaiting(company)
    with company_scope(company):
        payment = payment_start(order=order)
        SandboxCharge.objects.filter(pk=payment.provider_payment_id).update(status="waiting_for_capture")
        payment = payment_refresh(payment=payment)
    assert payment.status == Payment.Status.WAITING_FOR_CAPTURE
    return order, payment


def test_a_manager_captures_or_releases_a_held_payment(
    company: Company, owner: User, api_client_for: Clients, manager: User, editor: User, settings: Any
) -> None:
    settings.PAYMENT_SANDBOX = True
    company_update(company=company, actor=owner, payment_two_stage=True)
    taken, held = _held(company)
    url = f"{BASE}/payments/{held.pk}/capture/"
    assert_error(api_client_for(editor).post(url, format="json"), 403, "permission_denied")
    as_manager = api_client_for(manager)
    answer = as_manager.post(url, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["status"] == "succeeded"
    taken.refresh_from_db()
    assert taken.status == Order.Status.PAID
    # taken already: nothing is held any more
    again = assert_error(as_manager.post(url, format="json"), 400, "validation_error")
    assert "waiting for capture" in again["message"]

    released, other = _held(company)
    answer = as_manager.post(f"{BASE}/payments/{other.pk}/release/", format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["status"] == "canceled"
    released.refresh_from_db()
    assert released.status == Order.Status.AWAITING_PAYMENT


def test_yookassa_payments_through_the_api_and_the_providers_failures(
    kassa: Emulator, company: Company, owner: User, api_client_for: Clients, client: Client, settings: Any
) -> None:
    company_update(company=company, actor=owner, yookassa_shop_id=SHOP, yookassa_secret_key=SECRET, **LEGAL)
    order = awaiting(company, "2000.00")
    as_owner = api_client_for(owner)
    started = as_owner.post(f"{BASE}/orders/{order.pk}/payments/", format="json")
    assert started.status_code == 201, started.json()
    assert started.json()["provider"] == "yookassa"
    assert started.json()["confirmation_url"].startswith(kassa.base_url)
    assert SECRET not in started.content.decode()
    with company_scope(company):
        payment = Payment.objects.get(pk=started.json()["id"])
    kassa.set_status(payment.provider_payment_id, "succeeded")
    webhook = client.post("/api/v1/payments/webhooks/yookassa/",
                          kassa.notification("payment.succeeded", payment.provider_payment_id),
                          content_type="application/json", REMOTE_ADDR="127.0.0.1")  # fmt: skip
    assert webhook.json() == {"outcome": "applied"}

    url = f"{BASE}/payments/{payment.pk}/refund/"
    done = as_owner.post(url, {"amount": "500.00"}, format="json")
    assert done.status_code == 201, done.json()
    assert done.json()["status"] == "succeeded"
    assert done.json()["provider_refund_id"] in kassa.refunds

    # YooKassa refunds but its answers are lost: 503, the refund stays pending (resent later)
    # (not "repeat it": a new request would be a second refund)
    kassa.fail_next("/v3/refunds", mode="hang", times=settings.YOOKASSA_RETRIES + 1)
    lost = assert_error(as_owner.post(url, {"amount": "300.00"}, format="json"), 503, "provider_unavailable")
    assert "only with the same Idempotency-Key" in lost["message"]
    with company_scope(company):
        assert Refund.objects.filter(payment=payment, status=Refund.Status.PENDING).count() == 1

    # YooKassa refuses (the payment is no longer refundable there): 502, the refund is canceled
    kassa.set_status(payment.provider_payment_id, "canceled")
    refused = assert_error(as_owner.post(url, {"amount": "100.00"}, format="json"), 502, "provider_refused")
    assert "YooKassa refused" in refused["message"]
    with company_scope(company):
        assert Refund.objects.get(payment=payment, amount=Decimal("100.00")).status == Refund.Status.CANCELED
    listed = as_owner.get(f"{BASE}/orders/{order.pk}/payments/").json()["results"][0]
    assert listed["refunded_amount"] == "500.00"
    assert listed["refundable"] == "1200.00"  # the pending 300 stays reserved


def test_a_payment_start_without_an_answer_is_repeated_with_the_same_provider_key(
    kassa: Emulator, company: Company, owner: User, api_client_for: Clients, settings: Any
) -> None:
    company_update(company=company, actor=owner, yookassa_shop_id=SHOP, yookassa_secret_key=SECRET)
    order = awaiting(company, "2000.00")
    url = f"{BASE}/orders/{order.pk}/payments/"
    as_owner = api_client_for(owner)
    # YooKassa fails on every try (the client's retries too): the outcome is unknown
    kassa.fail_next("/v3/payments", mode="500", times=settings.YOOKASSA_RETRIES + 1)
    lost = assert_error(as_owner.post(url, format="json", HTTP_IDEMPOTENCY_KEY="start-1"), 503,
                        "provider_unavailable")  # fmt: skip
    assert "safe to repeat" in lost["message"]
    with company_scope(company):
        pending = Payment.objects.get(order=order)  # kept, with the key the provider was sent
    assert (pending.status, pending.provider_payment_id) == (Payment.Status.PENDING, "")

    again = as_owner.post(url, format="json", HTTP_IDEMPOTENCY_KEY="start-1")
    assert again.status_code == 201, again.json()
    assert again.json()["id"] == pending.pk
    assert again.json()["confirmation_url"].startswith(kassa.base_url)
    assert len(kassa.payments) == 1  # one payment at YooKassa, however many times we asked
    assert {key for method, path, key in kassa.calls if path == "/v3/payments"} == {pending.idempotence_key}
    replay = as_owner.post(url, format="json", HTTP_IDEMPOTENCY_KEY="start-1")
    assert (replay.json()["id"], replay["Idempotent-Replayed"]) == (pending.pk, "true")


def test_a_payment_created_whose_answer_was_lost_is_found_again_with_the_same_key(
    kassa: Emulator, company: Company, owner: User, api_client_for: Clients, settings: Any
) -> None:
    company_update(company=company, actor=owner, yookassa_shop_id=SHOP, yookassa_secret_key=SECRET)
    order = awaiting(company, "2000.00")
    url = f"{BASE}/orders/{order.pk}/payments/"
    as_owner = api_client_for(owner)
    # YooKassa makes the payment, but every answer (the retries' too) comes too late
    kassa.fail_next("/v3/payments", mode="hang", times=settings.YOOKASSA_RETRIES + 1)
    assert as_owner.post(url, format="json").status_code == 503
    again = as_owner.post(url, format="json")
    assert again.status_code == 201, again.json()
    assert len(kassa.payments) == 1


# --- invoices and credit notes -----------------------------------------------------------------


def test_an_editor_issues_the_invoice_of_an_order_once(
    seller: Company, api_client_for: Clients, editor: User, viewer: User
) -> None:
    order = awaiting(seller, customer_name="Maria Ivanova")
    assert_error(api_client_for(viewer).post(f"{BASE}/invoices/", {"order": order.pk}, format="json"), 403,
                 "permission_denied")  # fmt: skip
    as_editor = api_client_for(editor)
    answer = as_editor.post(f"{BASE}/invoices/", {"order": order.pk}, format="json")
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    invoice = invoice_of(order)
    assert (body["id"], body["number"], body["order"], body["order_number"]) == (
        invoice.pk, invoice.number, order.pk, order.number)  # fmt: skip
    assert (body["total"], body["vat_total"], body["currency"]) == ("1500.00", "270.49", "RUB")
    assert body["seller"]["tax_id"] == LEGAL["tax_id"]
    assert body["buyer"]["name"] == "Maria Ivanova"
    assert body["pdf_url"] == reverse("invoice-pdf", kwargs={"company_slug": seller.slug, "pk": invoice.pk})
    assert body["credit_notes"] == []
    # one invoice per order: asking again answers the one it has
    again = as_editor.post(f"{BASE}/invoices/", {"order": order.pk}, format="json")
    assert again.json()["id"] == invoice.pk
    with company_scope(seller):
        assert Invoice.objects.count() == 1


def test_an_invoice_is_refused_without_legal_details_or_for_a_draft(
    company: Company, owner: User, api_client_for: Clients, editor: User
) -> None:
    order = awaiting(company)
    as_editor = api_client_for(editor)
    body = assert_error(as_editor.post(f"{BASE}/invoices/", {"order": order.pk}, format="json"), 400,
                        "validation_error")  # fmt: skip
    assert body["message"].startswith("Fill in the company's legal details first")
    assert body["errors"] == {"non_field_errors": [body["message"]]}

    company_update(company=company, actor=owner, **LEGAL)
    with company_scope(company):
        draft = make_order(company, ProductFactory(company=company))
    body = assert_error(as_editor.post(f"{BASE}/invoices/", {"order": draft.pk}, format="json"), 400,
                        "validation_error")  # fmt: skip
    assert "placed and not cancelled" in body["message"]
    for bad in ({}, {"order": "x"}, {"order": 0}, {"order": 999999}):
        answer = as_editor.post(f"{BASE}/invoices/", bad, format="json")
        assert "order" in assert_error(answer, 400, "validation_error")["errors"], bad
    with company_scope(company):
        assert not Invoice.objects.exists()


def test_issued_documents_cannot_be_changed_or_deleted_through_the_api(
    seller: Company, api_client_for: Clients, owner: User
) -> None:
    order, payment = paid_in_cash(seller)
    invoice = invoice_of(order)
    with company_scope(seller):
        payment_refund(payment=payment, amount="100.00", actor=owner)
        note = CreditNote.objects.get(invoice=invoice)
    before = stored(invoice), stored(note)
    as_owner = api_client_for(owner)
    for url in (f"{BASE}/invoices/{invoice.pk}/", f"{BASE}/credit-notes/{note.pk}/"):
        for method in ("patch", "put", "delete", "post"):
            answer = getattr(as_owner, method)(url, {"total": "1.00", "number": "X-1"}, format="json")
            assert_error(answer, 405, "method_not_allowed")
    for url in (f"{BASE}/invoices/{invoice.pk}/pdf/", f"{BASE}/credit-notes/"):
        assert as_owner.delete(url).status_code == 405
    assert (stored(invoice), stored(note)) == before


def test_invoices_and_credit_notes_download_as_pdf(
    seller: Company, api_client_for: Clients, viewer: User
) -> None:
    order, payment = paid_in_cash(seller)
    invoice = invoice_of(order)
    with company_scope(seller):
        payment_refund(payment=payment, amount="100.00", actor=None)
        note = CreditNote.objects.get(invoice=invoice)
    as_viewer = api_client_for(viewer)
    for url, document in ((f"{BASE}/invoices/{invoice.pk}/pdf/", invoice),
                          (f"{BASE}/credit-notes/{note.pk}/pdf/", note)):  # fmt: skip
        answer = as_viewer.get(url)
        assert answer.status_code == 200, url
        assert answer["Content-Type"] == "application/pdf"
        assert f"{document.number}.pdf" in answer["Content-Disposition"]
        assert answer["Cache-Control"] == "private, no-store"
        assert pdf_bytes(answer).startswith(b"%PDF")


def test_invoices_are_filtered_by_year_search_and_order(
    seller: Company, api_client_for: Clients, viewer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    this_year = timezone.localdate().year
    with monkeypatch.context() as past:
        issued_then = datetime(this_year - 1, 6, 15, 12, tzinfo=UTC)
        past.setattr(timezone, "now", lambda: issued_then)
        old_order, _ = paid_in_cash(seller, customer_name="Olga Old")
    maria, _ = paid_in_cash(seller, customer_name="Maria Ivanova")
    petr, _ = paid_in_cash(seller, customer_name="Petr Sidorov")
    old, mine, his = invoice_of(old_order), invoice_of(maria), invoice_of(petr)
    assert old.number == f"{this_year - 1}-00001"
    as_viewer = api_client_for(viewer)

    def numbers(**query: Any) -> list[str]:
        answer = as_viewer.get(f"{BASE}/invoices/", query)
        assert answer.status_code == 200, answer.json()
        return [row["number"] for row in answer.json()["results"]]

    assert numbers() == [his.number, mine.number, old.number]  # newest first
    assert numbers(year=this_year) == [his.number, mine.number]
    assert numbers(year=this_year - 1) == [old.number]
    assert numbers(year=2001) == []
    assert numbers(search="ivanova") == [mine.number]
    assert numbers(search=petr.number) == [his.number]
    assert numbers(search=old.number) == [old.number]
    assert numbers(search="") == [his.number, mine.number, old.number]
    assert numbers(order=maria.pk) == [mine.number]
    assert numbers(order=maria.pk, year=this_year - 1) == []
    for bad in ({"year": "abc"}, {"year": "1999"}, {"order": "0"}, {"order": "x"}):
        answer = as_viewer.get(f"{BASE}/invoices/", bad)
        assert set(bad) <= set(assert_error(answer, 400, "validation_error")["errors"]), bad
    assert_error(as_viewer.get(f"{BASE}/credit-notes/", {"year": "abc"}), 400, "validation_error")


def test_another_companys_payments_and_documents_are_not_found(
    seller: Company, other_company: Company, owner: User, api_client_for: Clients
) -> None:
    company_update(company=other_company, actor=None, **LEGAL)
    theirs, their_payment = paid_in_cash(other_company)
    their_invoice = invoice_of(theirs)
    with company_scope(other_company):
        payment_refund(payment=their_payment, amount="100.00", actor=None)
        their_note = CreditNote.objects.get(invoice=their_invoice)
    their_unbilled = awaiting(other_company)
    mine, _ = paid_in_cash(seller)
    my_invoice = invoice_of(mine)
    before = stored(their_invoice), stored(their_note)
    as_owner = api_client_for(owner)  # the owner of this company: every role, none over theirs

    calls = [
        ("get", f"orders/{theirs.pk}/payments/", None),
        ("post", f"orders/{their_unbilled.pk}/payments/", None),
        ("post", f"payments/{their_payment.pk}/refund/", {"amount": "1.00"}),
        ("post", f"payments/{their_payment.pk}/capture/", None),
        ("post", f"payments/{their_payment.pk}/release/", None),
        ("get", f"invoices/{their_invoice.pk}/", None),
        ("get", f"invoices/{their_invoice.pk}/pdf/", None),
        ("get", f"credit-notes/{their_note.pk}/", None),
        ("get", f"credit-notes/{their_note.pk}/pdf/", None),
    ]
    for method, path, body in calls:
        answer = getattr(as_owner, method)(f"{BASE}/{path}", body, format="json")
        assert_error(answer, 404, "not_found")
    # the lists show only this company's documents, whatever the filter names
    assert [row["id"] for row in as_owner.get(f"{BASE}/invoices/").json()["results"]] == [my_invoice.pk]
    assert as_owner.get(f"{BASE}/invoices/", {"order": theirs.pk}).json()["count"] == 0
    # numbers are per company series: theirs reads like mine, and only mine is found
    assert their_invoice.number == my_invoice.number
    found = as_owner.get(f"{BASE}/invoices/", {"search": their_invoice.number}).json()["results"]
    assert [row["id"] for row in found] == [my_invoice.pk]
    assert as_owner.get(f"{BASE}/credit-notes/").json()["count"] == 0
    # an invoice for their order cannot be asked for either
    refused = as_owner.post(f"{BASE}/invoices/", {"order": their_unbilled.pk}, format="json")
    assert assert_error(refused, 400, "validation_error")["errors"] == {
        "order": ["No such order in this company."]
    }

    with company_scope(other_company):
        assert Refund.objects.filter(payment=their_payment).count() == 1
        assert Payment.objects.filter(order=their_unbilled).count() == 0
        assert not Invoice.objects.filter(order=their_unbilled).exists()
    their_payment.refresh_from_db()
    assert their_payment.refunded_amount == Decimal("100.00")
    assert (stored(their_invoice), stored(their_note)) == before
