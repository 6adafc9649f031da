"""API shapes of payments, refunds, invoices and credit notes (output only, plus the small
inputs of refund and issue). Money is a decimal string."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from orders.invoices.models import CreditNote, Invoice, IssuedDocument
from orders.models import Order
from orders.payments.models import Payment, Refund


class RefundSerializer(serializers.ModelSerializer[Refund]):
    class Meta:
        model = Refund
        fields = ["id", "amount", "status", "reason", "provider_refund_id", "created_at"]
        read_only_fields = fields


class PaymentSerializer(serializers.ModelSerializer[Payment]):
    order: serializers.PrimaryKeyRelatedField[Order] = serializers.PrimaryKeyRelatedField(read_only=True)
    refunds = RefundSerializer(many=True, read_only=True)
    refundable = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True,
                                          help_text="What can still be refunded.")  # fmt: skip

    class Meta:
        model = Payment
        fields = ["id", "order", "provider", "method", "status", "amount", "currency", "refunded_amount",
                  "refundable", "confirmation_url", "cancellation_reason", "note", "refunds", "created_at",
                  "succeeded_at"]  # fmt: skip
        read_only_fields = fields


class RefundInputSerializer(serializers.Serializer[Any]):
    # Checked by the service (more than zero, at most what is left), with its messages.
    amount = serializers.CharField(max_length=20, help_text='Decimal string, e.g. "500.00".')
    reason = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")


class InvoiceIssueSerializer(serializers.Serializer[Any]):
    order = serializers.IntegerField(min_value=1, help_text="The order to invoice (one invoice per order).")

    def validate_order(self, value: int) -> Order:
        order = Order.objects.filter(company=self.context["company"], pk=value).first()
        if order is None:
            raise serializers.ValidationError("No such order in this company.")
        return order


class _DocumentSerializer(serializers.ModelSerializer[IssuedDocument]):
    order_number = serializers.CharField(source="order.number", read_only=True)
    pdf_url = serializers.SerializerMethodField()

    base_fields = ["id", "number", "order", "order_number", "issued_at", "currency", "total", "vat_total",
                   "vat_summary", "lines", "seller", "buyer", "amount_in_words", "pdf_url", "emailed_at"]  # fmt: skip
    pdf_route = ""

    def get_pdf_url(self, document: IssuedDocument) -> str:
        return reverse(
            self.pdf_route, kwargs={"company_slug": self.context["company"].slug, "pk": document.pk}
        )


class InvoiceSerializer(_DocumentSerializer):
    credit_notes: serializers.SlugRelatedField[CreditNote] = serializers.SlugRelatedField(
        many=True, slug_field="number", read_only=True
    )
    pdf_route = "invoice-pdf"

    class Meta:
        model = Invoice
        fields = [*_DocumentSerializer.base_fields, "credit_notes"]
        read_only_fields = fields


class CreditNoteSerializer(_DocumentSerializer):
    invoice_number = serializers.CharField(source="invoice.number", read_only=True)
    refund: serializers.PrimaryKeyRelatedField[Refund] = serializers.PrimaryKeyRelatedField(read_only=True)
    pdf_route = "credit-note-pdf"

    class Meta:
        model = CreditNote
        fields = [*_DocumentSerializer.base_fields, "invoice", "invoice_number", "refund", "reason"]
        read_only_fields = fields
