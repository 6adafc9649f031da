"""Invoices and credit notes: issued when an order is paid with the seller's legal details
copied, numbered without gaps under concurrency, rendered to PDF and e-mailed once, and
never changed or deleted afterwards — by the services, the ORM or the database itself."""

from __future__ import annotations

import importlib
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test import Client

from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.models import Company, User
from companies.services import company_delete_blockers, company_update
from orders.invoices.delivery import document_deliver
from orders.invoices.models import CreditNote, ImmutableDocumentError, Invoice
from orders.invoices.services import amount_in_words, credit_note_issue, invoice_issue, split_by_vat
from orders.models import Order, Product, VatRate
from orders.payments.services import manual_payment_record
from orders.tests.factories import ProductFactory, make_order

pytestmark = pytest.mark.django_db

LEGAL = {
    "legal_name": "ООО «Солнечная студия»",
    "tax_id": "7707083893",
    "kpp": "773601001",
    "ogrn": "1027700132195",
    "legal_address": "117312, Москва, ул. Вавилова, 19",
    "bank_name": "ПАО Сбербанк",
    "bank_bik": "044525225",
    "bank_correspondent_account": "30101810400000000225",
    "bank_account": "40702810200000000001",
}


def page_text(pdf: bytes) -> str:
    from arcontent.printing.tests.pdfs import only_page
    from arcontent.printing.tests.pdfs import page_text as text

    return text(only_page(pdf))


@pytest.fixture
def seller(company: Company, owner: User) -> Company:
    return company_update(company=company, actor=owner, **LEGAL)


def paid_order(company: Company, actor: User, *products: Product, **fields: Any) -> Order:
    with company_scope(company):
        order = make_order(company, *products, status=Order.Status.AWAITING_PAYMENT,
                           customer_email="maria@example.com", **fields)  # fmt: skip
        return manual_payment_record(order=order, actor=actor, method="bank_transfer")


def vat_products(company: Company) -> tuple[Product, Product]:
    print_copy = ProductFactory(company=company, kind=Product.Kind.PRINTED_COPY, term_years=None,
                                price=Decimal("1220.00"), vat_rate=VatRate.TWENTY_TWO, name="Печать 20×30")  # fmt: skip
    frame = ProductFactory(company=company, kind=Product.Kind.PRINTED_COPY, term_years=None,
                           price=Decimal("550.00"), vat_rate=VatRate.TEN, name="Рамка")  # fmt: skip
    return print_copy, frame


