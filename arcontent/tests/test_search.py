"""AR content in the search box: order number, customer name, e-mail or phone typed any way."""

from __future__ import annotations

import pytest

from arcontent.models import ARContent
from arcontent.search import content_search
from arcontent.tests.factories import make_content
from arvlite.core.search import search_query
from arvlite.core.tenancy import company_scope
from companies.models import Company
from projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.usefixtures("scoped")


@pytest.fixture
def anna(company: Company) -> ARContent:
    project = ProjectFactory(company=company, name="Weddings")
    return make_content(company, project=project, customer_name="Anna Petrova",
                        customer_email="anna@example.com", customer_phone="+79123456789")  # fmt: skip


@pytest.mark.parametrize(
    "typed", ["petrova", "ANNA", "anna@exa", "+7 (912) 345", "8 912 345-67-89", "912-345", "79123456789"]
)
def test_it_finds_content_by_customer(company: Company, anna: ARContent, typed: str) -> None:
    make_content(company, customer_name="Boris", customer_phone="+79990001122")
    result = content_search(company, search_query(typed), 0, 5)
    assert [hit.id for hit in result.hits] == [str(anna.unique_id)], typed


def test_it_finds_content_by_order_number_and_links_its_page(company: Company, anna: ARContent) -> None:
    [hit] = content_search(company, search_query(anna.order_number.lower()), 0, 5).hits
    assert hit.title == anna.order_number
    assert hit.subtitle == "Anna Petrova · Weddings · Ready"
    assert hit.url == f"/c/{company.slug}/content/{anna.unique_id}/"


def test_the_exact_order_number_comes_first(company: Company) -> None:
    contents = [make_content(company) for _ in range(3)]  # ARV-<year>-000001 … 000003
    wanted = contents[1].order_number
    titles = [hit.title for hit in content_search(company, search_query(wanted), 0, 5).hits]
    assert titles[0] == wanted


def test_a_short_number_is_no_phone(company: Company, anna: ARContent) -> None:
    assert content_search(company, search_query("91"), 0, 5).total == 0


def test_it_never_shows_another_companys_content(company: Company, other_company: Company) -> None:
    with company_scope(other_company):
        make_content(other_company, customer_name="Anna Petrova", customer_phone="+79123456789")
    assert content_search(company, search_query("Anna"), 0, 5).total == 0
    assert content_search(company, search_query("+7 912 345"), 0, 5).total == 0
