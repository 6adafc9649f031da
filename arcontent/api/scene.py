"""Scene settings over the API: a content's scene and overlay frame, and the scene defaults
of projects and project templates (arcontent/scene.py has the rules)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from arcontent import scene_services
from arcontent.models import ARContent
from arcontent.scene import SceneSerializer, effective_scene
from arvlite.core.roles import Role
from arvlite.core.storage.access import file_url
from companies.api.scoped import CompanyScopedMixin
from projects.models import Project, ProjectTemplate


class ContentSceneSerializer(serializers.Serializer[ARContent]):
    """What the content's scene is made of: its own settings, its project's defaults, the
    result (what the viewer plays) and the overlay frame."""

    settings = serializers.SerializerMethodField()
    project_defaults = serializers.SerializerMethodField()
    effective = serializers.SerializerMethodField()
    overlay_url = serializers.SerializerMethodField()

    def get_settings(self, content: ARContent) -> dict[str, Any]:
        return dict(content.scene or {})

    def get_project_defaults(self, content: ARContent) -> dict[str, Any]:
        return dict(content.project.scene_defaults or {})

    def get_effective(self, content: ARContent) -> dict[str, Any]:
        return effective_scene(content.project.scene_defaults, content.scene).as_dict()

    def get_overlay_url(self, content: ARContent) -> str | None:
        return file_url(content.scene_overlay.key) if content.scene_overlay is not None else None


class DefaultsSceneSerializer(serializers.Serializer[Project | ProjectTemplate]):
    settings = serializers.SerializerMethodField()
    effective = serializers.SerializerMethodField()

    def get_settings(self, owner: Project | ProjectTemplate) -> dict[str, Any]:
        return dict(owner.scene_defaults or {})

    def get_effective(self, owner: Project | ProjectTemplate) -> dict[str, Any]:
        return effective_scene(owner.scene_defaults).as_dict()


def _changes(request: Request) -> dict[str, Any]:
    if not isinstance(request.data, dict):
        raise exceptions.ParseError("The body must be a JSON object of scene settings.")
    checked = SceneSerializer(data=request.data)
    checked.is_valid(raise_exception=True)
    return dict(checked.validated_data)


class ContentSceneMixin(CompanyScopedMixin):
    read_role = Role.VIEWER
    write_role = Role.EDITOR

    def content(self) -> ARContent:
        contents = ARContent.objects.select_related("project", "scene_overlay", "company")
        return get_object_or_404(contents, unique_id=self.kwargs["unique_id"])

    def answer(self) -> Response:
        return Response(ContentSceneSerializer(self.content()).data)


class ContentSceneView(ContentSceneMixin, APIView):
    parser_classes = [JSONParser]

    @extend_schema(summary="The content's scene: its own settings, the project's defaults and the result",
                   responses=ContentSceneSerializer)  # fmt: skip
    def get(self, request: Request, **kwargs: Any) -> Response:
        return self.answer()

    @extend_schema(
        summary="Change the content's scene settings (null puts a setting back to the project's default)",
        request=SceneSerializer,
        responses=ContentSceneSerializer,
    )
    def patch(self, request: Request, **kwargs: Any) -> Response:
        scene_services.content_scene_update(
            content=self.content(), actor=request.user, changes=_changes(request)
        )
        return self.answer()


class ContentOverlayView(ContentSceneMixin, APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        summary="Upload the overlay frame: a PNG with transparency, drawn above the video on the print",
        request={
            "multipart/form-data": inline_serializer("OverlayUpload", {"file": serializers.FileField()})
        },
        responses=ContentSceneSerializer,
    )
    def put(self, request: Request, **kwargs: Any) -> Response:
        upload = request.FILES.get("file")
        if upload is None:
            raise exceptions.ValidationError({"file": ["Attach the PNG frame as the field 'file'."]})
        scene_services.content_overlay_set(
            content=self.content(), actor=request.user, upload=upload, name=upload.name or ""
        )
        return self.answer()

    @extend_schema(summary="Remove the overlay frame", responses={200: ContentSceneSerializer})
    def delete(self, request: Request, **kwargs: Any) -> Response:
        scene_services.content_overlay_remove(content=self.content(), actor=request.user)
        return self.answer()


class DefaultsSceneView(CompanyScopedMixin, APIView):
    """Scene defaults of a project (they apply to its content at once) or of a template
    (copied into projects created from it)."""

    read_role = Role.VIEWER
    write_role = Role.EDITOR
    parser_classes = [JSONParser]
    model: type[Project] | type[ProjectTemplate] = Project

    def owner(self) -> Project | ProjectTemplate:
        if self.model is Project:
            return get_object_or_404(Project.objects.select_related("company"), pk=self.kwargs["pk"])
        return get_object_or_404(ProjectTemplate.objects.select_related("company"), pk=self.kwargs["pk"])

    @extend_schema(summary="The scene defaults", responses=DefaultsSceneSerializer)
    def get(self, request: Request, **kwargs: Any) -> Response:
        return Response(DefaultsSceneSerializer(self.owner()).data)

    @extend_schema(
        summary="Change the scene defaults (null removes one)",
        request=SceneSerializer,
        responses={200: DefaultsSceneSerializer, 400: OpenApiResponse(description="Invalid settings")},
    )
    def patch(self, request: Request, **kwargs: Any) -> Response:
        owner = scene_services.defaults_scene_update(
            owner=self.owner(), actor=request.user, changes=_changes(request)
        )
        return Response(DefaultsSceneSerializer(owner).data)


class ProjectSceneView(DefaultsSceneView):
    model = Project


class TemplateSceneView(DefaultsSceneView):
    model = ProjectTemplate
