"""Who may use the orders app's routes (read by the permission-matrix test). Every
request gets a fresh product or order, so an action allowed for one role leaves the next
role something to try."""

from __future__ import annotations

from typing import Any

from arvlite.core.roles import Role
from arvlite.core.tenancy import company_scope
from arvlite.core.tests.matrix import Expect, Page
from companies.models import Company
from orders.models import Product
from orders.tests.factories import ProductFactory, make_order


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
    # The provider's notifications: no account, believed only once re-read from the provider.
    "payment-webhook": Expect({"POST": None}, kind="public", kwargs=lambda company: {"provider": "yookassa"}),
}


def _move(company: Company) -> dict[str, Any]:
    return {"to": "cancelled"}


PORTAL_PAGES = {
    "order-list-page": Page(Role.VIEWER),
    "order-export-page": Page(Role.VIEWER),
    "order-create-page": Page(Role.EDITOR),
    "customer-history-page": Page(Role.VIEWER),
    "order-detail-page": Page(Role.VIEWER, kwargs=_order),
    "order-move-page": Page(Role.EDITOR, kwargs=_order, post=_move),
    "order-photo-page": Page(Role.EDITOR, kwargs=_order, post=lambda company: {}),
    "product-list-page": Page(Role.VIEWER),
    "product-create-page": Page(Role.EDITOR),
    "product-edit-page": Page(Role.EDITOR, kwargs=_product),
    "product-delete-page": Page(Role.EDITOR, kwargs=_product, post=lambda company: {}),
}
