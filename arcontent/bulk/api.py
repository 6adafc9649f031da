"""Bulk jobs over the API: start one over a selection of content ids, read its progress
and the outcome of each item, download its print sheet."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import renderers, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from arcontent.api.views import AnyContentRenderer
from arcontent.bulk import services
from arcontent.bulk.models import BulkJob
from arcontent.bulk.selectors import bulk_file_response, bulk_job_get
from arvlite.core.roles import Role
from companies.api.scoped import CompanyScopedMixin
from projects.models import MAX_TERM_YEARS, MIN_TERM_YEARS


class BulkStartSerializer(serializers.Serializer[None]):
    action = serializers.ChoiceField(choices=BulkJob.Kind.choices)
    ids = serializers.ListField(
        child=serializers.UUIDField(), allow_empty=False, max_length=services.MAX_ITEMS,
        help_text="unique_id of each content",
    )  # fmt: skip
    years = serializers.IntegerField(
        min_value=MIN_TERM_YEARS, max_value=MAX_TERM_YEARS, required=False, help_text="renew only"
    )


class BulkItemSerializer(serializers.Serializer[None]):
    id = serializers.CharField()
    order_number = serializers.CharField()
    ok = serializers.BooleanField()
    message = serializers.CharField()


class BulkJobSerializer(serializers.ModelSerializer[BulkJob]):
    action = serializers.CharField(source="kind")
    results = BulkItemSerializer(many=True)
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = BulkJob
        fields = ["id", "action", "status", "total", "done", "failed", "results", "error", "file_url",
                  "created_at", "finished_at"]  # fmt: skip
        read_only_fields = fields

    def get_file_url(self, job: BulkJob) -> str | None:
        if job.file_id is None:
            return None
        return reverse("bulk-job-file", kwargs={"company_slug": job.company.slug, "pk": job.pk})


def _answer(job: BulkJob, code: int) -> Response:
    fresh = BulkJob.objects.select_related("company").get(pk=job.pk)
    return Response(BulkJobSerializer(fresh).data, status=code)


class BulkStartView(CompanyScopedMixin, APIView):
    """Start a bulk job (editors): up to a handful of items run at once (201, done), more on
    a worker (202, poll the job)."""

    read_role = None
    write_role = Role.EDITOR

    @extend_schema(
        summary="Publish, pause, archive, renew or print many contents at once",
        request=BulkStartSerializer,
        responses={
            201: OpenApiResponse(BulkJobSerializer, description="Done at once"),
            202: OpenApiResponse(BulkJobSerializer, description="Queued: poll bulk-jobs/<id>/"),
        },
    )
    def post(self, request: Request, **kwargs: Any) -> Response:
        data = BulkStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        job = services.bulk_job_start(
            company=self.company, actor=request.user, kind=values["action"], ids=values["ids"],
            options={"years": values.get("years"), "language": request.LANGUAGE_CODE},
        )  # fmt: skip
        job.refresh_from_db()
        return _answer(job, status.HTTP_201_CREATED if job.finished else status.HTTP_202_ACCEPTED)


class BulkJobView(CompanyScopedMixin, APIView):
    read_role = Role.EDITOR
    write_role = None

    @extend_schema(summary="A bulk job's progress and the outcome of each item", responses=BulkJobSerializer)
    def get(self, request: Request, **kwargs: Any) -> Response:
        return _answer(bulk_job_get(company=self.company, pk=kwargs["pk"]), status.HTTP_200_OK)


class BulkJobFileView(CompanyScopedMixin, APIView):
    read_role = Role.EDITOR
    write_role = None
    renderer_classes = [AnyContentRenderer, renderers.JSONRenderer]

    @extend_schema(summary="The print sheet PDF of a finished print job",
                   responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF")})  # fmt: skip
    def get(self, request: Request, **kwargs: Any) -> FileResponse:
        return bulk_file_response(bulk_job_get(company=self.company, pk=kwargs["pk"]))
