"""Back office for orders: the price lists, orders with their items and history, and the
money side (payments, refunds, provider notifications, invoices, credit notes). Status
moves go through the services (actions), never a raw edit; money records are only looked
at here, and issued documents can never be changed or deleted (see ``orders.invoices``).
Like every admin view, these run across tenants (the site switches the scope guard off)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from orders import services
from orders.invoices.models import CreditNote, Invoice
from orders.models import Order, OrderItem, OrderStatusChange, Product
from orders.payments.models import Payment, Refund, WebhookEvent


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "company",
        "kind",
        "term_years",
        "price",
        "currency",
        "vat_rate",
        "active",
        "position",
    ]
    list_filter = ["kind", "active", "currency", "company"]
    search_fields = ["name", "company__name"]
    list_select_related = ["company"]


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OrderItemInline(_ReadOnlyInline):
    model = OrderItem
    fields = readonly_fields = ("name", "kind", "term_years", "unit_price", "quantity", "vat_rate", "line_total",
                                "vat_amount")  # fmt: skip


class StatusChangeInline(_ReadOnlyInline):
    model = OrderStatusChange
    fields = readonly_fields = ("created_at", "from_status", "to_status", "actor_kind", "actor_label", "note")


def _each(request: HttpRequest, queryset: QuerySet[Order], admin_: Any, call: Callable[[Order], Any]) -> None:
    done, refused = 0, []
    for order in queryset.select_related("company"):
        try:
            call(order)
            done += 1
        except ValidationError as error:
            refused.append(f"{order.number}: {' '.join(error.messages)}")
    if done:
        admin_.message_user(request, _("%(count)d done.") % {"count": done})
    for line in refused:
        admin_.message_user(request, line, level=messages.WARNING)


def _move_action(to: str, label: Any) -> Callable[..., None]:
    @admin.action(description=label)
    def action(admin_: Any, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        _each(
            request,
            queryset,
            admin_,
            lambda order: services.order_transition(order=order, actor=request.user, to=to),
        )

    action.__name__ = f"move_to_{to}"
    return action


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "company", "status", "source", "customer_name", "customer_email", "total", "currency",
                    "created_at"]  # fmt: skip
    list_filter = ["status", "source", "company", "created_at"]
    search_fields = ["number", "customer_name", "customer_email", "customer_phone"]
    list_select_related = ["company"]
    date_hierarchy = "created_at"
    inlines = [OrderItemInline, StatusChangeInline]
    readonly_fields = ["company", "number", "status", "source", "currency", "total", "vat_total", "content",
                       "project", "photo", "video", "access_token", "consent_at", "payment_due_at", "paid_at",
                       "created_by", "created_at", "updated_at"]  # fmt: skip
    actions = [
        "mark_paid",
        _move_action(Order.Status.IN_PRODUCTION, _("Move to in production")),
        _move_action(Order.Status.SHIPPED, _("Move to shipped")),
        _move_action(Order.Status.COMPLETED, _("Move to completed")),
        _move_action(Order.Status.CANCELLED, _("Cancel")),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # orders are made through the portal, the storefront or the API (numbers, items)

    @admin.action(description=_("Mark paid (cash or bank transfer)"))
    def mark_paid(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        _each(request, queryset, self, lambda order: services.order_mark_paid(order=order, actor=request.user,
                                                                               note="admin"))  # fmt: skip


# --- money: looked at here, changed only through the services ---------------------------------


class _ViewOnlyAdmin(admin.ModelAdmin):
    """Seen, searched and filtered, never added, edited or deleted (no "delete selected"
    either): payments move with their provider, refunds through the refund service."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RefundInline(_ReadOnlyInline):
    model = Refund
    fields = readonly_fields = (
        "created_at",
        "amount",
        "status",
        "reason",
        "provider_refund_id",
        "created_by",
    )


