"""Back office for orders: the price lists, orders with their items and history. Status
moves go through the services (actions), never a raw edit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from orders import services
from orders.models import Order, OrderItem, OrderStatusChange, Product


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
