from django.contrib import admin
from django.http import HttpRequest
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _

from arvlite.core.models import WorkerHeartbeat


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
