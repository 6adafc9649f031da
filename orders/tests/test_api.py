"""The orders API: price list, orders with their lifecycle, history, Idempotency-Key,
bad input in the one error body, tenant isolation and a flat query count."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from arcontent.models import ARContent
from arcontent.tests.factories import make_content
from arvlite.core.tenancy import company_scope
from companies.models import Company, User
from companies.tests.factories import api_key_client
from orders.models import Order, OrderItem, OrderStatusChange, Product
from orders.tests.factories import ProductFactory, make_order

pytestmark = pytest.mark.django_db
Clients = Callable[[User], APIClient]
BASE = "/api/v1/companies/alice-photo"


@pytest.fixture
def as_editor(api_client_for: Clients, editor: User) -> APIClient:
    return api_client_for(editor)


def copy_product(company: Company, **fields: Any) -> Product:
    return ProductFactory(company=company, kind=Product.Kind.PRINTED_COPY, term_years=None, **fields)


def create(client: APIClient, **body: Any) -> Any:
    return client.post(f"{BASE}/orders/", body, format="json")


def test_the_price_list_keeps_money_as_decimal_strings(as_editor: APIClient, company: Company) -> None:
    answer = as_editor.post(
        f"{BASE}/products/",
        {"name": "Living photo, 3 years", "kind": "living_photo", "term_years": 3, "price": "4990.50",
         "vat_rate": "22"},
        format="json",
    )  # fmt: skip
    assert answer.status_code == 201, answer.json()
    assert answer.json()["price"] == "4990.50"
    assert answer.json()["currency"] == "RUB"
    with company_scope(company):
        assert Product.objects.get().price == Decimal("4990.50")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"price": "-1"}, "price"),
        ({"price": "abc"}, "price"),
        ({"price": 1e12}, "price"),
        ({"kind": "living_photo", "term_years": None}, "term_years"),
        ({"kind": "spaceship"}, "kind"),
    ],
)
def test_bad_products_are_refused(
    as_editor: APIClient, company: Company, body: dict[str, Any], field: str
) -> None:
    payload = {"name": "Print", "kind": "printed_copy", "price": "10.00", **body}
    answer = as_editor.post(f"{BASE}/products/", payload, format="json")
    assert answer.status_code == 400
    assert field in answer.json()["errors"]
    with company_scope(company):
        assert not Product.objects.exists()


def test_an_order_is_created_with_its_number_items_and_totals(as_editor: APIClient, company: Company) -> None:
    product = copy_product(company, price=Decimal("1990.00"), vat_rate="22")
    answer = create(as_editor, customer_name="Anna", customer_email="Anna@Example.com",
                    items=[{"product": product.pk, "quantity": 2}])  # fmt: skip
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["number"] == f"ARV-{timezone.localdate().year}-000001"
    assert (body["total"], body["vat_total"], body["currency"]) == ("3980.00", "717.70", "RUB")
    assert body["items"][0]["unit_price"] == "1990.00"
    assert body["status"] == "draft"
    assert body["source"] == "staff"
    assert body["allowed_transitions"] == ["awaiting_payment", "paid", "cancelled"]
    assert "/orders/" in body["customer_page_url"]
    assert body["customer_email"] == "anna@example.com"


def test_an_api_key_creates_api_orders(company: Company) -> None:
    product = copy_product(company)
    answer = create(api_key_client(company), customer_name="Bot", items=[{"product": product.pk}])
    assert answer.status_code == 201
    assert answer.json()["source"] == "api"
    with company_scope(company):
        assert OrderStatusChange.objects.get().actor_kind == "api_key"


def test_the_lifecycle_through_the_api(as_editor: APIClient, company: Company) -> None:
    order_id = create(as_editor, customer_name="A", items=[{"product": copy_product(company).pk}]).json()[
        "id"
    ]
    paid = as_editor.post(f"{BASE}/orders/{order_id}/mark-paid/", {"note": "cash"}, format="json")
    assert paid.status_code == 200
    assert paid.json()["status"] == "paid"
    for to in ("in_production", "shipped", "completed"):
        moved = as_editor.post(f"{BASE}/orders/{order_id}/transition/", {"to": to}, format="json")
        assert moved.status_code == 200, moved.json()
    history = as_editor.get(f"{BASE}/orders/{order_id}/history/").json()["results"]
    assert [row["to_status"] for row in history] == ["draft", "paid", "in_production", "shipped", "completed"]
    assert history[1]["note"] == "cash"
    assert history[1]["actor_kind"] == "user"


def test_a_refused_move_is_a_400_naming_the_current_state(as_editor: APIClient, company: Company) -> None:
    order_id = create(as_editor, customer_name="A", items=[{"product": copy_product(company).pk}]).json()[
        "id"
    ]
    answer = as_editor.post(f"{BASE}/orders/{order_id}/transition/", {"to": "shipped"}, format="json")
    assert answer.status_code == 400
    assert "draft" in answer.json()["message"]
    assert as_editor.post(f"{BASE}/orders/{order_id}/mark-paid/", {}, format="json").status_code == 200
    again = as_editor.post(f"{BASE}/orders/{order_id}/mark-paid/", {}, format="json")
    assert again.status_code == 400
    assert "already paid" in again.json()["message"]


def test_a_renewal_names_the_content_by_its_unique_id(as_editor: APIClient, company: Company) -> None:
    with company_scope(company):
        content = make_content(
            company, status=ARContent.Status.EXPIRED, expires_at=timezone.now() - timedelta(days=1)
        )
    renewal = ProductFactory(company=company, kind=Product.Kind.RENEWAL, term_years=1)
    answer = create(
        as_editor, customer_name="A", items=[{"product": renewal.pk}], content=str(content.unique_id)
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["content"] == str(content.unique_id)
    as_editor.post(f"{BASE}/orders/{answer.json()['id']}/mark-paid/", {}, format="json")
    content.refresh_from_db()
    assert content.status == ARContent.Status.ACTIVE


def test_bad_orders_are_refused_with_nothing_written(
    as_editor: APIClient, company: Company, other_company: Company
) -> None:
    mine = copy_product(company)
    foreign = copy_product(other_company)
    inactive = copy_product(company, active=False)
    renewal = ProductFactory(company=company, kind=Product.Kind.RENEWAL, term_years=1)
    with company_scope(other_company):
        foreign_content = make_content(other_company, status=ARContent.Status.ACTIVE)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"items": [{"product": foreign.pk}]}, "items"),
        ({"items": [{"product": 999999}]}, "items"),
        ({"items": [{"product": "x"}]}, "items"),
        ({"items": [{"product": inactive.pk}]}, "items"),
        ({"items": [{"product": mine.pk, "quantity": 0}]}, "items"),
        ({"items": [{"product": mine.pk, "quantity": 10_000}]}, "items"),
        ({"items": []}, "items"),
        ({"items": [{"product": renewal.pk}], "content": str(foreign_content.unique_id)}, "content"),
        ({"items": [{"product": mine.pk}], "customer_phone": "12"}, "customer_phone"),
    ]
    for body, field in cases:
        answer = create(as_editor, customer_name="A", **body)
        assert answer.status_code == 400, (body, answer.json())
        assert field in answer.json()["errors"], (body, answer.json())
        assert answer.json()["code"]
    with company_scope(company):
        assert not Order.objects.exists()
        assert not OrderItem.objects.exists()


def test_idempotency_key_replays_the_first_answer_and_refuses_another_body(
    as_editor: APIClient, company: Company
) -> None:
    product = copy_product(company)
    body = {"customer_name": "A", "items": [{"product": product.pk}]}
    first = as_editor.post(f"{BASE}/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    again = as_editor.post(f"{BASE}/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    other = as_editor.post(f"{BASE}/orders/", {**body, "customer_name": "B"}, format="json",
                           HTTP_IDEMPOTENCY_KEY="retry-1")  # fmt: skip
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    with company_scope(company):
        assert Order.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_creates_with_one_key_make_one_order(company: Company, editor: User) -> None:
    product = copy_product(company)
    body = {"customer_name": "A", "items": [{"product": product.pk}]}
    answers: list[Any] = []
    barrier = threading.Barrier(2)

    def post() -> None:
        client = APIClient()
        client.force_authenticate(editor)
        barrier.wait(timeout=10)
        answers.append(client.post(f"{BASE}/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="race"))
        connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json()["number"] == answers[1].json()["number"]
    with company_scope(company):
        assert Order.objects.count() == 1


def test_filters_and_search(as_editor: APIClient, company: Company) -> None:
    product = copy_product(company)
    with company_scope(company):
        make_order(company, product, customer_name="Anna", customer_phone="+7 912 345-67-89")
        paid = make_order(company, product, customer_name="Boris", customer_email="boris@example.com")
    as_editor.post(f"{BASE}/orders/{paid.pk}/mark-paid/", {}, format="json")

    def names(query: str) -> list[str]:
        answer = as_editor.get(f"{BASE}/orders/?{query}")
        assert answer.status_code == 200, answer.json()
        return [row["customer_name"] for row in answer.json()["results"]]

    assert names("status=paid") == ["Boris"]
    assert names("search=boris@") == ["Boris"]
    assert names("search=8 912 345 67 89") == ["Anna"]
    assert names(f"search={paid.number}") == ["Boris"]
    today = timezone.localdate().isoformat()
    assert sorted(names(f"created_after={today}&created_before={today}")) == ["Anna", "Boris"]
    assert names("created_before=2000-01-01") == []
    assert (
        as_editor.get(f"{BASE}/orders/?created_after=2030-01-02&created_before=2030-01-01").status_code == 400
    )
    assert as_editor.get(f"{BASE}/orders/?status=lost").status_code == 400


def test_another_companys_order_is_not_found(as_editor: APIClient, other_company: Company) -> None:
    with company_scope(other_company):
        foreign = make_order(other_company, copy_product(other_company))
    assert as_editor.get(f"{BASE}/orders/{foreign.pk}/").status_code == 404
    assert as_editor.post(f"{BASE}/orders/{foreign.pk}/mark-paid/", {}, format="json").status_code == 404


def test_the_list_costs_the_same_queries_for_10_and_1000_orders(
    as_editor: APIClient, company: Company
) -> None:
    product = copy_product(company)

    def grow_to(count: int) -> None:
        with company_scope(company):
            template = make_order(company, product)
            existing = Order.objects.count()
            rows = [
                Order(
                    company=company,
                    number=f"BULK-{count}-{n}",
                    customer_name=f"C{n}",
                    access_token=f"t{count}-{n}",
                )
                for n in range(count - existing)
            ]
            created = Order.objects.bulk_create(rows)
            items = OrderItem.objects.filter(order=template)
            OrderItem.objects.bulk_create(
                [OrderItem(company=company, order=o, name=i.name, kind=i.kind, unit_price=i.unit_price, quantity=1,
                           vat_rate=i.vat_rate, line_total=i.line_total, vat_amount=i.vat_amount)
                 for o in created for i in items]
            )  # fmt: skip

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            answer = as_editor.get(f"{BASE}/orders/?page_size=100")
        assert answer.status_code == 200
        return len(captured)

    grow_to(10)
    small = queries()
    grow_to(1000)
    assert queries() == small
