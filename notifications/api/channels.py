"""The API of the optional channels: a company's Telegram bot (owners), a member's link
to it, the bot's webhook (public, verified by Telegram's secret-token header), and the
signed-in user's browser subscriptions for Web Push."""

from __future__ import annotations

import json
from typing import Any

import structlog
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from arvlite.core.api.errors import error_response
from arvlite.core.api.permissions import IsSignedInPerson
from arvlite.core.roles import Role
from arvlite.core.tenancy import company_scope
from companies.actors import signed_in_user
from companies.api.scoped import CompanyScopedMixin
from companies.models import Company
from notifications import telegram, webpush
from notifications.models import TelegramBot, TelegramChat

log = structlog.get_logger(__name__)
MAX_UPDATE_BYTES = 64 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


class TelegramBotSerializer(serializers.Serializer[Any]):
    configured = serializers.BooleanField(read_only=True)
    bot_username = serializers.CharField(read_only=True, allow_blank=True)
    webhook_url = serializers.CharField(read_only=True)
    linked_members = serializers.IntegerField(read_only=True)
    bot_token = serializers.CharField(write_only=True, max_length=200,
                                      help_text="From @BotFather. Stored encrypted and never shown again.")  # fmt: skip


def bot_state(company: Company) -> dict[str, Any]:
    bot = telegram.bot_for(company)
    return {
        "configured": bot is not None,
        "bot_username": bot.username if bot else "",
        "webhook_url": telegram.webhook_url(company),
        "linked_members": TelegramChat.objects.filter(company=company, chat_id__isnull=False).count(),
    }


class TelegramBotView(CompanyScopedMixin, APIView):
    """The company's Telegram bot: owners connect it with its token, or remove it."""

    read_role = Role.OWNER
    write_role = Role.OWNER
    serializer_class = TelegramBotSerializer

    @extend_schema(summary="The company's Telegram bot", responses={200: TelegramBotSerializer})
    def get(self, request: Request, company_slug: str) -> Response:
        return Response(TelegramBotSerializer(bot_state(self.company)).data)

    @extend_schema(summary="Connect the company's Telegram bot (checked with Telegram first)",
                   request=TelegramBotSerializer, responses={200: TelegramBotSerializer})  # fmt: skip
    def put(self, request: Request, company_slug: str) -> Response:
        data = TelegramBotSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            telegram.bot_connect(self.company, data.validated_data["bot_token"])
        except telegram.BotSetupError as error:
            raise exceptions.ValidationError({"bot_token": [str(error)]}) from None
        return Response(TelegramBotSerializer(bot_state(self.company)).data)

    @extend_schema(summary="Remove the company's Telegram bot and the members' links", responses={204: None})
    def delete(self, request: Request, company_slug: str) -> Response:
        telegram.bot_disconnect(self.company)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TelegramLinkSerializer(serializers.Serializer[Any]):
    url = serializers.CharField(help_text="Open it in Telegram and press Start; valid for an hour, once.")
    linked = serializers.BooleanField()


class TelegramLinkView(CompanyScopedMixin, APIView):
    """The caller's own Telegram chat with the company's bot."""

    read_role = Role.VIEWER
    write_role = Role.VIEWER
    serializer_class = TelegramLinkSerializer

    @extend_schema(summary="A one-time deep link that links my Telegram chat", request=None,
                   responses={200: TelegramLinkSerializer})  # fmt: skip
    def post(self, request: Request, company_slug: str) -> Response:
        user = signed_in_user(request)
        try:
            url = telegram.link_start(self.company, user)
        except telegram.BotSetupError as error:
            raise exceptions.ValidationError({"company": [str(error)]}) from None
        return Response({"url": url, "linked": telegram.chat_for(self.company, user) is not None})

    @extend_schema(summary="Unlink my Telegram chat", responses={204: None})
    def delete(self, request: Request, company_slug: str) -> Response:
        TelegramChat.objects.filter(company=self.company, user=signed_in_user(request)).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class TelegramWebhookView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes: list[type] = []

    @extend_schema(
        summary="Updates from the company's Telegram bot (verified by the secret-token header)",
        request={"application/json": {"type": "object"}},
        responses={
            200: OpenApiResponse(description="Handled; the body may be a Bot API method (the reply)."),
            400: OpenApiResponse(description="Not an update."),
            403: OpenApiResponse(description="The secret-token header is missing or wrong."),
            404: OpenApiResponse(description="No such company, or it has no bot."),
        },
        auth=[],
        tags=["notifications"],
    )
    def post(self, request: Request, company_slug: str) -> Response:
        company = Company.objects.filter(slug=company_slug).first()
        if company is None:
            return error_response(status.HTTP_404_NOT_FOUND, "not_found", "No such bot.")
        with company_scope(company):
            bot = TelegramBot.objects.filter(company=company).first()
            if bot is None:
                return error_response(status.HTTP_404_NOT_FOUND, "not_found", "No such bot.")
            if not telegram.secret_matches(bot, request.headers.get(SECRET_HEADER, "")):
                log.warning("telegram.webhook_forbidden", company=company.pk)
                return error_response(status.HTTP_403_FORBIDDEN, "forbidden", "Wrong secret token.")
            body = request._request.body
            try:
                update = json.loads(body) if len(body) <= MAX_UPDATE_BYTES else None
            except ValueError:
                update = None
            if not isinstance(update, dict):
                return error_response(status.HTTP_400_BAD_REQUEST, "invalid", "Not a Telegram update.")
            reply = telegram.handle_update(company, update)
        return Response(reply or {})


class PushSubscriptionSerializer(serializers.Serializer[Any]):
    endpoint = serializers.URLField(max_length=1000)
    keys = serializers.DictField(child=serializers.CharField(max_length=200),
                                 help_text="The subscription's p256dh and auth keys (base64url).")  # fmt: skip


class PushSubscriptionView(APIView):
    """This browser's Web Push subscription (PushSubscription.toJSON() from the Push API)."""

    permission_classes = [IsSignedInPerson]
    serializer_class = PushSubscriptionSerializer

    @extend_schema(summary="Turn on browser notifications for this browser",
                   request=PushSubscriptionSerializer, responses={201: None})  # fmt: skip
    def post(self, request: Request) -> Response:
        data = PushSubscriptionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        keys = data.validated_data["keys"]
        try:
            webpush.subscribe(signed_in_user(request), endpoint=data.validated_data["endpoint"],
                              p256dh=keys.get("p256dh", ""), auth=keys.get("auth", ""),
                              user_agent=request.headers.get("User-Agent", ""))  # fmt: skip
        except DjangoValidationError as error:
            raise exceptions.ValidationError({"endpoint": error.messages}) from None
        return Response(status=status.HTTP_201_CREATED)

    @extend_schema(summary="Turn off browser notifications for this browser",
                   request=PushSubscriptionSerializer, responses={204: None})  # fmt: skip
    def delete(self, request: Request) -> Response:
        endpoint = request.data.get("endpoint") if isinstance(request.data, dict) else None
        if not isinstance(endpoint, str) or not endpoint:
            raise exceptions.ValidationError({"endpoint": ["This field is required."]})
        webpush.unsubscribe(signed_in_user(request), endpoint)
        return Response(status=status.HTTP_204_NO_CONTENT)
