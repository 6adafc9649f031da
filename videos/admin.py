from __future__ import annotations

from collections.abc import Iterable

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from arvlite.core.admin_dashboard import Figure, Section, changelist_url
from arvlite.core.storage.access import file_url
from videos import services
from videos.models import DateRule, Playback, UploadSession, Video, VideoSchedule


class VideoScheduleInline(admin.TabularInline):
    model = VideoSchedule
    extra = 0
    fields = ["starts_at", "ends_at", "note"]
    readonly_fields = ["starts_at", "ends_at", "note"]
    can_delete = False


@admin.register(Video)
class VideoAdmin(admin.ModelAdmin):
    list_display = [
        "thumbnail",
        "title",
        "content",
        "company",
        "status",
        "progress",
        "duration_seconds",
        "enabled",
        "order",
    ]
    list_display_links = ["thumbnail", "title"]
    list_filter = ["status", "enabled", "company"]
    search_fields = ["title", "content__order_number", "company__name"]
    list_select_related = ["content", "company", "thumbnail_small"]
    raw_id_fields = ["company", "content", "original", "rendition_1080", "rendition_720", "poster",
                     "thumbnail_small", "thumbnail_medium", "thumbnail_large", "created_by"]  # fmt: skip
    readonly_fields = ["status", "error", "progress", "attempts", "duration_seconds", "width", "height", "fps",
                       "codec", "size", "mime_type", "started_at", "finished_at", "created_at"]  # fmt: skip
    exclude = ["size_bytes"]  # shown (read-only) as size
    inlines = [VideoScheduleInline]
    actions = ["reprocess"]

    @admin.display(description=_("size"), ordering="size_bytes")
    def size(self, video: Video) -> str:
        return filesizeformat(video.size_bytes)

    def dashboard_figures(self, request: HttpRequest) -> Iterable[Figure]:
        failed = Video.objects.filter(status=Video.Status.FAILED).count()
        yield Figure(label=_("videos failed to process"), value=str(failed),
                     url=changelist_url(self, status__exact=Video.Status.FAILED),
                     section=Section.FAILURES, order=30, alert=failed > 0)  # fmt: skip

    @admin.display(description=_("preview"))
    def thumbnail(self, video: Video) -> str:
        if video.thumbnail_small is None:
            return "—"
        return format_html(
            '<img src="{}" width="75" height="56" alt="">', file_url(video.thumbnail_small.key)
        )

    @admin.action(description=_("Process again"))
    def reprocess(self, request: HttpRequest, queryset: QuerySet[Video]) -> None:
        for video in queryset:
            try:
                services.video_reprocess(video=video, actor=request.user)
            except ValidationError as error:
                self.message_user(request, f"{video}: {' '.join(error.messages)}", level=messages.WARNING)


@admin.register(VideoSchedule)
class VideoScheduleAdmin(admin.ModelAdmin):
    list_display = ["video", "content", "starts_at", "ends_at", "note"]
    list_filter = ["company"]
    search_fields = ["note", "video__title", "content__order_number"]
    list_select_related = ["video", "content"]
    raw_id_fields = ["company", "content", "video"]


class DateRuleInline(admin.TabularInline):
    model = DateRule
    extra = 0
    raw_id_fields = ["video", "company"]


@admin.register(Playback)
class PlaybackAdmin(admin.ModelAdmin):
    list_display = ["content", "company", "mode", "rotation", "active_video"]
    list_filter = ["mode", "rotation"]
    search_fields = ["content__order_number", "company__name"]
    list_select_related = ["content", "company", "active_video"]
    raw_id_fields = ["company", "content", "active_video", "rotation_default_video"]
    inlines = [DateRuleInline]


@admin.register(UploadSession)
class UploadSessionAdmin(admin.ModelAdmin):
    list_display = [
        "upload_id",
        "content",
        "filename",
        "received",
        "size",
        "created_at",
        "expires_at",
        "completed_at",
    ]
    search_fields = ["upload_id", "filename", "content__order_number"]
    list_select_related = ["content"]
    raw_id_fields = ["company", "content", "created_by", "video"]
    readonly_fields = ["upload_id", "size", "received", "chunk_keys", "created_at", "completed_at"]
    exclude = ["length", "offset"]  # shown as size and received

    @admin.display(description=_("size"), ordering="length")
    def size(self, upload: UploadSession) -> str:
        return filesizeformat(upload.length)

    @admin.display(description=_("received"), ordering="offset")
    def received(self, upload: UploadSession) -> str:
        return filesizeformat(upload.offset)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
