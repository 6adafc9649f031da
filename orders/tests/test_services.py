"""The order lifecycle as services: numbering, totals, the transition table, paying
(which creates or renews content), editing, the payment deadline and bad input."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.utils import timezone, translation

from arcontent.models import ARContent
from arcontent.tests.factories import make_content
from arvlite.core.tenancy import company_scope
from companies.files import held_files_expire, storage_used_bytes
from companies.models import AuditEntry, Company, StoredFile, User
from orders.models import Order, OrderStatusChange, Product
from orders.pricing import Line, order_totals
from orders.services import (
    ItemInput,
    OrderInput,
    cancel_unpaid_orders,
    order_attach_photo,
    order_create,
    order_items_replace,
    order_mark_paid,
    order_transition,
    product_update,
    renewal_order_create,
)
from orders.tests.factories import ProductFactory, held_photo, held_video, make_order
from videos.models import Video

pytestmark = pytest.mark.usefixtures("scoped")
S = Order.Status


def test_totals_are_decimal_with_vat_inside_the_price() -> None:
    lines = [
        Line(Decimal("1990.00"), 2, "22"),
        Line(Decimal("333.33"), 3, "none"),
        Line(Decimal("0.10"), 1, "10"),
    ]
    totals = order_totals(lines)
    assert totals.total == Decimal("4980.09")
    # 3980 × 22 / 122 = 717.70; 0.10 × 10 / 110 = 0.01 (rounded half up per line)
    assert totals.vat_total == Decimal("717.71")
    assert all(isinstance(value, Decimal) for value in (totals.total, totals.vat_total))


def test_an_order_takes_the_next_number_of_the_company_counter(company: Company) -> None:
    year = timezone.localdate().year
    first = make_order(company)
    content = make_content(company)  # content made directly shares the counter
    second = make_order(company)
    assert first.number == f"ARV-{year}-000001"
    assert content.order_number == f"ARV-{year}-000002"
    assert second.number == f"ARV-{year}-000003"


def test_items_are_snapshots_and_totals_are_stored(company: Company, editor: User) -> None:
    product = ProductFactory(
        company=company, price=Decimal("1500.00"), vat_rate="22", kind=Product.Kind.PRINTED_COPY
    )
    order = make_order(company, product, quantity=2)
    product_update(product=product, actor=editor, price=Decimal("9999.00"), name="Renamed")
    order.refresh_from_db()
    item = order.items.get()
    assert (item.unit_price, item.line_total) == (Decimal("1500.00"), Decimal("3000.00"))
    assert item.name != "Renamed"
    assert order.total == Decimal("3000.00")
    assert order.vat_total == Decimal("540.98")
    assert order.currency == "RUB"


def test_creation_is_logged_and_audited(company: Company, editor: User) -> None:
    order = make_order(company, actor=editor)
    change = order.status_changes.get()
    assert (change.from_status, change.to_status, change.actor_kind, change.actor_user) == (
        "",
        S.DRAFT,
        "user",
        editor,
    )
    assert AuditEntry.objects.filter(company=company, action="order.create", target_id=str(order.pk)).exists()


def test_the_lifecycle_follows_the_table_and_logs_every_move(company: Company, editor: User) -> None:
    order = make_order(
        company, ProductFactory(company=company, kind=Product.Kind.PRINTED_COPY, term_years=None)
    )
    order = order_transition(order=order, actor=editor, to=S.AWAITING_PAYMENT)
    order = order_mark_paid(order=order, actor=editor, note="cash at the desk")
    for to in (S.IN_PRODUCTION, S.SHIPPED, S.COMPLETED):
        order = order_transition(order=order, actor=editor, to=to, note=f"to {to}")
    moves = list(
        OrderStatusChange.objects.filter(order=order).values_list("from_status", "to_status", "note")
    )
    assert moves == [
        ("", S.DRAFT, ""),
        (S.DRAFT, S.AWAITING_PAYMENT, ""),
        (S.AWAITING_PAYMENT, S.PAID, "cash at the desk"),
        (S.PAID, S.IN_PRODUCTION, "to in_production"),
        (S.IN_PRODUCTION, S.SHIPPED, "to shipped"),
        (S.SHIPPED, S.COMPLETED, "to completed"),
    ]
    actions = set(AuditEntry.objects.filter(target_id=str(order.pk)).values_list("action", flat=True))
    assert {"order.paid", "order.in_production", "order.shipped", "order.completed"} <= actions
    assert order.paid_at is not None


@pytest.mark.parametrize(
    ("start", "to"),
    [(S.DRAFT, S.SHIPPED), (S.DRAFT, S.COMPLETED), (S.CANCELLED, S.AWAITING_PAYMENT), (S.PAID, S.CANCELLED)],
)
def test_illegal_moves_are_refused_naming_the_current_state(
    company: Company, editor: User, start: str, to: str
) -> None:
    order = make_order(
        company, ProductFactory(company=company, kind=Product.Kind.PRINTED_COPY, term_years=None)
    )
    if start == S.CANCELLED:
        order = order_transition(order=order, actor=editor, to=S.CANCELLED)
    if start == S.PAID:
        order = order_mark_paid(order=order, actor=editor)
    with pytest.raises(ValidationError) as refused:
        order_transition(order=order, actor=editor, to=to)
    current = Order.Status(start).label.lower()
    assert current in refused.value.messages[0]
    order.refresh_from_db()
    assert order.status == start
    assert not OrderStatusChange.objects.filter(order=order, to_status=to).exists()


def test_paid_is_only_reached_through_mark_paid(company: Company, editor: User) -> None:
    order = make_order(company)
    with pytest.raises(ValidationError, match="Mark paid"):
        order_transition(order=order, actor=editor, to=S.PAID)
    with pytest.raises(ValidationError, match="Unknown status"):
        order_transition(order=order, actor=editor, to="teleported")


def test_paying_creates_the_living_photo_with_the_order_number(company: Company, editor: User) -> None:
    product = ProductFactory(company=company, term_years=3)
    photo, video = held_photo(company), held_video(company)
    assert storage_used_bytes(company=company) == 0  # held files count against nothing
    order = make_order(company, product, photo=photo, video=video, customer_email="anna@example.com",
                       customer_phone="8 912 345-67-89", status=S.AWAITING_PAYMENT)  # fmt: skip
    paid = order_mark_paid(order=order, actor=editor, note="bank transfer")
    content = paid.content
    assert content is not None
    assert content.order_number == order.number
    assert (content.customer_name, content.customer_email, content.customer_phone) == (
        "Anna Petrova", "anna@example.com", "+79123456789"
    )  # fmt: skip
    assert content.term_years == 3
    assert content.status == ARContent.Status.PROCESSING
    assert content.photo_id == photo.pk
    video_row = Video.objects.get(content=content)
    assert video_row.original_id == video.pk
    photo.refresh_from_db()
    assert photo.held_until is None
    assert photo.project_id == content.project_id
    assert storage_used_bytes(company=company) == photo.size + video.size
    assert content.project.name == "Orders"


def test_paying_without_a_photo_leaves_the_content_for_later(company: Company, editor: User) -> None:
    order = order_mark_paid(order=make_order(company), actor=editor)
    assert order.content is None
    order = order_attach_photo(order=order, actor=editor, photo=held_photo(company))
    assert order.content is not None
    assert order.content.order_number == order.number


def test_a_refused_content_rolls_the_payment_back(company: Company, editor: User) -> None:
    company.storage_quota_bytes = 10
    company.save()
    order = make_order(company, photo=held_photo(company))
    with pytest.raises(ValidationError):
        order_mark_paid(order=order, actor=editor)
    order.refresh_from_db()
    assert order.status == S.DRAFT
    assert order.content is None
    assert order.paid_at is None
    assert not ARContent.objects.filter(company=company).exists()
    assert order.photo is not None
    assert StoredFile.objects.get(pk=order.photo.pk).held_until is not None


def test_a_renewal_extends_the_content_and_revives_expired_content(company: Company, editor: User) -> None:
    expired_at = timezone.now() - timedelta(days=3)
    content = make_content(company, status=ARContent.Status.EXPIRED, expires_at=expired_at)
    renewal = ProductFactory(company=company, kind=Product.Kind.RENEWAL, term_years=2)
    order = make_order(company, renewal, content=content)
    order_mark_paid(order=order, actor=editor)
    content.refresh_from_db()
    assert content.status == ARContent.Status.ACTIVE
    assert content.expires_at is not None
    assert content.expires_at > timezone.now() + timedelta(days=2 * 365 - 2)


def test_the_customer_can_renew_content_near_its_end(company: Company, editor: User) -> None:
    content = make_content(
        company, status=ARContent.Status.ACTIVE, expires_at=timezone.now() + timedelta(days=10)
    )
    ProductFactory(company=company, kind=Product.Kind.RENEWAL, term_years=1)
    original = make_order(company, content=None)
    original.content = content
    original.save()
    renewal = renewal_order_create(order=original)
    assert renewal.status == S.AWAITING_PAYMENT
    assert renewal.content == content
    assert renewal.status_changes.get().actor_kind == OrderStatusChange.ActorKind.CUSTOMER


def test_items_can_only_change_before_payment(company: Company, editor: User) -> None:
    order = make_order(company)
    cheaper = ProductFactory(company=company, price=Decimal("10.00"))
    order = order_items_replace(order=order, actor=editor, items=[ItemInput(cheaper, 1)])
    assert order.total == Decimal("10.00")
    order = order_mark_paid(order=order, actor=editor)
    with pytest.raises(ValidationError, match="before payment"):
        order_items_replace(order=order, actor=editor, items=[ItemInput(cheaper, 2)])
    assert Order.objects.get(pk=order.pk).total == Decimal("10.00")


def bad_order(company: Company, **fields: Any) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        make_order(company, *fields.pop("products", ()), **fields)
    assert not Order.objects.filter(company=company).exists()
    return refused.value


def test_bad_items_are_refused_with_nothing_written(company: Company, other_company: Company) -> None:
    foreign = ProductFactory(company=other_company)
    assert "Unknown product" in str(bad_order(company, products=[foreign]))
    inactive = ProductFactory(company=company, active=False)
    assert "not on sale" in str(bad_order(company, products=[inactive]))
    for quantity in (0, 10_000):
        assert "between 1 and 100" in str(bad_order(company, products=[ProductFactory(company=company)],
                                                      quantity=quantity))  # fmt: skip
    euro = ProductFactory(company=company, currency="EUR", kind=Product.Kind.PRINTED_COPY)
    rub = ProductFactory(company=company, kind=Product.Kind.PRINTED_COPY)
    assert "same currency" in str(bad_order(company, products=[euro, rub]))
    assert "one living photo" in str(
        bad_order(company, products=[ProductFactory(company=company)], quantity=2)
    )
    with pytest.raises(ValidationError, match="Add at least one product"):
        order_create(company=company, actor=None, data=OrderInput(customer_name="X", items=[]))


def test_a_renewal_needs_content_of_this_company(company: Company, other_company: Company) -> None:
    renewal = ProductFactory(company=company, kind=Product.Kind.RENEWAL, term_years=1)
    assert "Choose the AR content" in str(bad_order(company, products=[renewal]))
    with company_scope(other_company):
        foreign = make_content(other_company, status=ARContent.Status.ACTIVE)
    assert "Unknown AR content" in str(bad_order(company, products=[renewal], content=foreign))


def test_bad_customer_details_are_refused(company: Company) -> None:
    assert "valid phone" in str(bad_order(company, customer_phone="not a phone"))
    assert "delivery address" in str(bad_order(company, delivery=Order.Delivery.ADDRESS))
    assert "name" in str(bad_order(company, customer_name="  "))


def test_the_customer_gets_an_email_on_creation_and_every_move(
    company: Company, editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        order = make_order(company, ProductFactory(company=company, kind=Product.Kind.PRINTED_COPY, term_years=None),
                           customer_email="anna@example.com", customer_language="en")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        order_mark_paid(order=order, actor=editor)
    to_customer = [
        message for message in mail.outbox if message.to == ["anna@example.com"]
    ]  # staff get theirs
    subjects = [message.subject for message in to_customer]
    assert subjects == [f"Order {order.number} at {company.name}", f"Order {order.number}: Paid"]
    body = to_customer[0].body
    assert "/orders/" in body
    assert order.access_token not in body.split("/orders/")[0]
    message = to_customer[1]
    assert isinstance(message, EmailMultiAlternatives)
    assert "Paid" in str(message.alternatives[0][0])


def test_unpaid_orders_are_cancelled_after_the_deadline_and_their_files_expire(company: Company) -> None:
    photo = held_photo(company)
    order = make_order(company, photo=photo, status=S.AWAITING_PAYMENT, source=Order.Source.STOREFRONT)
    photo.refresh_from_db()
    assert order.payment_due_at is not None
    assert photo.held_until is not None
    assert photo.held_until > order.payment_due_at  # the file outlives the deadline
    assert cancel_unpaid_orders(now=order.payment_due_at - timedelta(minutes=1)) == 0
    assert cancel_unpaid_orders(now=order.payment_due_at + timedelta(minutes=1)) == 1
    order.refresh_from_db()
    assert order.status == S.CANCELLED
    assert order.status_changes.last().actor_kind == OrderStatusChange.ActorKind.SYSTEM  # type: ignore[union-attr]
    assert held_files_expire(now=photo.held_until + timedelta(seconds=1)) == 1
    assert not StoredFile.objects.filter(pk=photo.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_mark_paid_exactly_one_wins(company: Company, editor: User) -> None:
    with company_scope(company):
        order = make_order(company, photo=held_photo(company))
    results: list[str] = []
    barrier = threading.Barrier(2)

    def pay() -> None:
        try:
            with company_scope(company):
                barrier.wait(timeout=10)
                order_mark_paid(order=order, actor=editor)
            results.append("paid")
        except ValidationError as error:
            results.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=pay) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == ["This order is already paid.", "paid"]
    with company_scope(company):
        assert ARContent.objects.filter(order_number=order.number).count() == 1
        assert OrderStatusChange.objects.filter(order=order, to_status=S.PAID).count() == 1


def test_a_russian_customer_gets_russian_mails_and_messages(
    company: Company, editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        order = make_order(company, customer_email="anna@example.com", customer_language="ru")
    assert mail.outbox[0].subject == f"Заказ {order.number} в «{company.name}»"
    assert "Сохраните эту ссылку" in mail.outbox[0].body
    with translation.override("ru"), pytest.raises(ValidationError) as refused:
        order_transition(order=order, actor=editor, to=S.SHIPPED)
    assert refused.value.messages == ["Заказ в статусе «черновик» нельзя перевести в статус «отправлен»."]
