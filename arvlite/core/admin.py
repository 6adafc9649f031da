from django.contrib import admin
from django.http import HttpRequest

from arvlite.core.models import AuditEntry, WorkerHeartbeat


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail is evidence: operators read it, nobody edits or deletes it."""

    list_display = ["created_at", "company", "action", "target_repr", "actor"]
    list_filter = ["action", "target_type"]
    search_fields = ["action", "target_repr", "target_id", "actor__email", "company__name"]
    list_select_related = ["company", "actor"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["hostname", "pid", "seen_at"]
    search_fields = ["hostname"]
    readonly_fields = ["hostname", "pid", "token", "seen_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
