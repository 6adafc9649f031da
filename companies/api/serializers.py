from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from arvlite.core.roles import Role
from companies.api_keys import ASSIGNABLE_ROLE_CHOICES
from companies.branding import company_logo_url
from companies.models import AuditEntry, Company, CompanyApiKey, Invitation, Membership, User
from companies.services import COMPANY_PROFILE_FIELDS, PAYMENT_SETTINGS_FIELDS, SECURITY_SETTINGS_FIELDS

# What answers show of the payment settings: never the secret key, only whether one is saved.
PAYMENT_SETTINGS_SHOWN = [name for name in PAYMENT_SETTINGS_FIELDS if name != "yookassa_secret_key"]


class CompanySerializer(serializers.ModelSerializer[Company]):
    logo = serializers.SerializerMethodField(
        help_text="The public link of the logo (the one the /view page shows), or null without one."
    )
    my_role = serializers.CharField(read_only=True, help_text="Your role in this company.")
    member_count = serializers.IntegerField(read_only=True)
    storage_used_bytes = serializers.IntegerField(
        read_only=True, help_text="Bytes stored; see storage/ for details."
    )
    yookassa_configured = serializers.BooleanField(
        source="takes_online_payments", read_only=True,
        help_text="A YooKassa shop id and secret key are saved (the key is never shown).",
    )  # fmt: skip

    class Meta:
        model = Company
        fields = [
            "slug",
            *COMPANY_PROFILE_FIELDS,
            *PAYMENT_SETTINGS_SHOWN,
            "yookassa_configured",
            *SECURITY_SETTINGS_FIELDS,
            "storage_quota_bytes",
            "storage_used_bytes",
            "status",
            "my_role",
            "member_count",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_logo(self, company: Company) -> str | None:
        return company_logo_url(company)


class CompanyCreateSerializer(serializers.ModelSerializer[Company]):
    # Declared explicitly to skip the model's unique check: the service reports a taken
    # slug, also when two requests race for it.
    slug = serializers.CharField(
        max_length=60, required=False,
        help_text="Lower-case letters, digits and hyphens; used in URLs. Omitted: made from the name "
                  "(Cyrillic transliterated), a free variant when taken.",
    )  # fmt: skip

    class Meta:
        model = Company
        fields = ["slug", *(name for name in COMPANY_PROFILE_FIELDS if name != "logo")]
        extra_kwargs = {"name": {"required": True}}


class CompanyUpdateSerializer(serializers.ModelSerializer[Company]):
    yookassa_secret_key = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=200, trim_whitespace=True,
        style={"input_type": "password"},
        help_text="Write-only: stored encrypted, never shown again. An empty string removes it.",
    )  # fmt: skip

    class Meta:
        model = Company
        fields = [*COMPANY_PROFILE_FIELDS, *PAYMENT_SETTINGS_FIELDS, *SECURITY_SETTINGS_FIELDS]


class MemberUserSerializer(serializers.ModelSerializer[User]):
    class Meta:
        model = User
        fields = ["id", "email", "full_name"]
        read_only_fields = fields


class MembershipSerializer(serializers.ModelSerializer[Membership]):
    user = MemberUserSerializer(read_only=True)
    company_slug = serializers.CharField(source="company.slug", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "company_slug", "role", "created_at"]
        read_only_fields = fields


class MembershipUpdateSerializer(serializers.Serializer[Membership]):
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationSerializer(serializers.ModelSerializer[Invitation]):
    invited_by_email = serializers.EmailField(
        source="invited_by.email", read_only=True, default=None, allow_null=True
    )
    state = serializers.CharField(read_only=True, help_text="pending, accepted, revoked or expired")

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "role",
            "state",
            "invited_by_email",
            "created_at",
            "last_sent_at",
            "send_count",
            "expires_at",
            "accepted_at",
            "revoked_at",
        ]
        read_only_fields = fields


class InvitationCreateSerializer(serializers.Serializer[Invitation]):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.choices, default=Role.EDITOR)


class ApiKeySerializer(serializers.ModelSerializer[CompanyApiKey]):
    class Meta:
        model = CompanyApiKey
        fields = ["id", "name", "prefix", "role", "created_at", "last_used_at", "revoked_at"]
        read_only_fields = fields


class ApiKeyCreateSerializer(serializers.Serializer[CompanyApiKey]):
    name = serializers.CharField(max_length=100)
    role = serializers.ChoiceField(choices=ASSIGNABLE_ROLE_CHOICES, default=Role.EDITOR)


class IssuedApiKeySerializer(ApiKeySerializer):
    key = serializers.SerializerMethodField(
        help_text="The key itself. Shown only in this answer: store it now."
    )

    class Meta(ApiKeySerializer.Meta):
        fields = [*ApiKeySerializer.Meta.fields, "key"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_key(self, obj: CompanyApiKey) -> str:
        return self.context["key"]


class AuditEntrySerializer(serializers.ModelSerializer[AuditEntry]):
    actor_email = serializers.EmailField(source="actor.email", read_only=True, default=None, allow_null=True)

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "action",
            "actor_email",
            "target_type",
            "target_id",
            "target_repr",
            "changes",
            "created_at",
        ]
        read_only_fields = fields
