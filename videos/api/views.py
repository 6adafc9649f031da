"""Videos API: upload (simple multipart), list and edit, order, the playback rules,
schedules and the month calendar of what plays."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from arcontent.models import ARContent
from arcontent.selectors import content_get
from arvlite.core.api.requests import content_length
from arvlite.core.roles import Role
from companies.api.quota import QuotaExceeded
from companies.api.scoped import CompanyScopedMixin
from companies.files import StorageQuotaExceededError, quota_check
from videos import selectors, services
from videos.api.serializers import (
    CalendarDaySerializer,
    PlaybackInputSerializer,
    PlaybackSerializer,
    ReorderSerializer,
    ScheduleInputSerializer,
    ScheduleSerializer,
    VideoSerializer,
    VideoUpdateSerializer,
    VideoUploadSerializer,
)
from videos.models import Video, VideoSchedule

MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")


class ContentChildMixin(CompanyScopedMixin):
    """Views under ``ar-content/<unique_id>/``: the content of this company, or 404."""

    read_role = Role.VIEWER
    write_role = Role.EDITOR

    def get_content(self) -> ARContent:
        if not hasattr(self, "_content"):
            self._content = content_get(company=self.company, unique_id=self.kwargs["unique_id"])
        return self._content


@extend_schema_view(
    list=extend_schema(summary="Videos of the content, in playing order"),
    create=extend_schema(
        summary="Upload a video (multipart field `file`; large files: the resumable uploads/)",
        request={"multipart/form-data": VideoUploadSerializer},
        responses={201: VideoSerializer},
    ),
    retrieve=extend_schema(summary="One video with its renditions"),
    partial_update=extend_schema(summary="Title, enabled, end date, weight", request=VideoUpdateSerializer),
    destroy=extend_schema(summary="Delete the video and its files"),
)
class VideoViewSet(
    ContentChildMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = VideoSerializer
    parser_classes = [MultiPartParser, JSONParser]
    pagination_class = None  # a content has a handful of videos

    def get_queryset(self) -> QuerySet[Video]:
        if getattr(self, "swagger_fake_view", False):
            return Video.objects.none()
        return selectors.video_list(content=self.get_content())

    def create(self, request: Request, **kwargs: Any) -> Response:
        announced = content_length(request)
        try:
            services.check_video_size(announced)
            quota_check(company=self.company, incoming_bytes=announced)
        except StorageQuotaExceededError as error:
            raise QuotaExceeded(error.messages[0]) from None
        except services.ValidationError as error:
            raise QuotaExceeded(error.messages[0]) from None
        data = VideoUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        try:
            video = services.video_create(
                content=self.get_content(), actor=request.user, upload=upload,
                filename=upload.name or "", title=data.validated_data["title"],
            )  # fmt: skip
        except StorageQuotaExceededError as error:
            raise QuotaExceeded(error.messages[0]) from None
        return Response(VideoSerializer(video).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, **kwargs: Any) -> Response:
        data = VideoUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        video = services.video_update(video=self.get_object(), actor=request.user, **data.validated_data)
        return Response(VideoSerializer(self.get_queryset().get(pk=video.pk)).data)

    def destroy(self, request: Request, **kwargs: Any) -> Response:
        services.video_delete(video=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="Play this video (manual mode)", request=None, responses=PlaybackSerializer)
    @action(detail=True, methods=["post"], url_path="set-active")
    def set_active(self, request: Request, **kwargs: Any) -> Response:
        return Response(
            PlaybackSerializer(services.video_set_active(video=self.get_object(), actor=request.user)).data
        )

    @extend_schema(summary="Process the video again", request=None)
    @action(detail=True, methods=["post"])
    def reprocess(self, request: Request, **kwargs: Any) -> Response:
        video = services.video_reprocess(video=self.get_object(), actor=request.user)
        return Response(VideoSerializer(self.get_queryset().get(pk=video.pk)).data)

    @extend_schema(summary="Set the playing order (every video once)", request=ReorderSerializer)
    @action(detail=False, methods=["post"])
    def reorder(self, request: Request, **kwargs: Any) -> Response:
        data = ReorderSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.videos_reorder(
            content=self.get_content(), actor=request.user, video_ids=data.validated_data["video_ids"]
        )
        return Response(VideoSerializer(self.get_queryset(), many=True).data)


@extend_schema_view(
    list=extend_schema(summary="Date-time windows of a video"),
    create=extend_schema(
        summary="Add a window (overlaps refused unless allowed)", request=ScheduleInputSerializer
    ),
    partial_update=extend_schema(summary="Change a window", request=ScheduleInputSerializer),
    destroy=extend_schema(summary="Remove a window"),
)
class ScheduleViewSet(ContentChildMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ScheduleSerializer
    pagination_class = None

    def get_video(self) -> Video:
        return get_object_or_404(Video.objects.filter(content=self.get_content()), pk=self.kwargs["video_id"])

    def get_queryset(self) -> QuerySet[VideoSchedule]:
        if getattr(self, "swagger_fake_view", False):
            return VideoSchedule.objects.none()
        return VideoSchedule.objects.filter(video=self.get_video())

    def create(self, request: Request, **kwargs: Any) -> Response:
        data = ScheduleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        schedule = services.schedule_save(content=self.get_content(), actor=request.user,
                                          video_id=self.get_video().pk, **data.validated_data)  # fmt: skip
        return Response(ScheduleSerializer(schedule).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, **kwargs: Any) -> Response:
        schedule = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        if not isinstance(request.data, dict):
            raise exceptions.ValidationError(
                {"non_field_errors": ["Send the fields to change as an object."]}
            )
        data = ScheduleInputSerializer(data={
            "starts_at": schedule.starts_at, "ends_at": schedule.ends_at, "note": schedule.note, **request.data,
        })  # fmt: skip
        data.is_valid(raise_exception=True)
        schedule = services.schedule_save(content=self.get_content(), actor=request.user, video_id=schedule.video_id,
                                          schedule=schedule, **data.validated_data)  # fmt: skip
        return Response(ScheduleSerializer(schedule).data)

    def destroy(self, request: Request, **kwargs: Any) -> Response:
        services.schedule_delete(
            schedule=get_object_or_404(self.get_queryset(), pk=kwargs["pk"]), actor=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class RotationView(ContentChildMixin, APIView):
    """The content's playback mode, active video, rotation rule and date rules."""

    @extend_schema(summary="Playback mode, rotation rule and date rules", responses=PlaybackSerializer)
    def get(self, request: Request, **kwargs: Any) -> Response:
        return Response(PlaybackSerializer(services.playback_for(self.get_content())).data)

    @extend_schema(summary="Change the playback and rotation rules", request=PlaybackInputSerializer,
                   responses=PlaybackSerializer)  # fmt: skip
    def put(self, request: Request, **kwargs: Any) -> Response:
        data = PlaybackInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        content = self.get_content()
        optional = {key: values[source] for key, source in (
            ("active_video_id", "active_video"), ("rotation_default_video_id", "rotation_default_video"),
        ) if source in values}  # fmt: skip
        playback = services.playback_update(
            content=content, actor=request.user, mode=values.get("mode"), rotation=values.get("rotation"),
            rotation_sequence=values.get("rotation_sequence"), **optional,
        )  # fmt: skip
        if "date_rules" in values:
            services.date_rules_replace(content=content, actor=request.user, rules=values["date_rules"])
        playback.refresh_from_db()
        return Response(PlaybackSerializer(playback).data)


class CalendarView(ContentChildMixin, APIView):
    @extend_schema(
        summary="Which video plays on each day of a month",
        parameters=[OpenApiParameter("month", str, description="YYYY-MM", required=True)],
        responses=CalendarDaySerializer(many=True),
    )
    def get(self, request: Request, **kwargs: Any) -> Response:
        match = MONTH.match(request.query_params.get("month", ""))
        if match is None or not 1 <= int(match.group(2)) <= 12 or not 1900 <= int(match.group(1)) <= 2200:
            raise exceptions.ValidationError({"month": ["Give the month as YYYY-MM, e.g. 2026-12."]})
        content = self.get_content()
        days = selectors.month_calendar(content=content, year=int(match.group(1)), month=int(match.group(2)))
        titles = dict(Video.objects.filter(content=content).values_list("id", "title"))
        body = [
            {
                "date": day,
                "video": chosen.video_id if chosen else None,
                "video_title": titles.get(chosen.video_id) if chosen else None,
                "selection_source": chosen.selection_source if chosen else None,
                "schedule_id": chosen.schedule_id if chosen else None,
            }
            for day, chosen in days
        ]
        return Response(CalendarDaySerializer(body, many=True).data)
