"""Project API shapes: output serializers describe answers, input serializers requests.
Input serializers only validate; the views hand the data to the services."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers

from projects import selectors
from projects.models import ContentDefaults, Project, ProjectTemplate

DEFAULT_FIELDS = list(ContentDefaults.DEFAULT_FIELDS)


class ProjectTemplateSerializer(serializers.ModelSerializer[ProjectTemplate]):
    class Meta:
        model = ProjectTemplate
        fields = ["id", "name", *DEFAULT_FIELDS, "created_at", "updated_at"]
        read_only_fields = fields


class ProjectTemplateWriteSerializer(serializers.ModelSerializer[ProjectTemplate]):
    """Create (name required) or, with ``partial=True``, change a template."""

    class Meta:
        model = ProjectTemplate
        fields = ["name", *DEFAULT_FIELDS]
        # The service checks duplicate names (case-insensitively) and answers on "name".
        validators: list[object] = []


class ProjectSerializer(serializers.ModelSerializer[Project]):
    template_name = serializers.CharField(
        source="template.name", read_only=True, default=None, allow_null=True
    )
    created_by_email = serializers.EmailField(
        source="created_by.email", read_only=True, default=None, allow_null=True
    )
    content_count = serializers.IntegerField(read_only=True, help_text="AR content in this project.")
    is_read_only = serializers.BooleanField(read_only=True, help_text="True while the project is archived.")

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "description",
            "status",
            "is_read_only",
            "template",
            "template_name",
            *DEFAULT_FIELDS,
            "content_count",
            "created_by_email",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CompanyTemplateField(serializers.PrimaryKeyRelatedField[ProjectTemplate]):
    """A template id of the request's company; any other id reads as unknown, never as
    "exists elsewhere"."""

    default_error_messages = {
        "does_not_exist": "Unknown template.",
        "incorrect_type": "Unknown template.",
    }

    def __init__(self, **kwargs: Any) -> None:
        # The class-level queryset only tells the schema generator the id type.
        super().__init__(queryset=ProjectTemplate.objects.none(), **kwargs)

    def get_queryset(self) -> QuerySet[ProjectTemplate]:
        return selectors.template_list(company=self.context["company"])


class ProjectCreateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    template = CompanyTemplateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Id of one of the company's project templates; its defaults are copied.",
    )


class ProjectUpdateSerializer(serializers.ModelSerializer[Project]):
    """Every field is optional (PATCH); status has its own endpoint."""

    class Meta:
        model = Project
        fields = ["name", "description", *DEFAULT_FIELDS]
        validators: list[object] = []


class ProjectStatusSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(
        choices=Project.Status.choices,
        help_text="active ↔ paused, active/paused → archived, archived → active (restore).",
    )


class SaveAsTemplateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200, help_text="Name of the new template.")
