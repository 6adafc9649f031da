"""Authentication API: sign-up, JWT tokens, logout, me, passwords, invitation accept."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from arvlite.core.api.throttling import ClientAddressScopedRateThrottle
from companies import accounts, invitations, selectors
from companies.actors import signed_in_user
from companies.api.auth_serializers import (
    DetailSerializer,
    InvitationAcceptSerializer,
    LogoutSerializer,
    MeSerializer,
    PasswordChangeSerializer,
    PasswordResetConfirmSerializer,
    PasswordResetRequestSerializer,
    RegisterSerializer,
    RevocableTokenRefreshSerializer,
    SignedOutEverywhereSerializer,
    TokenObtainPairResponseSerializer,
    TwoFactorTokenObtainSerializer,
    UserSerializer,
)
from companies.api.serializers import MembershipSerializer
from companies.sessions import sign_out_everywhere_else


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"
    default_detail = "Too many failed sign-in attempts. Sign-in is paused for a while; try again later."


class PublicAuthView(APIView):
    """Open to anonymous callers, with a tighter per-IP rate ("auth" throttle scope)."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes = [ClientAddressScopedRateThrottle]
    throttle_scope = "auth"


def _registration_errors(request: Request) -> dict[str, Any]:
    """The serializer's errors and the account rules' together: every problem at once."""
    data = RegisterSerializer(data=request.data)
    errors: dict[str, Any] = {} if data.is_valid() else dict(data.errors)
    raw = request.data if isinstance(request.data, dict) else {}
    text = {
        name: str(raw.get(name)) if isinstance(raw.get(name), str) else ""
        for name in ("email", "password", "full_name")
    }
    problems_found = accounts.registration_problems(
        email=text["email"], password=text["password"], full_name=text["full_name"]
    )
    for field, problems in problems_found.items():
        errors.setdefault(field, problems)
    return errors


