from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from arcontent.models import ARContent
from arcontent.services import publish_blockers
from arvlite.core.storage.access import file_url
from companies.models import StoredFile
from projects.models import MAX_PRINT_CM, MAX_TERM_YEARS, MIN_PRINT_CM, MIN_TERM_YEARS


def _url(stored: StoredFile | None) -> str | None:
    return file_url(stored.key) if stored is not None else None


def public_view_url(content: ARContent) -> str:
    return f"{settings.PUBLIC_URL}/view/{content.unique_id}"


class ARContentSerializer(serializers.ModelSerializer[ARContent]):
    project = serializers.IntegerField(source="project_id", read_only=True)
    public_url = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()
    pipeline = serializers.SerializerMethodField()
    web_target = serializers.SerializerMethodField()
    similar = serializers.SerializerMethodField()
    publish_blockers = serializers.SerializerMethodField()

    class Meta:
        model = ARContent
        fields = [
            "unique_id", "order_number", "project", "status", "customer_name", "customer_phone",
            "customer_email", "print_width_cm", "print_height_cm", "term_years", "published_at",
            "expires_at", "view_count", "public_url", "files", "pipeline", "analysis",
            "enhanced_analysis", "marker_is_enhanced", "web_target", "similar", "publish_blockers",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_public_url(self, content: ARContent) -> str:
        return public_view_url(content)

    @extend_schema_field(serializers.DictField(child=serializers.CharField(allow_null=True)))
    def get_files(self, content: ARContent) -> dict[str, str | None]:
        marker = content.enhanced_marker if content.marker_is_enhanced else content.marker
        base = reverse(
            "ar-content-detail", kwargs={"company_slug": content.company.slug, "unique_id": content.unique_id}
        )
        return {
            "photo": _url(content.photo),
            "marker": _url(marker),
            "enhanced_marker": _url(content.enhanced_marker),
            "thumbnail_150x112": _url(content.thumbnail_small),
            "thumbnail_320x240": _url(content.thumbnail_medium),
            "thumbnail_640x480": _url(content.thumbnail_large),
            "qr_png": f"{settings.PUBLIC_URL}{base}qr.png",
            "qr_svg": f"{settings.PUBLIC_URL}{base}qr.svg",
            "label_pdf": f"{settings.PUBLIC_URL}{base}label.pdf",
            "print_sheet_pdf": f"{settings.PUBLIC_URL}{base}print-sheet.pdf",
            "export_zip": f"{settings.PUBLIC_URL}{base}export.zip",
        }

    @extend_schema_field(serializers.DictField())
    def get_pipeline(self, content: ARContent) -> dict[str, Any]:
        return {
            "status": content.pipeline_status,
            "error": content.pipeline_error,
            "attempts": content.pipeline_attempts,
            "started_at": content.pipeline_started_at,
            "finished_at": content.pipeline_finished_at,
        }

    @extend_schema_field(serializers.DictField())
    def get_web_target(self, content: ARContent) -> dict[str, Any]:
        return {
            "status": content.web_target_status,
            "reason": content.web_target_reason,
            "compiler_version": content.web_target_compiler_version,
            "url": _url(content.web_target),
        }

    @extend_schema_field(serializers.DictField())
    def get_similar(self, content: ARContent) -> dict[str, Any]:
        return {
            "count": len(content.similar_matches),
            "overridden": content.similar_override_by_id is not None,
            "matches": content.similar_matches,
        }

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_publish_blockers(self, content: ARContent) -> list[str]:
        if content.status not in (ARContent.Status.READY, ARContent.Status.PAUSED):
            return []
        return [str(reason) for reason in publish_blockers(content)]


def _print_size_field() -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=MIN_PRINT_CM, max_value=MAX_PRINT_CM
    )


class ARContentCreateSerializer(serializers.Serializer[ARContent]):
    project = serializers.IntegerField()
    photo = serializers.FileField(help_text="JPEG, PNG or WebP.")
    customer_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    customer_phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    customer_email = serializers.EmailField(required=False, allow_blank=True, default="")
    print_width_cm = _print_size_field()
    print_height_cm = _print_size_field()
    term_years = serializers.IntegerField(min_value=MIN_TERM_YEARS, max_value=MAX_TERM_YEARS, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("print_width_cm", "print_height_cm"):  # default: the project's print size
            self.fields[name].required = False


class ARContentUpdateSerializer(serializers.Serializer[ARContent]):
    customer_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    customer_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    customer_email = serializers.EmailField(required=False, allow_blank=True)
    print_width_cm = _print_size_field()
    print_height_cm = _print_size_field()
    term_years = serializers.IntegerField(min_value=MIN_TERM_YEARS, max_value=MAX_TERM_YEARS, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("print_width_cm", "print_height_cm"):
            self.fields[name].required = False


class RenewSerializer(serializers.Serializer[None]):
    years = serializers.IntegerField(min_value=MIN_TERM_YEARS, max_value=MAX_TERM_YEARS, required=False)


class PublishSerializer(serializers.Serializer[None]):
    accept_similar = serializers.BooleanField(
        default=False,
        help_text="Accept the similar-marker warning and publish in one call (a signed-in editor; "
        "API keys cannot accept it).",
    )


class OverrideSerializer(serializers.Serializer[None]):
    what = serializers.ChoiceField(choices=[("similar", "similar"), ("quality", "quality")])


class UseEnhancedSerializer(serializers.Serializer[None]):
    use = serializers.BooleanField()


class PhotoAnalysisSerializer(serializers.Serializer[None]):
    photo = serializers.FileField()
    print_width_cm = _print_size_field()
    print_height_cm = _print_size_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("print_width_cm", "print_height_cm"):
            self.fields[name].required = False
