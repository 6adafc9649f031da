"""Bulk jobs in the operators' back office: read-only, for looking into a job's outcome."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from arcontent.bulk.models import BulkJob


@admin.register(BulkJob)
class BulkJobAdmin(admin.ModelAdmin):
    list_display = ["id", "company", "kind", "status", "total", "done", "failed", "user", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["company__name", "company__slug", "user__email"]
    list_select_related = ["company", "user"]
    raw_id_fields = ["company", "user", "file"]
    readonly_fields = [field.name for field in BulkJob._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: BulkJob | None = None) -> bool:
        return False