@admin.register(Payment)
class PaymentAdmin(_ViewOnlyAdmin):
    list_display = ["id", "order", "company", "provider", "method", "status", "amount", "refunded_amount",
                    "currency", "created_at", "succeeded_at"]  # fmt: skip
    list_filter = ["status", "provider", "method", "currency", "company", "created_at"]
    search_fields = ["order__number", "order__customer_name", "order__customer_email", "provider_payment_id",
                     "company__name", "company__slug"]  # fmt: skip
    list_select_related = ["company", "order"]
    date_hierarchy = "created_at"
    inlines = [RefundInline]
    fields = readonly_fields = ("company", "order", "provider", "method", "provider_payment_id", "status",
                                "amount", "refunded_amount", "currency", "confirmation_url",
                                "cancellation_reason", "note", "idempotence_key", "request_payload",
                                "response_payload", "created_by", "created_at", "succeeded_at",
                                "updated_at")  # fmt: skip


@admin.register(Refund)
class RefundAdmin(_ViewOnlyAdmin):
    list_display = ["id", "payment", "company", "amount", "status", "provider_refund_id", "created_at"]
    list_filter = ["status", "company", "created_at"]
    search_fields = ["payment__order__number", "provider_refund_id", "payment__provider_payment_id", "reason",
                     "company__name", "company__slug"]  # fmt: skip
    list_select_related = ["company", "payment"]
    date_hierarchy = "created_at"
    fields = readonly_fields = ("company", "payment", "amount", "status", "reason", "provider_refund_id",
                                "idempotence_key", "response_payload", "created_by", "created_at")  # fmt: skip


@admin.register(WebhookEvent)
class WebhookEventAdmin(_ViewOnlyAdmin):
    list_display = ["event_key", "provider", "outcome", "company", "payment", "received_at", "processed_at"]
    list_filter = ["provider", "outcome", "company", "received_at"]
    search_fields = ["event_key", "payment__provider_payment_id", "payment__order__number"]
    list_select_related = ["company", "payment"]
    date_hierarchy = "received_at"
    fields = readonly_fields = ("provider", "event_key", "outcome", "company", "payment", "payload",
                                "received_at", "processed_at")  # fmt: skip


DOCUMENT_FIELDS = ("company", "order", "number", "year", "sequence", "issued_at", "currency", "total",
                   "vat_total", "vat_summary", "amount_in_words", "seller", "buyer", "lines", "order_url",
                   "language", "pdf", "pdf_generated_at", "emailed_at")  # fmt: skip


class _IssuedDocumentAdmin(_ViewOnlyAdmin):
    """Invoices and credit notes are legal documents: once issued they never change (the
    model and a database trigger refuse it too), so the admin only shows them."""

    list_filter = ["year", "currency", "company", "issued_at"]
    search_fields = ["number", "order__number", "order__customer_name", "company__name", "company__slug"]
    date_hierarchy = "issued_at"


@admin.register(Invoice)
class InvoiceAdmin(_IssuedDocumentAdmin):
    list_display = ["number", "company", "order", "issued_at", "total", "vat_total", "currency", "emailed_at"]
    list_select_related = ["company", "order"]
    fields = readonly_fields = (*DOCUMENT_FIELDS, "credit_note_numbers")

    @admin.display(description=_("credit notes"))
    def credit_note_numbers(self, invoice: Invoice) -> str:
        return ", ".join(note.number for note in invoice.credit_notes.order_by("issued_at", "id")) or "-"


@admin.register(CreditNote)
class CreditNoteAdmin(_IssuedDocumentAdmin):
    list_display = ["number", "invoice", "company", "order", "issued_at", "total", "currency", "reason",
                    "emailed_at"]  # fmt: skip
    list_select_related = ["company", "order", "invoice"]
    fields = readonly_fields = (*DOCUMENT_FIELDS[:3], "invoice", "refund", "reason", *DOCUMENT_FIELDS[3:])
