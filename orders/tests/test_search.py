"""Orders in the search box: number, customer name, e-mail or phone typed any way."""

from __future__ import annotations

import pytest

from arvlite.core.search import search_query
from arvlite.core.tenancy import company_scope
from companies.models import Company
from orders.models import Order
from orders.search import order_search
from orders.tests.factories import make_order

pytestmark = pytest.mark.usefixtures("scoped")


@pytest.fixture
def order(company: Company) -> Order:
    return make_order(company, customer_name="Olga Smirnova", customer_email="olga@example.com",
                      customer_phone="+7 912 345-67-89")  # fmt: skip


@pytest.mark.parametrize("typed", ["smirnova", "OLGA@", "+7 (912) 345", "8 (912) 345 67", "345-67-89"])
def test_it_finds_orders_by_customer(company: Company, order: Order, typed: str) -> None:
    make_order(company, customer_name="Pavel", customer_phone="+79990001122")
    result = order_search(company, search_query(typed), 0, 5)
    assert [hit.id for hit in result.hits] == [str(order.pk)], typed


def test_it_finds_an_order_by_number_and_links_its_page(company: Company, order: Order) -> None:
    [hit] = order_search(company, search_query(order.number), 0, 5).hits
    assert (hit.title, hit.subtitle) == (order.number, "Olga Smirnova · Draft")
    assert hit.url == f"/c/{company.slug}/orders/{order.pk}/"


def test_it_never_shows_another_companys_order(company: Company, other_company: Company) -> None:
    with company_scope(other_company):
        make_order(other_company, customer_name="Olga Smirnova", customer_phone="+79123456789")
    assert order_search(company, search_query("Olga"), 0, 5).total == 0
    assert order_search(company, search_query("912 345"), 0, 5).total == 0
