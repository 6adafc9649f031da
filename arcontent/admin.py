from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from arcontent import services
from arcontent.models import (
    ARContent,
    DailyCompanyStat,
    DailyViewStat,
    MarkerFingerprint,
    OrderNumberCounter,
    ViewSession,
)
from arvlite.core.admin_dashboard import Figure, Section, changelist_url, start_of_today
from arvlite.core.estimated_count import EstimatedCountPaginator
from arvlite.core.storage.access import file_url
from companies.models import Company


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

    def dashboard_figures(self, request: HttpRequest) -> Iterable[Figure]:
        counts = ARContent.objects.aggregate(
            published=Count("pk", filter=Q(status=ARContent.Status.ACTIVE)),
            pipeline_failed=Count("pk", filter=Q(pipeline_status=ARContent.Pipeline.FAILED)),
            web_target_failed=Count("pk", filter=Q(web_target_status=ARContent.WebTarget.FAILED)),
        )
        yield Figure(label=_("published content"), value=str(counts["published"]),
                     url=changelist_url(self, status__exact=ARContent.Status.ACTIVE), order=20)  # fmt: skip
        failed_pipelines, failed_targets = counts["pipeline_failed"], counts["web_target_failed"]
        yield Figure(label=_("photo pipelines failed"), value=str(failed_pipelines),
                     url=changelist_url(self, pipeline_status__exact=ARContent.Pipeline.FAILED),
                     section=Section.FAILURES, order=10, alert=failed_pipelines > 0)  # fmt: skip
        yield Figure(label=_("web AR targets failed"), value=str(failed_targets),
                     url=changelist_url(self, web_target_status__exact=ARContent.WebTarget.FAILED),
                     section=Section.FAILURES, order=20, alert=failed_targets > 0)  # fmt: skip

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
    list_filter = ["started_at", "company", "device_type", "source", "counted_view", "video_played"]
    search_fields = ["content__order_number"]
    list_select_related = ["content", "company"]
    raw_id_fields = ["company", "project", "content"]
    # Millions of rows: newest first by the primary key (the flush writes in time order), no
    # date hierarchy (a DISTINCT over the table) and no second COUNT(*) per page.
    ordering = ["-id"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator

    def dashboard_figures(self, request: HttpRequest) -> Iterable[Figure]:
        today = start_of_today()
        # Through the (company, started_at) index, one range per company: a bare range on
        # started_at would read the whole table. Scans still in the Redis buffer (flushed
        # every 15 s) are not counted yet.
        companies = list(Company.objects.values_list("pk", flat=True))
        scans = ViewSession.objects.filter(
            company__in=companies, started_at__gte=today, counted_view=True
        ).count()
        # The query the date filter's "Today" choice makes, so the changelist shows it selected.
        url = changelist_url(self, started_at__gte=str(today), started_at__lt=str(today + timedelta(days=1)),
                             counted_view__exact=1)  # fmt: skip
        yield Figure(label=_("scans today"), value=str(scans), url=url, order=30)


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
    paginator = EstimatedCountPaginator


@admin.register(DailyCompanyStat)
class DailyCompanyStatAdmin(ReadOnlyAdmin):
    list_display = [
        "day",
        "company",
        "device_type",
        "os",
        "browser",
        "views",
        "visitors",
        "plays",
        "watch_seconds",
    ]
    list_filter = ["company", "device_type", "day"]
    list_select_related = ["company"]
    date_hierarchy = "day"


# Bulk jobs have their own package; imported here, where the admin site looks.
from arcontent.bulk import admin as bulk_admin  # noqa: E402, F401
