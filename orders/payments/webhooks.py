"""``POST /api/v1/payments/webhooks/<provider>/``: a provider's notification. Nothing in
the body is believed: YooKassa's must come from its published addresses, and the payment
is re-read from the provider before anything changes (services.notification_handle)."""

from __future__ import annotations

import json

import structlog
from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from arcontent.viewer.clientip import address_in, client_ip
from arvlite.core.api.errors import error_response
from orders.payments.models import Provider
from orders.payments.providers.base import ProviderError, ProviderUnavailableError
from orders.payments.providers.yookassa import parse_notification
from orders.payments.services import notification_handle

log = structlog.get_logger(__name__)
MAX_BODY_BYTES = 64 * 1024


def from_yookassa(address: str) -> bool:
    return address_in(address, settings.YOOKASSA_NOTIFICATION_SOURCES)


class PaymentWebhookView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes: list[type] = []

    @extend_schema(
        summary="A payment provider's notification (verified by re-reading the payment)",
        request={"application/json": {"type": "object"}},
        responses={
            200: OpenApiResponse(description="Handled, or an unknown payment (so the provider stops)."),
            400: OpenApiResponse(description="Not a notification we use."),
            403: OpenApiResponse(description="Not from the provider's addresses."),
            503: OpenApiResponse(description="The provider could not confirm it now: it sends it again."),
        },
        auth=[],
        tags=["payments"],
    )
    def post(self, request: Request, provider: str) -> Response:
        if provider not in (Provider.YOOKASSA, Provider.SANDBOX):
            return error_response(status.HTTP_404_NOT_FOUND, "not_found", "Unknown payment provider.")
        if provider == Provider.SANDBOX and not settings.PAYMENT_SANDBOX:
            return error_response(status.HTTP_404_NOT_FOUND, "not_found", "Unknown payment provider.")
        address = client_ip(request._request)
        if provider == Provider.YOOKASSA and not from_yookassa(address):
            log.warning("payment.notification_forbidden_source", address=address)
            return error_response(
                status.HTTP_403_FORBIDDEN, "forbidden", "Notifications are accepted from the provider only."
            )
        body = request._request.body
        if len(body) > MAX_BODY_BYTES:
            return error_response(status.HTTP_400_BAD_REQUEST, "invalid", "The notification is too large.")
        try:
            payload = json.loads(body)
            notification = parse_notification(payload)
        except ValueError as error:
            return error_response(status.HTTP_400_BAD_REQUEST, "invalid", str(error) or "Not JSON.")
        try:
            outcome = notification_handle(provider=provider, notification=notification, payload=payload)
        except ProviderUnavailableError as error:
            log.warning("payment.notification_unconfirmed", error=str(error))
            return error_response(status.HTTP_503_SERVICE_UNAVAILABLE, "provider_unavailable", "The provider could not be asked; send it again.")  # fmt: skip
        except ProviderError as error:
            log.warning("payment.notification_refused", error=str(error))
            return error_response(
                status.HTTP_502_BAD_GATEWAY, "provider_error", "The provider did not confirm this payment."
            )
        return Response({"outcome": outcome})
