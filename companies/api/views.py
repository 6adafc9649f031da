"""Company API: companies, members, invitations, API keys and the audit trail."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from arvlite.core.api.permissions import HasCompanyRole, IsSignedInPerson
from arvlite.core.roles import Role
from companies import api_keys, invitations, selectors, services
from companies.accounts import EmailNotVerifiedError
from companies.actors import signed_in_user
from companies.api.scoped import CompanyScopedMixin
from companies.api.serializers import (
    ApiKeyCreateSerializer,
    ApiKeySerializer,
    AuditEntrySerializer,
    CompanyCreateSerializer,
    CompanySerializer,
    CompanyUpdateSerializer,
    InvitationCreateSerializer,
    InvitationSerializer,
    IssuedApiKeySerializer,
    MembershipSerializer,
    MembershipUpdateSerializer,
)
from companies.models import AuditEntry, Company, CompanyApiKey, Invitation, Membership
from companies.slugs import free_slug


class CompanyDeleteRefused(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "company_not_deletable"


class EmailNotVerified(exceptions.PermissionDenied):
    default_code = "email_not_verified"
    default_detail = (
        "Confirm your e-mail address first: open the link we sent you. "
        "POST /api/v1/auth/verify-email/resend/ sends a new one."
    )


@extend_schema_view(
    list=extend_schema(summary="Companies I belong to"),
    create=extend_schema(
        summary="Create a company (I become its owner)",
        request=CompanyCreateSerializer,
        responses={201: CompanySerializer},
    ),
)
class CompanyListView(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = CompanySerializer
    search_fields = ["name", "slug"]
    ordering_fields = ["name", "created_at"]

    def get_queryset(self) -> QuerySet[Company]:
        if getattr(self, "swagger_fake_view", False):
            return Company.objects.none()
        return selectors.company_list_for_user(user=self.request.user)

    def create(self, request: Request) -> Response:
        data = CompanyCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields["slug"] = fields.get("slug") or free_slug(fields["name"])
        try:
            company = services.company_create(owner=signed_in_user(request), **fields)
        except EmailNotVerifiedError:
            raise EmailNotVerified() from None
        created = selectors.company_list_for_user(user=request.user).get(pk=company.pk)
        return Response(CompanySerializer(created).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    retrieve=extend_schema(summary="One of my companies"),
    partial_update=extend_schema(
        summary="Change company settings (managers and up)",
        request=CompanyUpdateSerializer,
        responses=CompanySerializer,
    ),
    destroy=extend_schema(
        summary="Delete the company (owner; refused while it has published content or money records)",
        responses={
            204: OpenApiResponse(description="Deleted, with everything it owned"),
            409: OpenApiResponse(
                description="Refused, nothing changed: the message says what must go first or be kept"
            ),
        },
    ),
)
class CompanyDetailView(CompanyScopedMixin, viewsets.GenericViewSet):
    serializer_class = CompanySerializer
    read_role = Role.VIEWER
    write_role = Role.MANAGER
    action_roles = {"destroy": Role.OWNER}

    def _annotated(self) -> Company:
        return selectors.company_detail(company=self.company, role=self.membership.role)

    def retrieve(self, request: Request, company_slug: str) -> Response:
        return Response(CompanySerializer(self._annotated()).data)

    def partial_update(self, request: Request, company_slug: str) -> Response:
        data = CompanyUpdateSerializer(self.company, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.company_update(company=self.company, actor=request.user, **data.validated_data)
        return Response(CompanySerializer(self._annotated()).data)

    def destroy(self, request: Request, company_slug: str) -> Response:
        try:
            services.company_delete(company=self.company, actor=request.user)
        except services.CompanyDeleteRefusedError as refused:
            raise CompanyDeleteRefused(" ".join(refused.messages)) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="Members of the company"),
    partial_update=extend_schema(
        summary="Change a member's role (owner)",
        request=MembershipUpdateSerializer,
        responses=MembershipSerializer,
    ),
    destroy=extend_schema(summary="Remove a member (owner; never the last owner)"),
)
class MemberViewSet(
    CompanyScopedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
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

    def partial_update(self, request: Request, company_slug: str, pk: str) -> Response:
        membership = self.get_object()
        data = MembershipUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.membership_set(
            company=self.company, user=membership.user, role=data.validated_data["role"], actor=request.user
        )
        return Response(MembershipSerializer(membership).data)

    def destroy(self, request: Request, company_slug: str, pk: str) -> Response:
        services.membership_remove(membership=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="Invitations of the company (managers and up)"),
    create=extend_schema(
        summary="Invite someone by e-mail (owner)",
        request=InvitationCreateSerializer,
        responses={201: InvitationSerializer},
    ),
    resend=extend_schema(summary="Send the invitation again with a fresh link (owner)", request=None),
    revoke=extend_schema(summary="Withdraw the invitation (owner)", request=None),
)
class InvitationViewSet(CompanyScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = InvitationSerializer
    read_role = Role.MANAGER
    write_role = Role.OWNER
    filterset_fields = ["role", "email"]

    def get_queryset(self) -> QuerySet[Invitation]:
        if getattr(self, "swagger_fake_view", False):
            return Invitation.objects.none()
        return Invitation.objects.select_related("invited_by").all()

    def create(self, request: Request, company_slug: str) -> Response:
        data = InvitationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = invitations.invitation_create(
            company=self.company, actor=request.user, **data.validated_data
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def resend(self, request: Request, company_slug: str, pk: str) -> Response:
        invitation = invitations.invitation_resend(invitation=self.get_object(), actor=request.user)
        return Response(InvitationSerializer(invitation).data)

    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, company_slug: str, pk: str) -> Response:
        invitation = invitations.invitation_revoke(invitation=self.get_object(), actor=request.user)
        return Response(InvitationSerializer(invitation).data)


@extend_schema_view(
    list=extend_schema(summary="API keys of the company (managers and up)"),
    create=extend_schema(
        summary="Create an API key; the key is in this answer only",
        request=ApiKeyCreateSerializer,
        responses={201: IssuedApiKeySerializer},
    ),
    revoke=extend_schema(summary="Revoke an API key at once", request=None),
)
class ApiKeyViewSet(CompanyScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ApiKeySerializer
    read_role = Role.MANAGER
    write_role = Role.MANAGER
    # People manage keys; a key may not mint or revoke keys.
    permission_classes = [IsSignedInPerson, HasCompanyRole]

    def get_queryset(self) -> QuerySet[CompanyApiKey]:
        if getattr(self, "swagger_fake_view", False):
            return CompanyApiKey.objects.none()
        return CompanyApiKey.objects.all()

    def create(self, request: Request, company_slug: str) -> Response:
        data = ApiKeyCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        issued = api_keys.api_key_create(
            company=self.company, actor=request.user, actor_role=self.membership.role, **data.validated_data
        )
        body = IssuedApiKeySerializer(issued.api_key, context={"key": issued.key}).data
        return Response(body, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, company_slug: str, pk: str) -> Response:
        api_key = api_keys.api_key_revoke(api_key=self.get_object(), actor=request.user)
        return Response(ApiKeySerializer(api_key).data)


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


class SlugSuggestionSerializer(serializers.Serializer[Any]):
    slug = serializers.CharField()
    url = serializers.CharField(help_text="The company's portal address with this slug.")


class SlugSuggestionView(APIView):
    """The web address a new company of this name would get (for the form, as you type)."""

    permission_classes = [IsSignedInPerson]
    serializer_class = SlugSuggestionSerializer

    @extend_schema(summary="Suggest a free web address for a company name",
                   parameters=[OpenApiParameter("name", OpenApiTypes.STR, required=True)],
                   responses={200: SlugSuggestionSerializer})  # fmt: skip
    def get(self, request: Request) -> Response:
        name = request.query_params.get("name", "").strip()[:200]
        if not name:
            raise exceptions.ValidationError({"name": ["This field is required."]})
        slug = free_slug(name)
        return Response({"slug": slug, "url": f"{settings.PUBLIC_URL}/c/{slug}/"})
