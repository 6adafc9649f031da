"""Who may use the orders app's routes (read by the permission-matrix test). Every
request gets a fresh product, order, payment or document, so an action allowed for one
role (a refund, an invoice issued) leaves the next role something to try."""

from __future__ import annotations

from typing import Any

from arvlite.core.roles import Role
from arvlite.core.tenancy import company_scope
from arvlite.core.tests.matrix import Expect, Page
from companies.models import Company
from companies.services import company_update
from orders.invoices.models import CreditNote, Invoice
from orders.models import Order, Product
from orders.payments.models import Payment
from orders.payments.services import manual_payment_record, payment_refund
from orders.tests.factories import ProductFactory, make_order
from orders.tests.test_invoices import LEGAL


def _product(company: Company) -> dict[str, Any]:
    return {"pk": ProductFactory(company=company).pk}


def _order(company: Company) -> dict[str, Any]:
    copy = ProductFactory(company=company, kind=Product.Kind.PRINTED_COPY, term_years=None)
    with company_scope(company):
        return {"pk": make_order(company, copy).pk}


def _new_product(company: Company) -> dict[str, Any]:
    return {"name": "Matrix print", "kind": "printed_copy", "price": "100.00"}


def _new_order(company: Company) -> dict[str, Any]:
    copy = ProductFactory(company=company, kind=Product.Kind.PRINTED_COPY, term_years=None)
    return {"customer_name": "Matrix", "items": [{"product": copy.pk, "quantity": 1}]}


def _items(company: Company) -> dict[str, Any]:
    return {"items": [{"product": ProductFactory(company=company, kind="printed_copy", term_years=None).pk}]}


def _seller(company: Company) -> Company:
    """The company with the legal details an invoice needs (set once, then unchanged)."""
    return company_update(company=company, actor=None, **LEGAL)


def _awaiting_payment(company: Company) -> Order:
    copy = ProductFactory(company=company, kind=Product.Kind.PRINTED_COPY, term_years=None)
    with company_scope(company):
        return make_order(company, copy, status=Order.Status.AWAITING_PAYMENT)


def _paid(company: Company) -> tuple[Order, Payment]:
    """A fresh order paid in cash (a succeeded manual payment: refunded without a provider);
    the company has legal details, so paying issued its invoice."""
    order = _awaiting_payment(_seller(company))
    with company_scope(company):
        manual_payment_record(order=order, actor=None, method=Payment.Method.CASH)
        return order, Payment.objects.get(order=order)


def _payment(company: Company) -> dict[str, Any]:
    return {"pk": _paid(company)[1].pk}


def _invoice(company: Company) -> dict[str, Any]:
    order, _payment = _paid(company)
    with company_scope(company):
        return {"pk": Invoice.objects.get(order=order).pk}


def _credit_note(company: Company) -> dict[str, Any]:
    order, payment = _paid(company)
    with company_scope(company):
        payment_refund(payment=payment, amount="1.00", actor=None)
        return {"pk": CreditNote.objects.get(order=order).pk}


def _unbilled(company: Company) -> dict[str, Any]:
    """A fresh order placed but not paid, of a company that can issue its invoice."""
    return {"pk": _awaiting_payment(_seller(company)).pk}


def _to_invoice(company: Company) -> dict[str, Any]:
    return {"order": _unbilled(company)["pk"]}


