from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from arvlite.core.storage.access import file_url
from companies.models import StoredFile
from videos.models import DateRule, Playback, Video, VideoSchedule


def _url(stored: StoredFile | None) -> str | None:
    return file_url(stored.key) if stored is not None else None


class VideoSerializer(serializers.ModelSerializer[Video]):
    files = serializers.SerializerMethodField()

    class Meta:
        model = Video
        fields = ["id", "title", "status", "error", "progress", "enabled", "order", "end_date", "weight",
                  "duration_seconds", "width", "height", "fps", "codec", "size_bytes", "mime_type", "files",
                  "created_at"]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.DictField(child=serializers.CharField(allow_null=True)))
    def get_files(self, video: Video) -> dict[str, str | None]:
        return {
            "original": _url(video.original),
            "rendition_1080": _url(video.rendition_1080),
            "rendition_720": _url(video.rendition_720),
            "poster": _url(video.poster),
            "thumbnail_150x112": _url(video.thumbnail_small),
            "thumbnail_320x240": _url(video.thumbnail_medium),
            "thumbnail_640x480": _url(video.thumbnail_large),
        }


class VideoUploadSerializer(serializers.Serializer[Video]):
    file = serializers.FileField()
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class VideoUpdateSerializer(serializers.Serializer[Video]):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    enabled = serializers.BooleanField(required=False)
    end_date = serializers.DateField(required=False, allow_null=True)
    weight = serializers.IntegerField(min_value=0, max_value=100, required=False)


class ReorderSerializer(serializers.Serializer[None]):
    video_ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class ScheduleSerializer(serializers.ModelSerializer[VideoSchedule]):
    class Meta:
        model = VideoSchedule
        fields = ["id", "video", "starts_at", "ends_at", "note"]
        read_only_fields = ["id", "video"]


def _within_years(value: datetime) -> None:
    # A year like 0203 was stored and came back with a local-mean-time offset (+02:30:17),
    # which is no RFC 3339 date-time: a schedule lives within the service's own era.
    if not SCHEDULE_YEARS[0] <= value.year <= SCHEDULE_YEARS[1]:
        raise serializers.ValidationError(
            _("Give a date between %(first)s and %(last)s.")
            % {"first": SCHEDULE_YEARS[0], "last": SCHEDULE_YEARS[1]}
        )


SCHEDULE_YEARS = (2000, 2200)


class ScheduleInputSerializer(serializers.Serializer[VideoSchedule]):
    starts_at = serializers.DateTimeField(validators=[_within_years])
    ends_at = serializers.DateTimeField(validators=[_within_years])
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    allow_overlap = serializers.BooleanField(required=False, default=False)


class DateRuleSerializer(serializers.ModelSerializer[DateRule]):
    class Meta:
        model = DateRule
        fields = ["video", "month", "day", "year"]

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["video"] = serializers.IntegerField(source="video_id")
        return fields


class PlaybackSerializer(serializers.ModelSerializer[Playback]):
    date_rules = DateRuleSerializer(many=True, read_only=True)

    class Meta:
        model = Playback
        fields = [
            "mode",
            "active_video",
            "rotation",
            "rotation_default_video",
            "rotation_sequence",
            "date_rules",
        ]
        read_only_fields = fields


class PlaybackInputSerializer(serializers.Serializer[Playback]):
    mode = serializers.ChoiceField(choices=Playback.Mode.choices, required=False)
    active_video = serializers.IntegerField(required=False, allow_null=True)
    rotation = serializers.ChoiceField(choices=Playback.Rotation.choices, required=False)
    rotation_default_video = serializers.IntegerField(required=False, allow_null=True)
    rotation_sequence = serializers.ListField(child=serializers.IntegerField(), required=False)
    date_rules = serializers.ListField(child=serializers.DictField(), required=False)

    def validate_date_rules(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        rules = DateRuleInputSerializer(data=value, many=True)
        rules.is_valid(raise_exception=True)
        return list(rules.validated_data)


class DateRuleInputSerializer(serializers.Serializer[DateRule]):
    video = serializers.IntegerField()
    month = serializers.IntegerField(min_value=1, max_value=12)
    day = serializers.IntegerField(min_value=1, max_value=31)
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False, allow_null=True)


class CalendarDaySerializer(serializers.Serializer[Any]):  # given a list of day dicts (many=True)
    date = serializers.DateField()
    video = serializers.IntegerField(allow_null=True)
    video_title = serializers.CharField(allow_null=True)
    selection_source = serializers.CharField(allow_null=True)
    schedule_id = serializers.IntegerField(allow_null=True)
