from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from companies.models import Membership, User


class RegisterSerializer(serializers.Serializer[User]):
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, style={"input_type": "password"})
    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


class MembershipBriefSerializer(serializers.ModelSerializer[Membership]):
    company_slug = serializers.CharField(source="company.slug")
    company_name = serializers.CharField(source="company.name")

    class Meta:
        model = Membership
        fields = ["company_slug", "company_name", "role"]
        read_only_fields = fields


class UserSerializer(serializers.ModelSerializer[User]):
    email_verified = serializers.BooleanField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "date_joined", "email_verified"]
        read_only_fields = fields


class MeSerializer(UserSerializer):
    memberships = serializers.SerializerMethodField()

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "memberships"]
        read_only_fields = fields

    @extend_schema_field(MembershipBriefSerializer(many=True))
    def get_memberships(self, user: User) -> list[dict[str, str]]:
        return MembershipBriefSerializer(self.context["memberships"], many=True).data  # type: ignore[return-value]  # DRF types .data loosely; it is a list of dicts


class LogoutSerializer(serializers.Serializer[None]):
    refresh = serializers.CharField()


class PasswordResetRequestSerializer(serializers.Serializer[None]):
    email = serializers.EmailField()


class PasswordResetConfirmSerializer(serializers.Serializer[None]):
    uid = serializers.CharField()
    token = serializers.CharField()
    new_password = serializers.CharField(write_only=True)


class PasswordChangeSerializer(serializers.Serializer[None]):
    old_password = serializers.CharField(write_only=True)
    new_password = serializers.CharField(write_only=True)


class InvitationAcceptSerializer(serializers.Serializer[None]):
    token = serializers.CharField()


class DetailSerializer(serializers.Serializer[None]):
    detail = serializers.CharField()
