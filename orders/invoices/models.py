"""Invoices and credit notes: legal documents that, once issued, never change. Each holds a
copy of everything it says (seller, buyer, lines, VAT, totals, the amount in words) taken
when it was issued, so later edits of the company, the order or the price list never alter
it. Only the rendered PDF and the time it was e-mailed are filled in afterwards; a database
trigger (see ``guard.py``) refuses any other update and every delete."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from arvlite.core.tenancy import TenantManager
from orders.models import Currency


class ImmutableDocumentError(Exception):
    """Somebody tried to change or delete an issued invoice or credit note."""


class DocumentCounter(models.Model):
    """The last number given out per company, kind of document and year (a gapless series,
    see ``arvlite.core.counters``)."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "kind", "year"], name="document_counter_key")
        ]

    def __str__(self) -> str:
        return f"{self.company_id}/{self.kind}/{self.year}: {self.last_value}"


def document_pdf_path(instance: IssuedDocument, filename: str) -> str:
    return f"companies/{instance.company_id}/documents/{instance.year}/{filename}"


class IssuedDocument(models.Model):
    # Filled in after issue; everything else is frozen (the guard's list of exceptions).
    MUTABLE_FIELDS: ClassVar[frozenset[str]] = frozenset({"pdf", "pdf_generated_at", "emailed_at"})

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(editable=False)
    sequence = models.PositiveIntegerField(editable=False)
    number = models.CharField(_("number"), max_length=32, editable=False)
    issued_at = models.DateTimeField(_("issued"), editable=False)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, editable=False)
    # {"legal_name", "tax_id", "kpp", "ogrn", "legal_address", "bank_name", "bank_bik", ...}
    seller = models.JSONField(editable=False)
    # {"name", "legal_name", "tax_id", "email", "phone", "address"}
    buyer = models.JSONField(editable=False)
    # [{"name", "quantity", "unit_price", "vat_rate", "vat_amount", "total"}] (amounts as strings)
    lines = models.JSONField(editable=False)
    # [{"vat_rate", "amount"}] per rate, in the order of the lines
    vat_summary = models.JSONField(editable=False)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2, editable=False)
    vat_total = models.DecimalField(_("of which VAT"), max_digits=12, decimal_places=2, editable=False)
    amount_in_words = models.CharField(_("amount in words"), max_length=500, editable=False)
    order_url = models.URLField(max_length=500, editable=False)  # the QR on the document
    language = models.CharField(max_length=10, default="ru", editable=False)
    pdf = models.FileField(upload_to=document_pdf_path, blank=True, max_length=300)
    pdf_generated_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        abstract = True
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if (
            self.pk is not None
            and not self._state.adding
            and (update_fields is None or not set(update_fields) <= self.MUTABLE_FIELDS)
        ):
            raise ImmutableDocumentError(f"{self.number} is issued and cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableDocumentError(f"{self.number} is issued and cannot be deleted.")

    @property
    def pdf_name(self) -> str:
        return f"{self.number}.pdf"


class Invoice(IssuedDocument):
    """The invoice of an order (one per order), issued when it is paid or earlier on request."""

    class Meta(IssuedDocument.Meta):
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(fields=["company", "year", "sequence"], name="invoice_number_unique"),
            models.UniqueConstraint(fields=["order"], name="invoice_one_per_order"),
        ]


class CreditNote(IssuedDocument):
    """A correction of an invoice (a refund, full or partial): its own gapless series."""

    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="credit_notes", editable=False
    )
    refund = models.OneToOneField("orders.Refund", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="credit_note", editable=False)  # fmt: skip
    reason = models.CharField(_("reason"), max_length=250, blank=True, editable=False)

    class Meta(IssuedDocument.Meta):
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        constraints = [
            models.UniqueConstraint(fields=["company", "year", "sequence"], name="credit_note_number_unique"),
            models.CheckConstraint(condition=models.Q(total__gt=Decimal("0")), name="credit_note_positive"),
        ]
