"""Stored files and storage usage of a company. Here rather than in companies because a file
may be attributed to a project (upload parameter, usage per project)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from arvlite.core.api.requests import content_length
from arvlite.core.roles import Role
from arvlite.core.storage.access import file_url
from companies import files
from companies.api.quota import QuotaExceeded
from companies.api.scoped import CompanyScopedMixin
from companies.models import StoredFile
from projects.models import Project

# What clients may upload directly; markers, renditions, QR codes... are made by the server.
UPLOADABLE_KINDS = [StoredFile.Kind.PHOTO, StoredFile.Kind.VIDEO]


class StoredFileSerializer(serializers.ModelSerializer[StoredFile]):
    url = serializers.SerializerMethodField(help_text="A link that works without sign-in for a limited time.")

    class Meta:
        model = StoredFile
        fields = [
            "id",
            "kind",
            "project",
            "size",
            "sha256",
            "mime_type",
            "original_name",
            "url",
            "created_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "sha256": {
                "help_text": "Hex SHA-256 of the content. Empty for a video that S3 assembled from "
                "resumable-upload parts until its processing has read it."
            }
        }

    def get_url(self, stored: StoredFile) -> str:
        return file_url(stored.key)


class StoredFileUploadSerializer(serializers.Serializer[StoredFile]):
    file = serializers.FileField()
    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in UPLOADABLE_KINDS])
    project = serializers.IntegerField(required=False, allow_null=True)


class UsageSerializer(serializers.Serializer[files.Usage]):
    used_bytes = serializers.IntegerField()
    quota_bytes = serializers.IntegerField()
    percent = serializers.FloatField()
    by_kind = serializers.ListField(child=serializers.DictField())
    by_project = serializers.ListField(child=serializers.DictField())


@extend_schema_view(
    list=extend_schema(summary="Stored files of the company"),
    retrieve=extend_schema(summary="One stored file, with a time-limited link"),
    create=extend_schema(
        summary="Upload a photo or video (multipart, streamed to storage)",
        request={"multipart/form-data": StoredFileUploadSerializer},
        responses={
            201: StoredFileSerializer,
            413: OpenApiResponse(description="Over the quota or the size limit"),
        },
    ),
    destroy=extend_schema(summary="Delete a stored file (its object goes after commit)"),
)
class StoredFileViewSet(
    CompanyScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = StoredFileSerializer
    read_role = Role.VIEWER
    write_role = Role.EDITOR
    parser_classes = [MultiPartParser]
    filterset_fields = ["kind", "project"]
    ordering_fields = ["created_at", "size"]
    search_fields = ["original_name"]

    def get_queryset(self) -> QuerySet[StoredFile]:
        if getattr(self, "swagger_fake_view", False):
            return StoredFile.objects.none()
        return StoredFile.objects.all()

    def create(self, request: Request, company_slug: str) -> Response:
        # Refuse from the announced length, before the body is read.
        announced = content_length(request)
        self._check_quota(announced)
        data = StoredFileUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = None
        if data.validated_data.get("project"):
            project = Project.objects.filter(pk=data.validated_data["project"]).first()
            if project is None:
                raise exceptions.ValidationError({"project": ["Unknown project."]})
        upload = data.validated_data["file"]
        try:
            stored = files.stored_file_create(
                company=self.company,
                kind=data.validated_data["kind"],
                content=upload,
                original_name=upload.name or "",
                project=project,
                actor=request.user,
            )
        except files.StorageQuotaExceededError as exc:
            raise QuotaExceeded(exc.messages[0]) from None
        return Response(StoredFileSerializer(stored).data, status=status.HTTP_201_CREATED)

    def _check_quota(self, incoming: int) -> None:
        try:
            files.quota_check(company=self.company, incoming_bytes=incoming)
        except files.StorageQuotaExceededError as exc:
            raise QuotaExceeded(exc.messages[0]) from None
        except files.ValidationError as exc:
            raise QuotaExceeded(exc.messages[0]) from None

    def perform_destroy(self, instance: StoredFile) -> None:
        files.stored_file_delete(stored_file=instance)


class StorageUsageView(CompanyScopedMixin, APIView):
    read_role = Role.VIEWER
    write_role = None

    @extend_schema(
        summary="Storage used by the company: total, per kind, per project", responses=UsageSerializer
    )
    def get(self, request: Request, company_slug: str) -> Response:
        usage = files.storage_usage(company=self.company)
        body = UsageSerializer(usage).data
        body["summary"] = f"{filesizeformat(usage.used_bytes)} of {filesizeformat(usage.quota_bytes)}"
        return Response(body)
