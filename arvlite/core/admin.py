from django.contrib import admin
from django.http import HttpRequest

from arvlite.core.models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["hostname", "pid", "seen_at"]
    search_fields = ["hostname"]
    readonly_fields = ["hostname", "pid", "token", "seen_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