def test_paying_issues_the_invoice_with_a_pdf_and_one_email(
    seller: Company, editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        order = paid_order(seller, editor, *vat_products(seller), legal_name="ООО Покупатель",
                           legal_tax_id="500100732259")  # fmt: skip
    with scopes_disabled():
        invoice = Invoice.objects.get(order=order)
    assert invoice.number == f"{invoice.year}-00001"
    assert invoice.total == Decimal("1770.00")
    assert invoice.vat_total == Decimal("270.00")  # 1220 × 22/122 = 220, 550 × 10/110 = 50
    assert invoice.vat_summary == [
        {"vat_rate": "22", "amount": "220.00"},
        {"vat_rate": "10", "amount": "50.00"},
    ]
    assert invoice.seller["bank_account"] == LEGAL["bank_account"]
    assert invoice.amount_in_words == "Одна тысяча семьсот семьдесят рублей, ноль копеек"
    assert invoice.pdf_generated_at is not None
    text = page_text(invoice.pdf.read())
    for expected in (invoice.number, "ООО «Солнечная студия»", "7707083893", "773601001", "044525225",
                     "40702810200000000001", "ООО Покупатель", "Одна тысяча семьсот семьдесят рублей",
                     "в т.ч. НДС 22 %: 220.00", "в т.ч. НДС 10 %: 50.00"):  # fmt: skip
        assert expected in text, expected
    [email] = [message for message in mail.outbox if invoice.number in message.subject]
    assert email.to == ["maria@example.com"]
    assert email.attachments[0][0] == f"{invoice.number}.pdf"
    assert email.attachments[0][1].startswith(b"%PDF")
    with company_scope(seller):
        document_deliver(invoice)  # a repeated task: no second file, no second e-mail
    assert len([message for message in mail.outbox if invoice.number in message.subject]) == 1


def test_an_invoice_without_vat_says_so(seller: Company, editor: User) -> None:
    order = paid_order(seller, editor, ProductFactory(company=seller, price=Decimal("1000.00")))
    with scopes_disabled():
        invoice = Invoice.objects.get(order=order)
    with company_scope(seller):
        document_deliver(invoice)
    invoice.refresh_from_db()
    assert "Без НДС" in page_text(invoice.pdf.read())


def test_amount_in_words_reads_kopecks_right() -> None:
    # num2words reads a bare int as kopecks; the service always passes two places.
    assert (
        amount_in_words(Decimal("1234.56"), "RUB")
        == "Одна тысяча двести тридцать четыре рубля, пятьдесят шесть копеек"
    )
    assert amount_in_words(Decimal("5"), "RUB") == "Пять рублей, ноль копеек"


def test_a_company_without_legal_details_is_paid_but_issues_no_invoice(
    company: Company, editor: User
) -> None:
    order = paid_order(company, editor)
    assert order.status == Order.Status.PAID
    with scopes_disabled():
        assert not Invoice.objects.filter(order=order).exists()
    with company_scope(company), pytest.raises(Exception, match="legal details"):
        invoice_issue(order=order, actor=editor)


def test_an_issued_invoice_cannot_be_changed_or_deleted(seller: Company, editor: User) -> None:
    order = paid_order(seller, editor)
    with scopes_disabled():
        invoice = Invoice.objects.get(order=order)
        invoice.total = Decimal("1.00")
        with pytest.raises(ImmutableDocumentError):
            invoice.save()
        with pytest.raises(ImmutableDocumentError):
            invoice.delete()
        for attempt in (lambda: Invoice.objects.filter(pk=invoice.pk).update(total=Decimal("1.00")),
                        lambda: Invoice.objects.filter(pk=invoice.pk).update(seller={}),
                        lambda: Invoice.objects.filter(pk=invoice.pk).delete()):  # fmt: skip
            with pytest.raises(IntegrityError), transaction.atomic():
                attempt()
        with connection.cursor() as cursor, pytest.raises(IntegrityError), transaction.atomic():
            cursor.execute("UPDATE orders_invoice SET number = 'X' WHERE id = %s", [invoice.pk])
        invoice.refresh_from_db()
    assert invoice.total == order.total
    assert company_delete_blockers(company=seller)  # the company must be kept too


def test_a_protected_record_the_blockers_missed_refuses_the_deletion_cleanly(
    seller: Company, editor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even without the money blocker, the invoice's PROTECT refuses the company's deletion
    with the reason (409 in the API), not a 500, and nothing is deleted."""
    from companies import services

    paid_order(seller, editor)
    monkeypatch.setattr(services, "COMPANY_DELETE_BLOCKERS", [])
    with pytest.raises(services.CompanyDeleteRefusedError, match="must be kept: invoices"):
        services.company_delete(company=seller, actor=None)
    with scopes_disabled():
        assert Invoice.objects.filter(company=seller).count() == 1
        assert Order.objects.filter(company=seller).count() == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_issues_are_numbered_one_to_twenty(company: Company, owner: User) -> None:
    company_update(company=company, actor=owner, **LEGAL)
    orders = []
    for _ in range(20):
        with company_scope(company):
            order = make_order(company, ProductFactory(company=company), status=Order.Status.AWAITING_PAYMENT)
        orders.append(order)
    start = threading.Barrier(20)
    errors: list[BaseException] = []

    def issue(order: Order) -> None:
        try:
            start.wait(timeout=30)
            with company_scope(company):
                invoice_issue(order=order, actor=owner)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(order,)) for order in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with scopes_disabled():
        assert sorted(Invoice.objects.values_list("sequence", flat=True)) == list(range(1, 21))


def test_a_rolled_back_issue_gives_its_number_back(seller: Company, editor: User) -> None:
    with company_scope(seller):
        first = make_order(seller, status=Order.Status.AWAITING_PAYMENT)
        second = make_order(seller, status=Order.Status.AWAITING_PAYMENT)
        try:
            with transaction.atomic():
                invoice_issue(order=first, actor=editor)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        assert invoice_issue(order=second, actor=editor).sequence == 1
        assert invoice_issue(order=second, actor=editor).sequence == 1  # issuing again: the same invoice


def test_credit_notes_never_exceed_the_invoice(seller: Company, editor: User) -> None:
    order = paid_order(seller, editor, *vat_products(seller))
    with scopes_disabled():
        invoice = Invoice.objects.get(order=order)
    with company_scope(seller):
        note = credit_note_issue(
            invoice=invoice, amount=Decimal("885.00"), actor=editor, reason="Брак печати"
        )
        assert note.number == f"CN-{note.year}-00001"
        assert note.total == Decimal("885.00")
        assert sum(Decimal(line["total"]) for line in note.lines) == Decimal("885.00")
        with pytest.raises(Exception, match=r"885\.00"):
            credit_note_issue(invoice=invoice, amount=Decimal("885.01"), actor=editor)
        assert credit_note_issue(invoice=invoice, amount=Decimal("885.00"), actor=editor).sequence == 2
        assert CreditNote.objects.filter(invoice=invoice).count() == 2


def test_a_share_split_by_vat_adds_up_exactly() -> None:
    lines = [{"vat_rate": "22", "total": "1000.00"}, {"vat_rate": "10", "total": "333.33"},
             {"vat_rate": "none", "total": "0.01"}]  # fmt: skip
    parts = split_by_vat(lines, Decimal("100.00"))
    assert sum(part for _rate, part in parts) == Decimal("100.00")
    assert parts[0] == ("22", Decimal("75.00"))  # 100 × 1000 / 1333.34


def test_legal_details_are_checked_by_their_digits(seller: Company, owner: User, client: Client) -> None:
    client.force_login(owner)
    url = f"/api/v1/companies/{seller.slug}/"
    for field, value in (("tax_id", "7707083894"), ("kpp", "7736"), ("ogrn", "1027700132196"),
                         ("bank_bik", "04452522"), ("bank_account", "40702810200000000002"),
                         ("bank_correspondent_account", "30101810400000000226")):  # fmt: skip
        answer = client.patch(url, {field: value}, content_type="application/json")
        assert answer.status_code == 400, field
        assert field in answer.json()["errors"], field
    assert client.patch(url, {"tax_id": "DE123456789"}, content_type="application/json").status_code == 200
    seller.refresh_from_db()
    assert seller.bank_account == LEGAL["bank_account"]


def test_old_free_text_bank_details_are_split_by_the_migration() -> None:
    migration = importlib.import_module("companies.migrations.0008_legal_details")
    text = "ПАО Сбербанк, БИК 044525225, к/с 30101810400000000225, р/с 40702810200000000001"
    found = {field: match.group(1) for field, pattern in migration._PATTERNS.items()
             if (match := pattern.search(text))}  # fmt: skip
    assert found == {"bank_bik": "044525225", "bank_correspondent_account": "30101810400000000225",
                     "bank_account": "40702810200000000001"}  # fmt: skip