class RegisterView(PublicAuthView):
    @extend_schema(
        summary="Create an account",
        description=(
            "Where addresses are confirmed (EMAIL_VERIFICATION_REQUIRED, the default): always 202 "
            "for a valid request, whether or not the address has an account. A new address gets "
            "a confirmation link, an address with an account an e-mail saying how to sign in; "
            "creating a company waits for the confirmation. Otherwise 201 with the new user."
        ),
        request=RegisterSerializer,
        responses={201: UserSerializer, 202: DetailSerializer},
    )
    def post(self, request: Request) -> Response:
        errors = _registration_errors(request)
        if errors:
            raise exceptions.ValidationError(errors)
        data = RegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if settings.EMAIL_VERIFICATION_REQUIRED:
            accounts.user_signup(**data.validated_data)
            return Response(
                {"detail": "Check your inbox: open the link we sent to this address to continue."},
                status=status.HTTP_202_ACCEPTED,
            )
        user = accounts.user_register(**data.validated_data)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class EmailVerifyResendView(APIView):
    throttle_classes = [ClientAddressScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(
        summary="E-mail me a new link to confirm my address",
        request=None,
        responses={202: DetailSerializer, 429: DetailSerializer},
    )
    def post(self, request: Request) -> Response:
        user = signed_in_user(request)
        if user.email_verified:
            return Response({"detail": "Your e-mail address is already confirmed."})
        wait = accounts.email_verification_resend(user=user)
        if wait:
            raise exceptions.Throttled(wait=wait, detail="A new link was sent a moment ago. Try again later.")
        return Response({"detail": "A new link is on its way."}, status=status.HTTP_202_ACCEPTED)


class TokenView(TokenObtainPairView):
    """JWT pair for e-mail + password (+ ``otp`` with two-factor sign-in). Repeated failures
    lock the account (429)."""

    serializer_class = TwoFactorTokenObtainSerializer
    throttle_classes = [ClientAddressScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(
        summary="Get an access and a refresh token",
        responses={
            200: TokenObtainPairResponseSerializer,
            401: OpenApiResponse(
                description="Wrong e-mail or password (no_active_account); for an account with two-factor "
                "sign-in, otp missing (otp_required) or wrong (otp_invalid)."
            ),
            403: OpenApiResponse(
                description="A company of the account requires two-factor sign-in, which it has not turned "
                "on yet (two_factor_setup_required): set it up in the portal first."
            ),
            429: OpenApiResponse(
                description="Locked after repeated failures (locked_out), or too many requests."
            ),
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            return super().post(request, *args, **kwargs)
        except exceptions.AuthenticationFailed:
            # django-axes marks the request it was given (this DRF request) when locked.
            if getattr(request, "axes_locked_out", False):
                raise LockedOut() from None
            raise


class TokenRefresh(TokenRefreshView):
    serializer_class = RevocableTokenRefreshSerializer
    throttle_classes = [ClientAddressScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(summary="Rotate the refresh token (the old one stops working)")
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)


class LogoutView(APIView):
    @extend_schema(summary="Revoke a refresh token", request=LogoutSerializer, responses={205: None})
    def post(self, request: Request) -> Response:
        data = LogoutSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            token = RefreshToken(data.validated_data["refresh"])
        except TokenError as exc:
            raise exceptions.ValidationError({"refresh": [str(exc)]}) from None
        if str(token.get("user_id")) != str(request.user.pk):
            raise exceptions.ValidationError({"refresh": ["This refresh token belongs to another user."]})
        token.blacklist()
        return Response(status=status.HTTP_205_RESET_CONTENT)


class LogoutEverywhereView(APIView):
    @extend_schema(
        summary="Sign out everywhere else",
        description=(
            "Revokes every refresh token of the signed-in person and ends every browser session but "
            "the calling one. Access tokens already issued (this one too) run out by themselves "
            "within JWT_ACCESS_MINUTES."
        ),
        request=None,
        responses={200: SignedOutEverywhereSerializer},
    )
    def post(self, request: Request) -> Response:
        session = getattr(request._request, "session", None)
        sessions, tokens = sign_out_everywhere_else(
            user=signed_in_user(request), current_key=session.session_key if session is not None else None
        )
        return Response({"sessions_ended": sessions, "tokens_revoked": tokens})


class MeView(APIView):
    @extend_schema(summary="The signed-in user and their memberships", responses=MeSerializer)
    def get(self, request: Request) -> Response:
        user = signed_in_user(request)
        memberships = selectors.membership_list_for_user(user=user)
        return Response(MeSerializer(user, context={"memberships": memberships}).data)


class PasswordResetRequestView(PublicAuthView):
    @extend_schema(
        summary="E-mail a password reset link",
        description="Always answers 202, whether or not the address has an account.",
        request=PasswordResetRequestSerializer,
        responses={202: DetailSerializer},
    )
    def post(self, request: Request) -> Response:
        data = PasswordResetRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        accounts.password_reset_request(email=data.validated_data["email"])
        return Response(
            {"detail": "If an account has this address, a reset link is on its way."},
            status=status.HTTP_202_ACCEPTED,
        )


class PasswordResetConfirmView(PublicAuthView):
    @extend_schema(
        summary="Set a new password from a reset link",
        request=PasswordResetConfirmSerializer,
        responses={200: DetailSerializer},
    )
    def post(self, request: Request) -> Response:
        data = PasswordResetConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        accounts.password_reset_confirm(**data.validated_data)
        return Response({"detail": "Your password has been changed. Sign in with the new one."})


class PasswordChangeView(APIView):
    @extend_schema(
        summary="Change my password", request=PasswordChangeSerializer, responses={200: DetailSerializer}
    )
    def post(self, request: Request) -> Response:
        data = PasswordChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        accounts.password_change(user=signed_in_user(request), **data.validated_data)
        return Response({"detail": "Your password has been changed."})


class InvitationAcceptView(APIView):
    @extend_schema(
        summary="Accept an invitation (the signed-in user's e-mail must be the invited one)",
        request=InvitationAcceptSerializer,
        responses={200: MembershipSerializer},
    )
    def post(self, request: Request) -> Response:
        data = InvitationAcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = invitations.invitation_accept(
            token=data.validated_data["token"], user=signed_in_user(request)
        )
        return Response(MembershipSerializer(membership).data)
