from __future__ import annotations

from rest_framework import serializers

from arvlite.core.models import AuditEntry
from companies.models import Company, Membership, User


class CompanySerializer(serializers.ModelSerializer[Company]):
    my_role = serializers.CharField(read_only=True, help_text="Your role in this company.")
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Company
        fields = ["slug", "name", "contact_email", "status", "my_role", "member_count", "created_at"]
        read_only_fields = fields


class MemberUserSerializer(serializers.ModelSerializer[User]):
    class Meta:
        model = User
        fields = ["id", "email", "full_name"]
        read_only_fields = fields


class MembershipSerializer(serializers.ModelSerializer[Membership]):
    user = MemberUserSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "created_at"]
        read_only_fields = fields


class AuditEntrySerializer(serializers.ModelSerializer[AuditEntry]):
    actor_email = serializers.EmailField(source="actor.email", read_only=True, default=None)

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
