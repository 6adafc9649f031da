from django.contrib import admin
from django.http import HttpRequest
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _

from arvlite.core.models import UnsentTask, WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["hostname", "pid", "seen_at", "seen_ago"]
    search_fields = ["hostname"]
    readonly_fields = ["hostname", "pid", "token", "seen_at"]
    ordering = ["-seen_at"]

    @admin.display(description=_("last seen"), ordering="seen_at")
    def seen_ago(self, heartbeat: WorkerHeartbeat) -> str:
        return _("%(time)s ago") % {"time": timesince(heartbeat.seen_at)}

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(UnsentTask)
class UnsentTaskAdmin(admin.ModelAdmin):
    """Tasks waiting for the broker: sent again every minute; a growing list means it is away."""

    list_display = ["name", "created_at", "attempts", "error"]
    list_filter = ["name"]
    # Not the arguments: an e-mail's carry its text, with sign-in and invitation links.
    fields = ("name", "error", "attempts", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
