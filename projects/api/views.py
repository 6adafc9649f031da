"""Project API: projects, their lifecycle, and project templates. Thin: parse, load within
the company, call one service, answer with the output serializer."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from arvlite.core.roles import Role
from companies.api.scoped import CompanyInputMixin
from projects import selectors, services
from projects.api.serializers import (
    ProjectCreateSerializer,
    ProjectSerializer,
    ProjectStatusSerializer,
    ProjectTemplateSerializer,
    ProjectTemplateWriteSerializer,
    ProjectUpdateSerializer,
    SaveAsTemplateSerializer,
)
from projects.models import Project, ProjectTemplate

DELETED = OpenApiResponse(description="Deleted.")


@extend_schema_view(
    list=extend_schema(summary="Projects of the company"),
    retrieve=extend_schema(summary="One project"),
)
class ProjectViewSet(
    CompanyInputMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Editors create, change and move projects through their lifecycle; managers delete."""

    serializer_class = ProjectSerializer
    read_role = Role.VIEWER
    write_role = Role.EDITOR
    action_roles = {"destroy": Role.MANAGER}
    filterset_fields = ["status"]
    search_fields = ["name", "description"]
    ordering_fields = ["name", "created_at"]
    ordering = ["name", "id"]

    def get_queryset(self) -> QuerySet[Project]:
        if getattr(self, "swagger_fake_view", False):
            return Project.objects.none()
        return selectors.project_list(company=self.company)

    @extend_schema(
        summary="Create a project",
        request=ProjectCreateSerializer,
        responses={201: ProjectSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(ProjectCreateSerializer)
        project = services.project_create(company=self.company, actor=request.user, **data)
        return self._answer(project, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a project (archived projects are read-only)",
        request=ProjectUpdateSerializer,
        responses={200: ProjectSerializer},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        project = self.get_object()
        data = self.validated(ProjectUpdateSerializer, partial=True)
        project = services.project_update(project=project, actor=request.user, **data)
        return self._answer(project)

    @extend_schema(summary="Delete a project (managers and up)", responses={204: DELETED})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.project_delete(project=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Pause, resume, archive or restore a project",
        request=ProjectStatusSerializer,
        responses={200: ProjectSerializer},
    )
    def set_status(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        project = self.get_object()
        data = self.validated(ProjectStatusSerializer)
        project = services.project_set_status(project=project, actor=request.user, status=data["status"])
        return self._answer(project)

    @extend_schema(
        summary="Save the project's defaults as a new template",
        request=SaveAsTemplateSerializer,
        responses={201: ProjectTemplateSerializer},
    )
    def save_as_template(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        project = self.get_object()
        data = self.validated(SaveAsTemplateSerializer)
        template = services.project_save_as_template(project=project, actor=request.user, name=data["name"])
        return Response(ProjectTemplateSerializer(template).data, status=status.HTTP_201_CREATED)

    def _answer(self, project: Project, code: int = status.HTTP_200_OK) -> Response:
        # Re-read through the selector so the answer carries the same annotations as a GET.
        fresh = selectors.project_get(company=self.company, pk=project.pk)
        return Response(self.get_serializer(fresh).data, status=code)


@extend_schema_view(
    list=extend_schema(summary="Project templates of the company"),
    retrieve=extend_schema(summary="One project template"),
)
class ProjectTemplateViewSet(
    CompanyInputMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Editors create and change templates; managers delete them."""

    serializer_class = ProjectTemplateSerializer
    read_role = Role.VIEWER
    write_role = Role.EDITOR
    action_roles = {"destroy": Role.MANAGER}
    search_fields = ["name"]
    ordering_fields = ["name", "created_at"]
    ordering = ["name", "id"]

    def get_queryset(self) -> QuerySet[ProjectTemplate]:
        if getattr(self, "swagger_fake_view", False):
            return ProjectTemplate.objects.none()
        return selectors.template_list(company=self.company)

    @extend_schema(
        summary="Create a project template",
        request=ProjectTemplateWriteSerializer,
        responses={201: ProjectTemplateSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(ProjectTemplateWriteSerializer)
        template = services.template_create(company=self.company, actor=request.user, **data)
        return Response(self.get_serializer(template).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a project template (existing projects keep their defaults)",
        request=ProjectTemplateWriteSerializer,
        responses={200: ProjectTemplateSerializer},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        template = self.get_object()
        data = self.validated(ProjectTemplateWriteSerializer, partial=True)
        template = services.template_update(template=template, actor=request.user, **data)
        return Response(self.get_serializer(template).data)

    @extend_schema(summary="Delete a project template (managers and up)", responses={204: DELETED})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.template_delete(template=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
