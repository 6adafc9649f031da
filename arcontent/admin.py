from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from arcontent import services
from arcontent.models import ARContent, DailyViewStat, MarkerFingerprint, OrderNumberCounter, ViewSession
from arvlite.core.storage.access import file_url


def _each(
    request: HttpRequest, queryset: QuerySet[ARContent], service: Callable[..., Any], admin_: Any
) -> None:
    done, refused = 0, []
    for content in queryset.select_related("company"):
        try:
            service(content=content, actor=request.user)
            done += 1
        except ValidationError as error:
            refused.append(f"{content.order_number}: {' '.join(error.messages)}")
    if done:
        admin_.message_user(request, _("%(count)d done.") % {"count": done})
    for line in refused:
        admin_.message_user(request, line, level=messages.WARNING)


@admin.register(ARContent)
class ARContentAdmin(admin.ModelAdmin):
    list_display = [
        "thumbnail",
        "order_number",
        "company",
        "project",
        "status",
        "pipeline_status",
        "expires_at",
        "view_count",
    ]
    list_display_links = ["thumbnail", "order_number"]
    list_filter = ["status", "pipeline_status", "web_target_status", "company"]
    search_fields = [
        "order_number",
        "unique_id",
        "customer_name",
        "customer_email",
        "customer_phone",
        "company__name",
    ]
    list_select_related = ["company", "project", "thumbnail_small"]
    raw_id_fields = ["company", "project", "photo", "marker", "enhanced_marker", "thumbnail_small",
                     "thumbnail_medium", "thumbnail_large", "web_target", "created_by",
                     "quality_override_by", "similar_override_by"]  # fmt: skip
    readonly_fields = ["unique_id", "order_number", "status", "published_at", "view_count", "pipeline_status",
                       "pipeline_error", "pipeline_attempts", "analysis", "similar_matches", "created_at"]  # fmt: skip
    date_hierarchy = "created_at"
    actions = ["reprocess", "build_web_target", "publish", "expire"]

    @admin.display(description=_("photo"))
    def thumbnail(self, content: ARContent) -> str:
        if content.thumbnail_small is None:
            return "—"
        return format_html(
            '<img src="{}" width="75" height="56" alt="">', file_url(content.thumbnail_small.key)
        )

    @admin.action(description=_("Run the photo pipeline again"))
    def reprocess(self, request: HttpRequest, queryset: QuerySet[ARContent]) -> None:
        _each(request, queryset, services.content_reprocess, self)

    @admin.action(description=_("Build the web AR target again"))
    def build_web_target(self, request: HttpRequest, queryset: QuerySet[ARContent]) -> None:
        _each(request, queryset, services.content_build_web_target, self)

    @admin.action(description=_("Publish"))
    def publish(self, request: HttpRequest, queryset: QuerySet[ARContent]) -> None:
        _each(request, queryset, services.content_publish, self)

    @admin.action(description=_("Expire now"))
    def expire(self, request: HttpRequest, queryset: QuerySet[ARContent]) -> None:
        _each(request, queryset, services.content_expire, self)


@admin.register(OrderNumberCounter)
class OrderNumberCounterAdmin(admin.ModelAdmin):
    list_display = ["company", "year", "last_value"]
    list_filter = ["year"]
    search_fields = ["company__name"]
    list_select_related = ["company"]
    readonly_fields = ["company", "year", "last_value"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(MarkerFingerprint)
class MarkerFingerprintAdmin(admin.ModelAdmin):
    list_display = ["content", "company", "created_at"]
    search_fields = ["content__order_number", "company__name"]
    list_select_related = ["content", "company"]
    raw_id_fields = ["content", "company"]
    readonly_fields = ["content", "company", "phash_0", "phash_90", "phash_180", "phash_270", "created_at"]
    exclude = ["features"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the viewer flush and the roll-ups: operators look, nobody edits."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ViewSession)
class ViewSessionAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "content", "company", "source", "device_type", "os", "browser",
                    "counted_view", "video_played", "duration_seconds", "country"]  # fmt: skip
    list_filter = ["company", "device_type", "source", "counted_view", "video_played"]
    search_fields = ["content__order_number"]
    list_select_related = ["content", "company"]
    raw_id_fields = ["company", "project", "content"]
    # Millions of rows: newest first by the primary key (the flush writes in time order), no
    # date hierarchy (a DISTINCT over the table) and no second COUNT(*) per page.
    ordering = ["-id"]
    show_full_result_count = False


@admin.register(DailyViewStat)
class DailyViewStatAdmin(ReadOnlyAdmin):
    list_display = ["day", "content", "company", "device_type", "os", "browser",
                    "views", "visitors", "plays", "watch_seconds", "watched_sessions"]  # fmt: skip
    list_filter = ["company", "device_type", "day"]
    search_fields = ["content__order_number"]
    list_select_related = ["content", "company"]
    raw_id_fields = ["company", "project", "content"]
    date_hierarchy = "day"
    show_full_result_count = False
