from __future__ import annotations

from typing import Any

from django.contrib.auth import user_login_failed
from django.contrib.auth.models import update_last_login
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.serializers import (
    TokenObtainPairSerializer,
    TokenObtainSerializer,
    TokenRefreshSerializer,
)
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import get_md5_hash_password

from companies import two_factor
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
    two_factor_enabled = serializers.SerializerMethodField(
        help_text="Signing in asks for an authenticator code (set up in the portal, My account)."
    )

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "two_factor_enabled", "memberships"]
        read_only_fields = fields

    def get_two_factor_enabled(self, user: User) -> bool:
        return two_factor.has_two_factor(user)

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


class SignedOutEverywhereSerializer(serializers.Serializer[None]):
    sessions_ended = serializers.IntegerField(help_text="Browser sessions signed out.")
    tokens_revoked = serializers.IntegerField(help_text="Refresh tokens revoked.")


class DetailSerializer(serializers.Serializer[None]):
    detail = serializers.CharField()


class RevocableTokenRefreshSerializer(TokenRefreshSerializer):
    """simplejwt's refresh, refusing a token of a user who is gone or whose password changed
    since it was issued. ``CHECK_REVOKE_TOKEN`` makes simplejwt check the password claim of
    access tokens only; without this, a refresh token issued before a password change or
    reset kept minting new pairs for its whole life."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        refresh = self.token_class(attrs["refresh"])
        user_id = refresh.payload.get(jwt_settings.USER_ID_CLAIM)
        user = User.objects.filter(pk=user_id).first() if user_id is not None else None
        claim = refresh.payload.get(jwt_settings.REVOKE_TOKEN_CLAIM)
        if user is None or claim != get_md5_hash_password(user.password):
            raise InvalidToken(_("The token is no longer valid: sign in again."))
        if two_factor.must_enrol(user):
            raise InvalidToken(
                _("A company of yours requires two-factor sign-in: turn it on, then sign in again.")
            )
        return super().validate(attrs)


class TwoFactorTokenObtainSerializer(TokenObtainPairSerializer):
    """simplejwt's e-mail + password, and for a person with two-factor sign-in the ``otp``
    field too (the authenticator's code or a recovery code). The code is checked before any
    token is made; a wrong one counts towards the lockout like a wrong password."""

    otp = serializers.CharField(
        required=False, allow_blank=True, write_only=True, max_length=64,
        help_text="The 6-digit code of the authenticator app, or a recovery code. Required for "
                  "accounts with two-factor sign-in: without it the answer is 401 with code "
                  "otp_required.",
    )  # fmt: skip

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        TokenObtainSerializer.validate(self, attrs)  # the password (and django-axes' lockout)
        user = self.user
        assert isinstance(user, User)  # the validation above raised otherwise
        if two_factor.has_two_factor(user):
            self._second_factor(user, attrs.get("otp") or "")
        elif two_factor.must_enrol(user):
            raise exceptions.PermissionDenied(
                _(
                    "A company of yours requires two-factor sign-in: turn it on in the portal (My account) first."
                ),
                code="two_factor_setup_required",
            )
        refresh = RefreshToken.for_user(user)
        if jwt_settings.UPDATE_LAST_LOGIN:
            update_last_login(User, user)
        return {"refresh": str(refresh), "access": str(refresh.access_token)}

    def _second_factor(self, user: User, code: str) -> None:
        if not code.strip():
            raise exceptions.AuthenticationFailed(
                _("This account signs in with two factors: send the authenticator's code as otp."),
                code="otp_required",
            )
        wait = two_factor.code_wait(user)
        if wait:
            raise exceptions.Throttled(wait=wait, detail=_("Too many wrong codes. Try again later."))
        if not two_factor.code_accept(user=user, code=code):
            user_login_failed.send(
                sender=__name__, credentials={"username": user.email}, request=self.context.get("request")
            )
            raise exceptions.AuthenticationFailed(_("That code is not right."), code="otp_invalid")


class TokenObtainPairResponseSerializer(serializers.Serializer[None]):
    access = serializers.CharField()
    refresh = serializers.CharField()
