"""Back office for notifications: who was told what (in the portal), the outbox of messages
with their attempts and errors, preferences, and the expiry reminders already sent.

The outbox is looked at here, not edited: a delivery moves through ``notifications.outbox``
only. The one thing an operator does to it is "Retry": failed or queued deliveries go back
to the queue, due now, and are sent by the task once the change is committed (their attempt
count stays, so a retried one that fails again is failed at once at the limit). Like every
admin view, these run across tenants (the site switches the scope guard off)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from arvlite.core.admin_dashboard import Figure, Section, changelist_url
from notifications.models import (
    Delivery,
    ExpiryReminder,
    Notification,
    NotificationPreference,
    PushSubscription,
    TelegramBot,
    TelegramChat,
)
from notifications.registry import EVENTS

RETRYABLE = (Delivery.Status.FAILED, Delivery.Status.QUEUED)


class _NoAddOrChange(admin.ModelAdmin):
    """Written by the app, only looked at here (delete stays with the subclass's choice)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadFilter(admin.SimpleListFilter):
    title = _("read")
    parameter_name = "read"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Read")), ("no", _("Unread"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(read_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(read_at__isnull=True)
        return queryset


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    show_change_link = True
    fields = readonly_fields = ("channel", "address", "status", "attempts", "last_error", "sent_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(_NoAddOrChange):
    list_display = ["title", "recipient", "company", "event", "in_app", "is_read", "created_at"]
    list_filter = ["event", ReadFilter, "in_app", "company"]
    search_fields = ["title", "recipient__email", "company__name", "company__slug"]
    list_select_related = ["recipient", "company"]
    date_hierarchy = "created_at"
    fields = readonly_fields = ("company", "recipient", "event", "title", "body", "link", "in_app", "read_at",
                                "created_at")  # fmt: skip
    inlines = [DeliveryInline]

    @admin.display(description=_("read"), boolean=True, ordering="read_at")
    def is_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


@admin.register(Delivery)
class DeliveryAdmin(_NoAddOrChange):
    list_display = ["id", "channel", "address", "subject", "company", "event", "status", "attempts",
                    "next_attempt_at", "sent_at", "created_at"]  # fmt: skip
    list_filter = ["status", "channel", "event", "company"]
    search_fields = ["address", "subject"]
    list_select_related = ["company"]
    date_hierarchy = "created_at"
    fields = readonly_fields = ("company", "notification", "event", "channel", "address", "language", "subject",
                                "text", "html", "unsubscribe_url", "status", "attempts", "last_error",
                                "next_attempt_at", "claimed_at", "sent_at", "created_at")  # fmt: skip
    actions = ["retry"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the outbox is the record of what went out

    def dashboard_figures(self, request: HttpRequest) -> Iterable[Figure]:
        failed = Delivery.objects.filter(status=Delivery.Status.FAILED).count()
        yield Figure(label=_("notification deliveries failed"), value=str(failed),
                     url=changelist_url(self, status__exact=Delivery.Status.FAILED),
                     section=Section.FAILURES, order=40, alert=failed > 0)  # fmt: skip

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("notifications.change_delivery")

    @admin.action(description=_("Retry"), permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        from notifications.tasks import send_delivery

        chosen = list(queryset.values_list("pk", flat=True))
        with transaction.atomic():
            # Locked, so a worker's claim of one of them waits and then finds it queued.
            retried = list(
                Delivery.objects.select_for_update()
                .filter(pk__in=chosen, status__in=RETRYABLE)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            Delivery.objects.filter(pk__in=retried).update(
                status=Delivery.Status.QUEUED, next_attempt_at=None, claimed_at=None
            )
            for pk in retried:
                send_delivery.delay_on_commit(pk)
        if retried:
            self.message_user(
                request,
                ngettext("%(count)d delivery queued to send again.",
                         "%(count)d deliveries queued to send again.", len(retried)) % {"count": len(retried)},
            )  # fmt: skip
        left = sorted(set(chosen) - set(retried))
        if left:
            self.message_user(
                request,
                _("Only failed or queued deliveries are retried; left as they are: %(ids)s.")
                % {"ids": ", ".join(f"#{pk}" for pk in left)},
                level=messages.WARNING,
            )


class PreferenceForm(forms.ModelForm):
    event = forms.ChoiceField(label=_("event"), choices=[(name, f"{name} — {event.label}")
                                                         for name, event in EVENTS.items()])  # fmt: skip

    class Meta:
        model = NotificationPreference
        fields = ["company", "user", "event", "channel", "enabled"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    """A user's choice, or with no user the company's default for its members."""

    form = PreferenceForm
    list_display = ["event", "channel", "enabled", "user", "company", "updated_at"]
    list_filter = ["enabled", "channel", "event", "company"]
    search_fields = ["event", "user__email", "company__name", "company__slug"]
    list_select_related = ["user", "company"]
    raw_id_fields = ["company", "user"]


@admin.register(ExpiryReminder)
class ExpiryReminderAdmin(_NoAddOrChange):
    """Which reminders went out: the key that keeps a rerun from sending them twice."""

    list_display = ["content", "company", "threshold", "term_ends_at", "sent_at"]
    list_filter = ["threshold", "company"]
    search_fields = ["content__order_number", "content__customer_name", "company__name", "company__slug"]
    list_select_related = ["content", "company"]
    date_hierarchy = "sent_at"
    fields = readonly_fields = ("company", "content", "threshold", "term_ends_at", "sent_at")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deleting one would send its reminder again


@admin.register(TelegramBot)
class TelegramBotAdmin(_NoAddOrChange):
    """The companies' Telegram bots; the token never appears here (owners replace it in the
    portal). Deleting one stops Telegram messages for that company."""

    list_display = ["company", "username", "created_at"]
    search_fields = ["company__name", "company__slug", "username"]
    list_select_related = ["company"]
    fields = readonly_fields = ("company", "username", "created_at")


@admin.register(TelegramChat)
class TelegramChatAdmin(_NoAddOrChange):
    list_display = ["user", "company", "chat_id", "linked_at"]
    list_filter = ["company"]
    search_fields = ["user__email", "company__name", "company__slug"]
    list_select_related = ["user", "company"]
    fields = readonly_fields = ("company", "user", "chat_id", "linked_at")


@admin.register(PushSubscription)
class PushSubscriptionAdmin(_NoAddOrChange):
    """Browsers that show notifications; deleting one turns them off there."""

    list_display = ["user", "user_agent", "created_at", "last_sent_at"]
    search_fields = ["user__email", "user_agent"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    fields = readonly_fields = ("user", "endpoint", "user_agent", "created_at", "last_sent_at")
