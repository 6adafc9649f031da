"""AR content API: CRUD, the publishing actions, files, and the stateless photo check."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from arcontent import downloads, services
from arcontent.api.serializers import (
    ARContentCreateSerializer,
    ARContentSerializer,
    ARContentUpdateSerializer,
    OverrideSerializer,
    PhotoAnalysisSerializer,
    PublishSerializer,
    RenewSerializer,
    UseEnhancedSerializer,
)
from arcontent.imaging.analysis import analyze_marker_of
from arcontent.imaging.decode import PhotoRejectedError, load_photo
from arcontent.models import ARContent
from arcontent.selectors import content_list
from arvlite.core.api.requests import content_length
from arvlite.core.api.throttling import ClientAddressScopedRateThrottle
from arvlite.core.roles import Role
from companies.api.scoped import CompanyScopedMixin
from projects.models import Project


class AnyContentRenderer(renderers.BaseRenderer):
    """Lets file downloads through content negotiation whatever the client accepts."""

    media_type = "*/*"
    format = "file"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> Any:
        return data


def refuse_announced_photo(request: Request) -> None:
    """A photo form announcing more than the photo limit (+ room for the other fields) is
    refused from its Content-Length, before a byte of the body is read."""
    if content_length(request) > settings.PHOTO_MAX_BYTES + 64 * 1024:
        raise exceptions.ValidationError({"photo": ["The photo is larger than the limit."]})


def _file_action(url_path: str, summary: str, media_type: str) -> Callable[[Callable[..., Any]], Any]:
    def wrap(method: Callable[..., Any]) -> Any:
        routed = action(
            detail=True, methods=["get"], url_path=url_path,
            renderer_classes=[AnyContentRenderer, renderers.JSONRenderer],
        )(method)  # fmt: skip
        # After @action, which replaces the function's kwargs (where the schema is kept):
        # the file's own type in the schema, not the content's JSON; errors stay JSON.
        responses = {(200, media_type): OpenApiResponse(response=OpenApiTypes.BINARY, description="The file")}
        return extend_schema(summary=summary, responses=responses)(routed)

    return wrap


@extend_schema_view(
    list=extend_schema(
        summary="AR content of the company (filters: project, status; search: order number, customer)"
    ),
    retrieve=extend_schema(summary="One AR content"),
    create=extend_schema(
        summary="Create AR content from a photo (multipart); processing starts at once",
        request={"multipart/form-data": ARContentCreateSerializer},
        responses={201: ARContentSerializer},
    ),
    partial_update=extend_schema(
        summary="Change customer details, print size or term", request=ARContentUpdateSerializer
    ),
    destroy=extend_schema(summary="Delete content and its files (not while published)"),
)
class ARContentViewSet(
    CompanyScopedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = ARContentSerializer
    read_role = Role.VIEWER
    write_role = Role.EDITOR
    action_roles = {"destroy": Role.MANAGER}
    lookup_field = "unique_id"
    parser_classes = [MultiPartParser, JSONParser]
    filterset_fields = ["project", "status"]
    ordering_fields = ["created_at", "order_number", "expires_at"]

    def get_queryset(self) -> QuerySet[ARContent]:
        if getattr(self, "swagger_fake_view", False):
            return ARContent.objects.none()
        search = self.request.query_params.get("search") if self.action == "list" else None
        # The videos: publish_blockers asks whether one can play (videos.checks), per row.
        return (
            content_list(company=self.company, search=search)
            .select_related("company")
            .prefetch_related("videos")
        )

    def _respond(self, content: ARContent, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=content.pk)
        return Response(ARContentSerializer(fresh).data, status=code)

    def create(self, request: Request, company_slug: str) -> Response:
        refuse_announced_photo(request)  # before request.data reads (and spools) the body
        data = ARContentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        project = Project.objects.filter(pk=values["project"]).first()
        if project is None:
            raise exceptions.ValidationError({"project": ["Unknown project."]})
        content = services.content_create(
            company=self.company,
            actor=request.user,
            data=services.content_input(project=project, values=values),
            photo=values["photo"],
            photo_name=values["photo"].name or "",
        )
        return self._respond(content, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, company_slug: str, unique_id: str) -> Response:
        data = ARContentUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        content = services.content_update(
            content=self.get_object(), actor=request.user, **data.validated_data
        )
        return self._respond(content)

    def destroy(self, request: Request, company_slug: str, unique_id: str) -> Response:
        services.content_delete(content=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    # --- workflow ---------------------------------------------------------------------

    @extend_schema(
        summary="Publish (scans start; the term starts on first publication). Refused without a "
        "ready video; accept_similar publishes past a similar-marker warning in one call (editors)",
        request=PublishSerializer,
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, company_slug: str, unique_id: str) -> Response:
        data = PublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        publish = (
            services.content_publish_anyway
            if data.validated_data["accept_similar"]
            else services.content_publish
        )
        return self._respond(publish(content=self.get_object(), actor=request.user))

    @extend_schema(summary="Pause scans", request=None)
    @action(detail=True, methods=["post"])
    def pause(self, request: Request, company_slug: str, unique_id: str) -> Response:
        return self._respond(services.content_pause(content=self.get_object(), actor=request.user))

    @extend_schema(summary="Resume a paused content", request=None)
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, company_slug: str, unique_id: str) -> Response:
        return self._respond(services.content_resume(content=self.get_object(), actor=request.user))

    @extend_schema(summary="Extend the hosting term", request=RenewSerializer)
    @action(detail=True, methods=["post"])
    def renew(self, request: Request, company_slug: str, unique_id: str) -> Response:
        data = RenewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        content = services.content_renew(
            content=self.get_object(), actor=request.user, years=data.validated_data.get("years")
        )
        return self._respond(content)

    @extend_schema(summary="Archive for good", request=None)
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, company_slug: str, unique_id: str) -> Response:
        return self._respond(services.content_archive(content=self.get_object(), actor=request.user))

    @extend_schema(summary="Build the web AR (MindAR) target again", request=None)
    @action(detail=True, methods=["post"], url_path="build-web-target")
    def build_web_target(self, request: Request, company_slug: str, unique_id: str) -> Response:
        return self._respond(services.content_build_web_target(content=self.get_object(), actor=request.user))

    @extend_schema(summary="Process the photo again", request=None)
    @action(detail=True, methods=["post"])
    def reprocess(self, request: Request, company_slug: str, unique_id: str) -> Response:
        return self._respond(services.content_reprocess(content=self.get_object(), actor=request.user))

    @extend_schema(
        summary="Accept a similar-marker warning or a poor score (editors)", request=OverrideSerializer
    )
    @action(detail=True, methods=["post"])
    def override(self, request: Request, company_slug: str, unique_id: str) -> Response:
        data = OverrideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        content = services.content_override(
            content=self.get_object(), actor=request.user, what=data.validated_data["what"]
        )
        return self._respond(content)

    @extend_schema(
        summary="Use the auto-enhanced marker, or go back to the original", request=UseEnhancedSerializer
    )
    @action(detail=True, methods=["post"], url_path="use-enhanced-marker")
    def use_enhanced_marker(self, request: Request, company_slug: str, unique_id: str) -> Response:
        data = UseEnhancedSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        content = services.content_use_enhanced_marker(
            content=self.get_object(), actor=request.user, use=data.validated_data["use"]
        )
        return self._respond(content)

    @extend_schema(summary="The trackability analysis (and the enhanced candidate's)", responses={200: dict})
    @action(detail=True, methods=["get"])
    def analysis(self, request: Request, company_slug: str, unique_id: str) -> Response:
        content = self.get_object()
        return Response({"analysis": content.analysis, "enhanced_analysis": content.enhanced_analysis})

    # --- files ------------------------------------------------------------------------

    @_file_action("qr.png", "QR code (PNG)", "image/png")
    def qr_png(self, request: Request, company_slug: str, unique_id: str) -> HttpResponse:
        return downloads.qr_png_response(self.get_object())

    @_file_action("qr.svg", "QR code (vector SVG)", "image/svg+xml")
    def qr_svg(self, request: Request, company_slug: str, unique_id: str) -> HttpResponse:
        return downloads.qr_svg_response(self.get_object())

    @_file_action("label.pdf", "Print-ready QR label (PDF)", "application/pdf")
    def label_pdf(self, request: Request, company_slug: str, unique_id: str) -> HttpResponse:
        return downloads.label_pdf_response(self.get_object(), language=request.LANGUAGE_CODE)

    @_file_action(
        "print-sheet.pdf", "A4 print sheet: the photo at its print size with the QR (PDF)", "application/pdf"
    )
    def print_sheet_pdf(self, request: Request, company_slug: str, unique_id: str) -> HttpResponse:
        return downloads.print_sheet_response(self.get_object(), language=request.LANGUAGE_CODE)

    @_file_action(
        "export.zip", "Everything needed to keep the content without ARVlite (ZIP)", "application/zip"
    )
    def export_zip(self, request: Request, company_slug: str, unique_id: str) -> StreamingHttpResponse:
        return downloads.export_zip_response(self.get_object(), language=request.LANGUAGE_CODE)


class PhotoAnalysisView(APIView):
    """Trackability of a photo, without storing anything (the create form calls it as soon
    as a photo is chosen)."""

    parser_classes = [MultiPartParser]
    throttle_classes = [ClientAddressScopedRateThrottle]
    throttle_scope = "photo_analysis"

    @extend_schema(
        summary="Check how well a photo will track (nothing is stored)",
        request={"multipart/form-data": PhotoAnalysisSerializer},
        responses={200: dict},
    )
    def post(self, request: Request) -> Response:
        refuse_announced_photo(request)
        data = PhotoAnalysisSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["photo"]
        try:
            image = load_photo(
                upload.read(), max_bytes=settings.PHOTO_MAX_BYTES, max_pixels=settings.PHOTO_MAX_PIXELS
            )
        except PhotoRejectedError as error:
            raise exceptions.ValidationError({"photo": [error.message]}) from None
        width = data.validated_data.get("print_width_cm")
        height = data.validated_data.get("print_height_cm")
        result = analyze_marker_of(  # the marker, as the pipeline will: the two scores agree
            image,
            print_width_cm=float(width) if width else None,
            print_height_cm=float(height) if height else None,
        )
        return Response(result.as_dict())
