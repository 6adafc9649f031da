"""The signed-in person's notifications and preferences in the API (JWT or session; API
keys act for a company and have no inbox)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from arvlite.core.api.permissions import IsSignedInPerson
from arvlite.core.roles import Role, role_allows
from arvlite.core.tenancy import company_scope
from companies.actors import signed_in_user
from companies.models import Membership
from notifications import services
from notifications.models import Channel, Notification
from notifications.registry import EVENTS

SETTABLE_CHANNELS = list(Channel.values)


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    company = serializers.CharField(source="company.slug", read_only=True)
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "company", "event", "title", "body", "link", "read", "read_at", "created_at"]
        read_only_fields = fields

    def get_read(self, note: Notification) -> bool:
        return note.read_at is not None


class MarkedSerializer(serializers.Serializer[Any]):
    marked = serializers.IntegerField(help_text="How many notifications changed to read.")
    unread_count = serializers.IntegerField()


@extend_schema_view(
    list=extend_schema(summary="My notifications, newest first",
                       parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL),
                                   OpenApiParameter("company", OpenApiTypes.STR, description="A company slug.")]),
)  # fmt: skip
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer
    permission_classes = [IsSignedInPerson]
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        notes = services.visible_to(signed_in_user(self.request))
        if self.request.query_params.get("unread") in ("1", "true"):
            notes = notes.filter(read_at__isnull=True)
        if company := self.request.query_params.get("company"):
            notes = notes.filter(company__slug=company)
        return notes.order_by("-created_at", "-id")

    def _marked(self, count: int) -> Response:
        user = signed_in_user(self.request)
        return Response({"marked": count, "unread_count": services.unread_count(user)})

    @extend_schema(summary="Mark one of my notifications read (marked: 0 if it is not mine or already read)",
                   request=None, responses={200: MarkedSerializer})  # fmt: skip
    def read(self, request: Request, pk: int) -> Response:
        # Only the caller's own rows change; another user's id changes nothing and says nothing.
        return self._marked(services.mark_read(user=signed_in_user(request), ids=[pk]))

    @extend_schema(summary="Mark all my notifications read", request=None, responses={200: MarkedSerializer})
    def read_all(self, request: Request) -> Response:
        return self._marked(services.mark_read(user=signed_in_user(request)))


class PreferenceSerializer(serializers.Serializer[Any]):
    company = serializers.SlugField(help_text="The company's slug.")
    event = serializers.ChoiceField(choices=sorted(EVENTS))
    channel = serializers.ChoiceField(choices=SETTABLE_CHANNELS)
    enabled = serializers.BooleanField()
    scope = serializers.ChoiceField(choices=["user", "company"], default="user",
                                    help_text="\"company\" sets the company's default (owners only).")  # fmt: skip


class PreferenceViewSet(viewsets.GenericViewSet):
    """Effective choices per company, event and channel; one choice changed per request."""

    serializer_class = PreferenceSerializer
    permission_classes = [IsSignedInPerson]
    pagination_class = None

    def get_queryset(self) -> QuerySet[Notification]:
        return Notification.objects.none()  # answers are built per company, not from one queryset

    @extend_schema(
        summary="My notification choices in every company", responses={200: PreferenceSerializer(many=True)}
    )
    def list(self, request: Request) -> Response:
        user = signed_in_user(request)
        rows: list[dict[str, Any]] = []
        for membership in (
            Membership.objects.filter(user=user).select_related("company").order_by("company__name")
        ):
            with company_scope(membership.company):
                offered = services.choosable(membership.company)
                for event in EVENTS.values():
                    wanted = services.wanted_channels(event, membership.company, user)
                    rows.extend({"company": membership.company.slug, "event": event.name, "channel": channel,
                                 "enabled": channel in wanted, "scope": "user"} for channel in offered
                                if channel != Channel.EMAIL_DIGEST or event.digest)  # fmt: skip
        return Response(rows)

    @extend_schema(summary="Turn one event's channel on or off", request=PreferenceSerializer,
                   responses={200: PreferenceSerializer})  # fmt: skip
    def create(self, request: Request) -> Response:
        user = signed_in_user(request)
        data = PreferenceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        choice = data.validated_data
        membership = (
            Membership.objects.filter(user=user, company__slug=choice["company"])
            .select_related("company")
            .first()
        )
        if membership is None:
            raise exceptions.ValidationError({"company": ["You are not a member of this company."]})
        if choice["scope"] == "company" and not role_allows(membership.role, Role.OWNER):
            raise exceptions.PermissionDenied("Only owners set the company's defaults.")
        with company_scope(membership.company):
            services.preference_set(company=membership.company, user=None if choice["scope"] == "company" else user,
                                    event=choice["event"], channel=choice["channel"], enabled=choice["enabled"])  # fmt: skip
        return Response(dict(choice), status=status.HTTP_200_OK)
