"""The staff order pages: list with tabs, search, filters and CSV; one order and its
moves; the walk-in order; the price list; a customer's history."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from arcontent.models import ARContent
from arcontent.tests.factories import make_content
from arcontent.tests.photos import textured_jpeg
from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.models import Company, StoredFile, User
from orders.models import Order, Product
from orders.services import order_mark_paid
from orders.tests.factories import ProductFactory, make_order

pytestmark = pytest.mark.django_db
S = Order.Status


def base(company: Company) -> str:
    return f"/c/{company.slug}"


@pytest.fixture
def staff(client: Client, editor: User) -> Client:
    client.force_login(editor)
    return client


@pytest.fixture
def copy(company: Company) -> Product:
    return ProductFactory(company=company, name="Print 10×15", kind=Product.Kind.PRINTED_COPY,
                          term_years=None, price=Decimal("150.00"))  # fmt: skip


def order_of(company: Company, product: Product, **fields: Any) -> Order:
    with company_scope(company):
        return make_order(company, product, **fields)


# --- the list -------------------------------------------------------------------------------


def test_the_list_shows_tabs_with_counts_and_only_this_companys_orders(
    staff: Client, company: Company, other_company: Company, copy: Product
) -> None:
    order_of(company, copy, customer_name="Anna")
    order_of(company, copy, customer_name="Boris", status=S.AWAITING_PAYMENT)
    order_of(other_company, ProductFactory(company=other_company, kind="printed_copy", term_years=None),
             customer_name="Stranger")  # fmt: skip
    html = staff.get(f"{base(company)}/orders/").content.decode()
    assert "Anna" in html
    assert "Boris" in html
    assert "Stranger" not in html
    assert html.count('data-testid="order-row"') == 2
    tab = staff.get(f"{base(company)}/orders/?status=awaiting_payment").content.decode()
    assert "Boris" in tab
    assert "Anna" not in tab
    assert (
        'aria-current="page" data-testid="tab-awaiting_payment">Awaiting payment <span class="muted" data-testid="count">1<'
        in tab
    )


def test_search_by_number_name_email_or_phone_and_filters(
    staff: Client, company: Company, copy: Product
) -> None:
    first = order_of(company, copy, customer_name="Anna", customer_email="anna@example.com",
                     customer_phone="+7 912 345-67-89")  # fmt: skip
    order_of(company, copy, customer_name="Boris")
    for query in (first.number, "anna", "ANNA@example.com", "8 (912) 345 67 89"):
        html = staff.get(f"{base(company)}/orders/", {"search": query}).content.decode()
        assert html.count('data-testid="order-row"') == 1, query
    other_product = ProductFactory(company=company, kind="printed_copy", term_years=None)
    html = staff.get(f"{base(company)}/orders/", {"product": other_product.pk}).content.decode()
    assert 'data-testid="no-match"' in html
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    html = staff.get(f"{base(company)}/orders/", {"created_after": tomorrow}).content.decode()
    assert 'data-testid="no-match"' in html
    today = timezone.localdate().isoformat()
    html = staff.get(f"{base(company)}/orders/", {"created_before": today}).content.decode()
    assert html.count('data-testid="order-row"') == 2
    # a malformed date is shown as an error, not a 500
    bad = staff.get(f"{base(company)}/orders/", {"created_after": "yesterday"})
    assert bad.status_code == 200
    assert "Enter a valid date" in bad.content.decode()


def test_the_empty_list_points_to_the_price_list(staff: Client, company: Company) -> None:
    html = staff.get(f"{base(company)}/orders/").content.decode()
    assert 'data-testid="empty-state"' in html
    assert f"{base(company)}/price-list/" in html


def test_the_list_is_paginated_in_constant_queries(staff: Client, company: Company, copy: Product) -> None:
    order_of(company, copy)
    with CaptureQueriesContext(connection) as few:
        assert staff.get(f"{base(company)}/orders/").status_code == 200
    for _ in range(30):
        order_of(company, copy)
    with CaptureQueriesContext(connection) as many:
        html = staff.get(f"{base(company)}/orders/").content.decode()
    assert html.count('data-testid="order-row"') == 25
    assert 'data-testid="pagination"' in html
    assert len(many) == len(few)


def test_the_csv_export_follows_the_filters_and_defuses_formulas(
    staff: Client, company: Company, copy: Product
) -> None:
    order_of(company, copy, customer_name='=HYPERLINK("http://evil")', status=S.AWAITING_PAYMENT)
    order_of(company, copy, customer_name="Boris")
    response = staff.get(f"{base(company)}/orders/export/", {"status": "awaiting_payment"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="orders-{company.slug}-')
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Number", "Created", "Status", "Customer"]
    assert len(rows) == 2
    assert rows[1][3] == '\'=HYPERLINK("http://evil")'
    assert rows[1][7] == "Print 10×15 × 1"
    assert rows[1][8] == "150.00"


# --- one order ------------------------------------------------------------------------------


def test_the_order_page_offers_only_the_moves_its_status_allows(
    staff: Client, company: Company, copy: Product
) -> None:
    order = order_of(company, copy, status=S.AWAITING_PAYMENT)
    html = staff.get(f"{base(company)}/orders/{order.pk}/").content.decode()
    assert 'data-testid="move-paid"' in html
    assert 'data-testid="move-cancelled"' in html
    assert 'data-testid="move-shipped"' not in html
    assert "/orders/" in html
    assert 'data-testid="customer-page-link"' in html


def test_a_viewer_reads_the_order_without_buttons(
    client: Client, viewer: User, company: Company, copy: Product
) -> None:
    order = order_of(company, copy, status=S.AWAITING_PAYMENT)
    client.force_login(viewer)
    html = client.get(f"{base(company)}/orders/{order.pk}/").content.decode()
    assert 'data-testid="order-status"' in html
    assert 'data-testid="order-moves"' not in html


def test_staff_mark_paid_and_move_the_order_to_completed(
    staff: Client, company: Company, copy: Product, editor: User
) -> None:
    order = order_of(company, copy, status=S.AWAITING_PAYMENT)
    move = f"{base(company)}/orders/{order.pk}/move/"
    answer = staff.post(move, {"to": "paid", "note": "cash"}, follow=True)
    assert "The order is now paid." in answer.content.decode()
    for to in ("in_production", "shipped", "completed"):
        staff.post(move, {"to": to})
    order.refresh_from_db()
    assert order.status == S.COMPLETED
    with scopes_disabled():
        changes = list(order.status_changes.values_list("to_status", "note", "actor_user"))
    assert changes[1] == ("paid", "cash", editor.pk)
    html = staff.get(f"{base(company)}/orders/{order.pk}/").content.decode()
    assert html.count('data-testid="timeline-step"') == 5


def test_an_illegal_move_is_refused_with_the_current_state(
    staff: Client, company: Company, copy: Product
) -> None:
    order = order_of(company, copy)
    answer = staff.post(f"{base(company)}/orders/{order.pk}/move/", {"to": "shipped"}, follow=True)
    assert "An order that is draft cannot become shipped." in answer.content.decode()
    assert staff.post(f"{base(company)}/orders/{order.pk}/move/", {"to": "nonsense"}).status_code == 302
    order.refresh_from_db()
    assert order.status == S.DRAFT


def test_the_tracking_number_is_saved_for_delivered_orders(
    staff: Client, company: Company, copy: Product
) -> None:
    order = order_of(company, copy, delivery="address", delivery_address="Lenina 1")
    staff.post(f"{base(company)}/orders/{order.pk}/", {"tracking_number": "RA123456789RU"})
    order.refresh_from_db()
    assert order.tracking_number == "RA123456789RU"


def test_another_companys_order_is_a_404(staff: Client, company: Company, other_company: Company) -> None:
    foreign = order_of(
        other_company, ProductFactory(company=other_company, kind="printed_copy", term_years=None)
    )
    assert staff.get(f"{base(company)}/orders/{foreign.pk}/").status_code == 404
    assert staff.post(f"{base(company)}/orders/{foreign.pk}/move/", {"to": "cancelled"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == S.DRAFT


# --- the walk-in order ----------------------------------------------------------------------


def test_a_walk_in_living_photo_gets_its_photo_and_becomes_content_when_paid(
    staff: Client, company: Company, editor: User
) -> None:
    living = ProductFactory(company=company, name="Living photo")
    answer = staff.post(f"{base(company)}/orders/new/", {
        "customer_name": "Walk-in", "customer_phone": "8 900 111 22 33", "customer_language": "ru",
        "delivery": "pickup", "product_0": living.pk, "quantity_0": 1,
    })  # fmt: skip
    assert answer.status_code == 302, answer.content.decode()
    with scopes_disabled():
        order = Order.objects.get(company=company)
    assert order.status == S.DRAFT
    assert order.customer_phone == "+79001112233"
    assert answer["Location"] == f"{base(company)}/orders/{order.pk}/"
    photo_url = f"{base(company)}/orders/{order.pk}/photo/"
    bad = staff.post(photo_url, {"photo": SimpleUploadedFile("x.jpg", b"not an image")}, follow=True)
    assert 'data-testid="photo-form"' in bad.content.decode()
    assert "photo-attached" not in bad.content.decode()
    staff.post(photo_url, {"photo": SimpleUploadedFile("p.jpg", textured_jpeg(), content_type="image/jpeg")})
    order.refresh_from_db()
    assert order.photo is not None
    with scopes_disabled():
        assert StoredFile.objects.get(pk=order.photo.pk).held_until is not None
    staff.post(f"{base(company)}/orders/{order.pk}/move/", {"to": "paid"})
    order.refresh_from_db()
    assert order.content is not None
    assert order.content.order_number == order.number
    html = staff.get(f"{base(company)}/orders/{order.pk}/").content.decode()
    assert f"{base(company)}/content/{order.content.unique_id}/" in html


def test_a_walk_in_renewal_names_content_of_this_company(
    staff: Client, company: Company, other_company: Company
) -> None:
    renewal = ProductFactory(company=company, kind=Product.Kind.RENEWAL, term_years=1, name="Renewal")
    with company_scope(other_company):
        foreign = make_content(other_company, status=ARContent.Status.ACTIVE)
    with company_scope(company):
        own = make_content(company, status=ARContent.Status.ACTIVE)
    form = {"customer_name": "Anna", "customer_language": "en", "delivery": "pickup",
            "product_0": renewal.pk, "quantity_0": 1}  # fmt: skip
    refused = staff.post(f"{base(company)}/orders/new/", {**form, "content": str(foreign.unique_id)})
    assert refused.status_code == 200
    assert "Unknown AR content." in refused.content.decode()
    missing = staff.post(f"{base(company)}/orders/new/", form)
    assert "Choose the AR content this renewal extends." in missing.content.decode()
    with scopes_disabled():
        assert not Order.objects.filter(company=company).exists()
    prefilled = staff.get(f"{base(company)}/orders/new/", {"content": str(own.unique_id)}).content.decode()
    assert f'value="{own.unique_id}"' in prefilled
    staff.post(
        f"{base(company)}/orders/new/", {**form, "content": str(own.unique_id), "awaiting_payment": "on"}
    )
    with scopes_disabled():
        order = Order.objects.get(company=company)
    assert order.content == own
    assert order.status == S.AWAITING_PAYMENT


def test_the_walk_in_form_refuses_bad_lines(staff: Client, company: Company, other_company: Company) -> None:
    foreign = ProductFactory(company=other_company)
    own = ProductFactory(company=company)
    for line in ({"product_0": foreign.pk}, {"product_0": ""}, {"product_0": own.pk, "quantity_0": 0}):
        answer = staff.post(f"{base(company)}/orders/new/", {"customer_name": "A", "customer_language": "en",
                                                             "delivery": "pickup", **line})  # fmt: skip
        assert answer.status_code == 200, line
        assert "field-error" in answer.content.decode()
    with scopes_disabled():
        assert not Order.objects.filter(company=company).exists()


def test_the_walk_in_form_without_products_says_so(staff: Client, company: Company) -> None:
    html = staff.get(f"{base(company)}/orders/new/").content.decode()
    assert 'data-testid="no-products"' in html


# --- the price list and the customer's history ---------------------------------------------


def test_the_price_list_editor(staff: Client, company: Company) -> None:
    url = f"{base(company)}/price-list/"
    form = {"name": "Living photo, 2 years", "kind": "living_photo", "term_years": 2, "price": "2990.50",
            "currency": "RUB", "vat_rate": "none", "position": 0, "active": "on"}  # fmt: skip
    for price in ("-1", "abc", "100000000"):
        refused = staff.post(f"{url}new/", {**form, "price": price})
        assert refused.status_code == 200, price
        assert "field-error" in refused.content.decode(), price
    no_term = staff.post(f"{url}new/", {**form, "term_years": ""})
    assert "Give the hosting term in years" in no_term.content.decode()
    assert staff.post(f"{url}new/", form).status_code == 302
    with scopes_disabled():
        product = Product.objects.get(company=company)
    assert product.price == Decimal("2990.50")
    assert product.term_years == 2
    staff.post(f"{url}{product.pk}/", {**form, "price": "3100", "active": ""})
    product.refresh_from_db()
    assert product.price == Decimal("3100.00")
    assert not product.active
    assert "Living photo, 2 years" in staff.get(url).content.decode()
    staff.post(f"{url}{product.pk}/delete/")
    with scopes_disabled():
        assert not Product.objects.filter(pk=product.pk).exists()


def test_a_viewer_sees_the_price_list_but_cannot_change_it(
    client: Client, viewer: User, company: Company, copy: Product
) -> None:
    client.force_login(viewer)
    html = client.get(f"{base(company)}/price-list/").content.decode()
    assert "Print 10×15" in html
    assert 'data-testid="new-product"' not in html
    assert client.post(f"{base(company)}/price-list/{copy.pk}/delete/").status_code == 403


def test_the_customer_history_finds_every_order_by_email_or_phone(
    staff: Client, company: Company, copy: Product, editor: User
) -> None:
    first = order_of(company, copy, customer_email="anna@example.com", status=S.AWAITING_PAYMENT)
    order_of(company, copy, customer_email="Anna@Example.com", customer_phone="+7 912 000 00 01")
    order_of(company, copy, customer_phone="+7 912 000 00 01", customer_name="Anna (phone)")
    order_of(company, copy, customer_email="boris@example.com")
    with company_scope(company):
        order_mark_paid(order=first, actor=editor)
    by_email = staff.get(f"{base(company)}/orders/customer/", {"email": "ANNA@example.com"}).content.decode()
    assert by_email.count('data-testid="order-row"') == 2
    both = staff.get(f"{base(company)}/orders/customer/",
                     {"email": "anna@example.com", "phone": "+79120000001"}).content.decode()  # fmt: skip
    assert both.count('data-testid="order-row"') == 3
    page = staff.get(f"{base(company)}/orders/{first.pk}/").content.decode()
    assert 'data-testid="customer-history-link"' in page
    empty = staff.get(f"{base(company)}/orders/customer/").content.decode()
    assert 'data-testid="order-row"' not in empty


def test_the_order_pages_speak_russian(staff: Client, company: Company, copy: Product, settings: Any) -> None:
    settings.LANGUAGE_CODE = "ru"
    order = order_of(company, copy, status=S.AWAITING_PAYMENT)
    listing = staff.get(f"{base(company)}/orders/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Прайс-лист" in listing
    assert "Ожидает оплаты" in listing
    detail = staff.get(f"{base(company)}/orders/{order.pk}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Отметить оплаченным" in detail
    assert "Следующий шаг" in detail
