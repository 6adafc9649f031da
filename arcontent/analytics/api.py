"""Analytics API: figures of the company, a project or a content (JSON, or the daily series
as CSV with ``?format=csv``), and the on-demand roll-up."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, renderers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from arcontent.analytics.cache import figures_cached
from arcontent.analytics.periods import local_today, period_from_query
from arcontent.analytics.serializers import (
    AnalyticsSerializer,
    RollupQueuedSerializer,
    RollupRequestSerializer,
    analytics_data,
)
from arcontent.analytics.tasks import rollup_views
from arcontent.analytics.videos import video_figures
from arcontent.selectors import content_get
from arvlite.core.roles import Role
from companies.api.scoped import CompanyScopedMixin
from projects.selectors import project_get

CSV_COLUMNS = ["date", "views", "visitors", "plays", "watch_seconds", "watched_sessions"]

PERIOD_PARAMETERS = [
    OpenApiParameter(
        "range", OpenApiTypes.INT, enum=[7, 30, 90], description="Last N local days (default 30)."
    ),
    OpenApiParameter("from", OpenApiTypes.DATE, description="First day (with `to`; at most 366 days)."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (with `from`)."),
    OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"], description="csv: the daily series."),
]


class CsvRenderer(renderers.BaseRenderer):
    """A table as CSV: ``columns`` of the dicts ``rows(data)`` gives (by default the list
    under ``data[table]``)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"
    columns: list[str] = []
    table = "daily"

    def rows(self, data: Any) -> list[dict[str, Any]]:
        return list(data[self.table])

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=self.columns, extrasaction="ignore", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(self.rows(data))
        return out.getvalue().encode()


class DailyCsvRenderer(CsvRenderer):
    columns = CSV_COLUMNS


class AnalyticsView(CompanyScopedMixin, APIView):
    """Figures over a period, read from the daily roll-ups (refreshed every 10 minutes)."""

    read_role = Role.VIEWER
    write_role = None
    renderer_classes = [renderers.JSONRenderer, DailyCsvRenderer]

    def scope(self) -> tuple[dict[str, str], dict[str, Any]]:
        return {"kind": "company", "id": self.company.slug, "name": self.company.name}, {}

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:  # DRF's answer to an unknown ?format=
            raise exceptions.ValidationError({"format": [_("Choose json or csv.")]}) from None

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        # Errors and OPTIONS (the route's description, no table in it) stay JSON, even for CSV.
        if isinstance(response, Response) and (response.status_code >= 400 or request.method == "OPTIONS"):
            response.accepted_renderer = renderers.JSONRenderer()
            response.accepted_media_type = "application/json"
        return response

    file_prefix = "analytics"

    def body(self, period: Any, scope: dict[str, str], objects: dict[str, Any]) -> dict[str, Any]:
        figures = figures_cached(company=self.company, period=period, **objects)
        return analytics_data(figures, scope=scope, time_zone=self.company.time_zone)

    def get(self, request: Request, **kwargs: Any) -> Response:
        period = period_from_query(company=self.company, query=request.query_params)
        scope, objects = self.scope()
        response = Response(self.body(period, scope, objects))
        if getattr(request.accepted_renderer, "format", "") == "csv":
            name = f"{self.file_prefix}-{scope['kind']}-{scope['id']}-{period.first}-{period.last}.csv"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


def _summary(text: str) -> Any:
    return extend_schema_view(
        get=extend_schema(summary=text, parameters=PERIOD_PARAMETERS, responses={200: AnalyticsSerializer})
    )


@_summary("Analytics of the company")
class CompanyAnalyticsView(AnalyticsView):
    pass


@_summary("Analytics of a project")
class ProjectAnalyticsView(AnalyticsView):
    def scope(self) -> tuple[dict[str, str], dict[str, Any]]:
        project = project_get(company=self.company, pk=self.kwargs["pk"])
        return {"kind": "project", "id": str(project.pk), "name": project.name}, {"project": project}


@_summary("Analytics of one AR content")
class ContentAnalyticsView(AnalyticsView):
    def scope(self) -> tuple[dict[str, str], dict[str, Any]]:
        content = content_get(company=self.company, unique_id=self.kwargs["unique_id"])
        scope = {"kind": "content", "id": str(content.unique_id), "name": content.order_number}
        return scope, {"content": content}


VIDEO_CSV_COLUMNS = [
    "video_id", "content", "order_number", "name", "sessions", "plays", "unique_viewers",
    "average_watch_seconds", "completion_rate", "positioned_sessions", "reached_25", "reached_50",
    "reached_75", "reached_100", "selection_sources",
]  # fmt: skip
TOP_VIDEOS = 10


class VideoCsvRenderer(CsvRenderer):
    columns = VIDEO_CSV_COLUMNS

    def rows(self, data: Any) -> list[dict[str, Any]]:
        quarters = ("reached_25", "reached_50", "reached_75", "reached_100")
        return [
            {
                **row,
                **dict(zip(quarters, row["drop_off"] or [None] * 4, strict=True)),
                "selection_sources": " ".join(
                    f"{name}:{count}" for name, count in row["selection_sources"].items()
                ),
            }
            for row in data["videos"]
        ]


class VideoAnalyticsView(AnalyticsView):
    """Per-video figures over a period (JSON, or one CSV row per video)."""

    renderer_classes = [renderers.JSONRenderer, VideoCsvRenderer]

    file_prefix = "videos"

    def body(self, period: Any, scope: dict[str, str], objects: dict[str, Any]) -> dict[str, Any]:
        limit = None if objects else TOP_VIDEOS
        rows = video_figures(company=self.company, period=period, limit=limit, **objects)
        return {
            "scope": scope,
            "first_day": period.first.isoformat(),
            "last_day": period.last.isoformat(),
            "videos": [row.as_dict() for row in rows],
        }


def _video_summary(text: str) -> Any:
    return extend_schema_view(
        get=extend_schema(summary=text, parameters=PERIOD_PARAMETERS, responses={200: OpenApiTypes.OBJECT})
    )


@_video_summary("The company's most watched videos (top 10)")
class CompanyVideoAnalyticsView(VideoAnalyticsView):
    pass


@_video_summary("Per-video figures of one AR content")
class ContentVideoAnalyticsView(VideoAnalyticsView, ContentAnalyticsView):
    pass


class AnalyticsRollupView(CompanyScopedMixin, APIView):
    """Rebuild the company's roll-ups of the last N days now (managers)."""

    read_role = None
    write_role = Role.MANAGER

    @extend_schema(
        summary="Rebuild the daily roll-ups of the last N days in the background",
        request=RollupRequestSerializer,
        responses={202: OpenApiResponse(RollupQueuedSerializer, description="Queued")},
    )
    def post(self, request: Request, **kwargs: Any) -> Response:
        data = RollupRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        days = data.validated_data["days"]
        company_id = self.company.pk
        rollup_views.delay_on_commit(company_id=company_id, days=days)
        last = local_today(self.company)
        first = last - dt.timedelta(days=days - 1)
        body = {"first_day": first, "last_day": last, "status": "queued"}
        return Response(RollupQueuedSerializer(body).data, status=status.HTTP_202_ACCEPTED)
