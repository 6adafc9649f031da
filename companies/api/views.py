"""Company API: the companies I belong to, their members and their audit trail."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.generics import get_object_or_404

from arvlite.core.api.views import CompanyScopedMixin
from arvlite.core.models import AuditEntry
from arvlite.core.roles import Role
from companies import selectors
from companies.api.serializers import AuditEntrySerializer, CompanySerializer, MembershipSerializer
from companies.models import Company, Membership


@extend_schema_view(
    list=extend_schema(summary="Companies I belong to"),
    retrieve=extend_schema(summary="One of my companies"),
)
class CompanyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Companies are reached through membership only: another company's slug is 404."""

    serializer_class = CompanySerializer
    lookup_field = "slug"
    lookup_url_kwarg = "company_slug"
    search_fields = ["name", "slug"]
    ordering_fields = ["name", "created_at"]

    def get_queryset(self) -> QuerySet[Company]:
        if getattr(self, "swagger_fake_view", False):
            return Company.objects.none()
        return selectors.company_list_for_user(user=self.request.user)

    def get_object(self) -> Company:
        return get_object_or_404(self.get_queryset(), slug=self.kwargs["company_slug"])


@extend_schema_view(list=extend_schema(summary="Members of the company"))
class MemberViewSet(CompanyScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = MembershipSerializer
    read_role = Role.VIEWER
    write_role = Role.OWNER
    filterset_fields = ["role"]
    search_fields = ["user__email", "user__full_name"]
    ordering_fields = ["user__email", "created_at"]

    def get_queryset(self) -> QuerySet[Membership]:
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        return selectors.member_list(company=self.company)


@extend_schema_view(list=extend_schema(summary="Audit trail of the company (managers and up)"))
class AuditEntryViewSet(CompanyScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = AuditEntrySerializer
    read_role = Role.MANAGER
    write_role = None  # the trail is written by services only
    filterset_fields = ["action", "target_type", "target_id"]
    ordering_fields = ["created_at"]

    def get_queryset(self) -> QuerySet[AuditEntry]:
        if getattr(self, "swagger_fake_view", False):
            return AuditEntry.objects.none()
        # Scoped manager: the active company scope limits this to self.company.
        return AuditEntry.objects.select_related("actor").all()
