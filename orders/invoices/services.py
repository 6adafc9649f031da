"""Issuing invoices and credit notes. A document takes its number from a gapless series
in the transaction that issues it and copies everything it says at that moment; its PDF
is rendered (and e-mailed to the customer) by a task after the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import structlog
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from num2words import num2words

from arvlite.core.counters import next_in_series
from arvlite.core.events import emit
from companies.actors import Actor
from companies.audit import audit_log
from companies.models import Company
from orders.invoices.models import CreditNote, DocumentCounter, Invoice, IssuedDocument
from orders.links import customer_page_url
from orders.models import Order, VatRate

log = structlog.get_logger(__name__)
CENT = Decimal("0.01")
DOCUMENT_LANGUAGE = "ru"  # invoices are Russian legal documents

# The seller's details an invoice needs before it can be issued.
REQUIRED_SELLER_FIELDS = ("legal_name", "tax_id")
SELLER_FIELDS = ("legal_name", "tax_id", "kpp", "ogrn", "legal_address", "bank_name", "bank_bik",
                 "bank_correspondent_account", "bank_account", "bank_details")  # fmt: skip
ISSUABLE = frozenset({Order.Status.AWAITING_PAYMENT, Order.Status.PAID, Order.Status.IN_PRODUCTION,
                      Order.Status.SHIPPED, Order.Status.COMPLETED})  # fmt: skip


def seller_missing(company: Company) -> list[str]:
    """The legal details the company still has to fill in before it can issue invoices."""
    return [str(getattr(Company._meta.get_field(name), "verbose_name", name)) for name in REQUIRED_SELLER_FIELDS
            if not getattr(company, name).strip()]  # fmt: skip


def amount_in_words(amount: Decimal, currency: str, language: str = DOCUMENT_LANGUAGE) -> str:
    # num2words reads an int as kopecks: always give it the two-place Decimal.
    words = num2words(amount.quantize(CENT), lang=language, to="currency", currency=currency)
    return words[:1].upper() + words[1:]


def vat_of(amount: Decimal, rate: str) -> Decimal:
    """The VAT inside a price that includes it."""
    if rate == VatRate.NONE or Decimal(rate) == 0:
        return Decimal("0.00")
    percent = Decimal(rate)
    return (amount * percent / (100 + percent)).quantize(CENT, rounding=ROUND_HALF_UP)


def vat_summary(lines: Iterable[dict[str, str]]) -> list[dict[str, str]]:
    totals: dict[str, Decimal] = {}
    for line in lines:
        totals[line["vat_rate"]] = totals.get(line["vat_rate"], Decimal("0")) + Decimal(line["vat_amount"])
    return [{"vat_rate": rate, "amount": f"{amount:.2f}"} for rate, amount in totals.items()]


def _seller(company: Company) -> dict[str, str]:
    return {name: getattr(company, name) for name in SELLER_FIELDS} | {"name": company.name}


def _buyer(order: Order) -> dict[str, str]:
    return {
        "name": order.customer_name,
        "legal_name": order.legal_name,
        "tax_id": order.legal_tax_id,
        "email": order.customer_email,
        "phone": order.customer_phone,
        "address": order.delivery_address,
    }


def _order_lines(order: Order) -> list[dict[str, str]]:
    return [
        {
            "name": item.name,
            "quantity": str(item.quantity),
            "unit_price": f"{item.unit_price:.2f}",
            "vat_rate": item.vat_rate,
            "vat_amount": f"{item.vat_amount:.2f}",
            "total": f"{item.line_total:.2f}",
        }
        for item in order.items.all()
    ]


def _fill(document: IssuedDocument, *, company: Company, order: Order, kind: str, prefix: str,
          lines: list[dict[str, str]]) -> None:  # fmt: skip
    now = timezone.now()
    year = timezone.localtime(now).year
    document.sequence = next_in_series(DocumentCounter, company=company, kind=kind, year=year)
    document.year = year
    document.number = f"{prefix}{year}-{document.sequence:05d}"
    document.issued_at = now
    document.currency = order.currency
    document.seller = _seller(company)
    document.buyer = _buyer(order)
    document.lines = lines
    document.vat_summary = vat_summary(lines)
    document.total = sum((Decimal(line["total"]) for line in lines), Decimal("0.00"))
    document.vat_total = sum((Decimal(line["vat_amount"]) for line in lines), Decimal("0.00"))
    document.amount_in_words = amount_in_words(document.total, order.currency)
    document.order_url = customer_page_url(order.access_token)
    document.language = DOCUMENT_LANGUAGE


def _after_commit_deliver(document: IssuedDocument) -> None:
    """Render, store and e-mail the document once the issue has committed."""
    from orders.tasks import deliver_credit_note, deliver_invoice  # tasks import services: the one cycle

    task = deliver_credit_note if isinstance(document, CreditNote) else deliver_invoice
    task.delay_on_commit(document.pk)


@transaction.atomic
def invoice_issue(*, order: Order, actor: Actor) -> Invoice:
    """The order's invoice: issued now with the next number, or the one it already has."""
    order = Order.objects.select_for_update(of=("self",)).select_related("company").get(pk=order.pk)
    existing = Invoice.objects.filter(order=order).first()
    if existing is not None:
        return existing
    company = order.company
    if missing := seller_missing(company):
        raise ValidationError(
            _("Fill in the company's legal details first (settings): %(fields)s.")
            % {"fields": ", ".join(missing)},
            code="seller_details_missing",
        )
    if order.status not in ISSUABLE:
        raise ValidationError(_("An invoice is issued for an order that is placed and not cancelled."),
                              code="not_issuable")  # fmt: skip
    if order.total <= 0:
        raise ValidationError(_("There is nothing to invoice in this order."), code="nothing_to_invoice")
    invoice = Invoice(company=company, order=order)
    _fill(invoice, company=company, order=order, kind=DocumentCounter.Kind.INVOICE, prefix="",
          lines=_order_lines(order))  # fmt: skip
    invoice.save()
    audit_log(company=company, actor=actor, action="invoice.issue", target=invoice,
              changes={"number": invoice.number, "total": str(invoice.total)})  # fmt: skip
    _after_commit_deliver(invoice)
    emit("invoice.issued", company=company, subject=invoice)
    return invoice