API_ROUTES = {
    "product-list": Expect({"GET": Role.VIEWER, "POST": Role.EDITOR}, payloads={"POST": _new_product}),
    "product-detail": Expect(
        {"GET": Role.VIEWER, "PATCH": Role.EDITOR, "DELETE": Role.EDITOR},
        kwargs=_product,
        payloads={"PATCH": lambda company: {"name": "Renamed"}},
    ),
    "order-list": Expect({"GET": Role.VIEWER, "POST": Role.EDITOR}, payloads={"POST": _new_order}),
    "order-detail": Expect(
        {"GET": Role.VIEWER, "PATCH": Role.EDITOR},
        kwargs=_order,
        payloads={"PATCH": lambda company: {"note": "n"}},
    ),
    "order-items": Expect({"PUT": Role.EDITOR}, kwargs=_order, payloads={"PUT": _items}),
    "order-transition": Expect(
        {"POST": Role.EDITOR}, kwargs=_order, payloads={"POST": lambda company: {"to": "awaiting_payment"}}
    ),
    "order-mark-paid": Expect({"POST": Role.EDITOR}, kwargs=_order, payloads={"POST": lambda company: {}}),
    "order-history": Expect({"GET": Role.VIEWER}, kwargs=_order),
    # Without YooKassa (and with the sandbox off in tests) starting a payment answers 400.
    "order-payments": Expect({"GET": Role.VIEWER, "POST": Role.EDITOR}, kwargs=_order),
    # Money leaves the company or a hold is decided: managers. A cash payment cannot be held,
    # so capture and release answer 400 to those allowed.
    "payment-refund": Expect(
        {"POST": Role.MANAGER}, kwargs=_payment, payloads={"POST": lambda company: {"amount": "1.00"}}
    ),
    "payment-capture": Expect({"POST": Role.MANAGER}, kwargs=_payment),
    "payment-release": Expect({"POST": Role.MANAGER}, kwargs=_payment),
    "invoice-list": Expect({"GET": Role.VIEWER, "POST": Role.EDITOR}, payloads={"POST": _to_invoice}),
    "invoice-detail": Expect({"GET": Role.VIEWER}, kwargs=_invoice),
    "invoice-pdf": Expect({"GET": Role.VIEWER}, kwargs=_invoice),
    "credit-note-list": Expect({"GET": Role.VIEWER}),
    "credit-note-detail": Expect({"GET": Role.VIEWER}, kwargs=_credit_note),
    "credit-note-pdf": Expect({"GET": Role.VIEWER}, kwargs=_credit_note),
    # The provider's notifications: no account, believed only once re-read from the provider.
    "payment-webhook": Expect({"POST": None}, kind="public", kwargs=lambda company: {"provider": "yookassa"}),
}


def _move(company: Company) -> dict[str, Any]:
    return {"to": "cancelled"}


def _order_payment(company: Company) -> dict[str, Any]:
    order, payment = _paid(company)
    return {"pk": order.pk, "payment": payment.pk}


def _invoice_pdf(company: Company) -> dict[str, Any]:
    return {"kind": "invoice", **_invoice(company)}


PORTAL_PAGES = {
    "order-list-page": Page(Role.VIEWER),
    "order-export-page": Page(Role.VIEWER),
    "order-create-page": Page(Role.EDITOR),
    "customer-history-page": Page(Role.VIEWER),
    "order-detail-page": Page(Role.VIEWER, kwargs=_order),
    "order-move-page": Page(Role.EDITOR, kwargs=_order, post=_move),
    "order-photo-page": Page(Role.EDITOR, kwargs=_order, post=lambda company: {}),
    # Money on the order page: refunds and held payments for managers, the invoice for editors.
    "payment-refund-page": Page(Role.MANAGER, kwargs=_order_payment, post=lambda company: {"amount": "1.00"}),
    "payment-hold-page": Page(
        Role.MANAGER, kwargs=_order_payment, post=lambda company: {"decision": "capture"}
    ),
    "invoice-issue-page": Page(Role.EDITOR, kwargs=_unbilled, post=lambda company: {}),
    "document-list-page": Page(Role.VIEWER),
    "document-pdf-page": Page(Role.VIEWER, kwargs=_invoice_pdf),
    "payment-report-page": Page(Role.MANAGER),
    "product-list-page": Page(Role.VIEWER),
    "product-create-page": Page(Role.EDITOR),
    "product-edit-page": Page(Role.EDITOR, kwargs=_product),
    "product-delete-page": Page(Role.EDITOR, kwargs=_product, post=lambda company: {}),
}