def invoice_issue_if_possible(*, order: Order, actor: Actor) -> Invoice | None:
    """Issue the invoice of an order just paid, unless the company cannot issue invoices
    yet (no legal details): a payment is never refused for that."""
    if seller_missing(order.company) or order.total <= 0:
        log.info("invoice.skipped", order=order.pk, reason="no legal details or nothing to invoice")
        return None
    return invoice_issue(order=order, actor=actor)


def credited_total(invoice: Invoice) -> Decimal:
    return CreditNote.objects.filter(invoice=invoice).aggregate(total=Sum("total"))["total"] or Decimal(
        "0.00"
    )


def split_by_vat(lines: list[dict[str, str]], amount: Decimal) -> list[tuple[str, Decimal]]:
    """``amount`` shared among the VAT rates of ``lines`` in proportion to their totals
    (the last rate takes the rounding remainder, so the parts add up exactly)."""
    per_rate: dict[str, Decimal] = {}
    for line in lines:
        per_rate[line["vat_rate"]] = per_rate.get(line["vat_rate"], Decimal("0")) + Decimal(line["total"])
    whole = sum(per_rate.values(), Decimal("0"))
    parts: list[tuple[str, Decimal]] = []
    left = amount
    for index, (rate, total) in enumerate(per_rate.items()):
        share = left if index == len(per_rate) - 1 else (amount * total / whole).quantize(CENT, ROUND_HALF_UP)
        left -= share
        if share > 0:
            parts.append((rate, share))
    return parts


def _credit_lines(invoice: Invoice, amount: Decimal) -> list[dict[str, str]]:
    if amount == invoice.total and not invoice.credit_notes.exists():
        return list(invoice.lines)  # a full refund undoes every line as it was
    label = _("Correction of invoice %(number)s") % {"number": invoice.number}
    return [
        {"name": label, "quantity": "1", "unit_price": f"{part:.2f}", "vat_rate": rate,
         "vat_amount": f"{vat_of(part, rate):.2f}", "total": f"{part:.2f}"}
        for rate, part in split_by_vat(list(invoice.lines), amount)
    ]  # fmt: skip


@transaction.atomic
def credit_note_issue(
    *, invoice: Invoice, amount: Decimal, actor: Actor, reason: str = "", refund: Any = None
) -> CreditNote:
    """A credit note for ``amount`` of the invoice (a refund or a correction). The credit
    notes of an invoice never add up to more than it."""
    invoice = (
        Invoice.objects.select_for_update(of=("self",)).select_related("company", "order").get(pk=invoice.pk)
    )
    amount = Decimal(amount).quantize(CENT)
    if amount <= 0:
        raise ValidationError({"amount": [_("The amount must be more than zero.")]})
    open_amount = invoice.total - credited_total(invoice)
    if amount > open_amount:
        raise ValidationError({"amount": [_("At most %(amount)s can still be credited on this invoice.")
                                          % {"amount": f"{open_amount:.2f}"}]})  # fmt: skip
    with translation.override(DOCUMENT_LANGUAGE):
        lines = _credit_lines(invoice, amount)
    note = CreditNote(company=invoice.company, order=invoice.order, invoice=invoice, refund=refund,
                      reason=reason.strip()[:250])  # fmt: skip
    _fill(note, company=invoice.company, order=invoice.order, kind=DocumentCounter.Kind.CREDIT_NOTE,
          prefix="CN-", lines=lines)  # fmt: skip
    note.save()
    audit_log(company=invoice.company, actor=actor, action="credit_note.issue", target=note,
              changes={"number": note.number, "invoice": invoice.number, "total": str(note.total)})  # fmt: skip
    _after_commit_deliver(note)
    return note
