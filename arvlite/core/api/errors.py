"""One error body for every API error (documented in docs/API.md):

    {"status": 404, "code": "not_found", "message": "Not found.",
     "errors": {}, "request_id": "3f2b…"}

``errors`` maps field names to lists of messages for validation errors ("non_field_errors"
for errors about the whole request) and is empty otherwise.
"""

from __future__ import annotations

from typing import Any

import structlog
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler, set_rollback

from arvlite.core.logging import current_request_id
from arvlite.core.outages import Outage, outage_of

logger = structlog.get_logger(__name__)

SERVER_ERROR_MESSAGE = "Something went wrong on our side. The error has been logged."


def error_body(
    *, status_code: int, code: str, message: str, errors: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "status": status_code,
        "code": code,
        "message": message,
        "errors": errors or {},
        "request_id": current_request_id() or "",
    }


def error_response(status_code: int, code: str, message: str) -> Response:
    """The documented error body, for views that answer an error themselves (webhooks)."""
    return Response(error_body(status_code=status_code, code=code, message=message), status=status_code)


def _as_drf_exception(exc: Exception) -> Exception:
    """Services raise Django's exceptions; give them their API meaning."""
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    return exc


def _messages(value: Any, where: str = "") -> list[str]:
    """A field's errors as the documented flat list of messages. DRF nests them for list
    items ({"0": [...]}) and nested objects ({"city": [...]}); each message then says where
    ("item 1: ...", "city: ..."). Message strings keep their code (ErrorDetail)."""
    if isinstance(value, dict):
        found: list[str] = []
        for key, inner in value.items():
            place = f"item {int(key) + 1}" if str(key).isdigit() else str(key)
            found += _messages(inner, f"{where}{place}: ")
        return found
    if isinstance(value, list):
        found = []
        for index, inner in enumerate(value):
            if isinstance(inner, dict | list):  # a list of per-item errors (ListField of objects)
                found += _messages(inner, f"{where}item {index + 1}: ") if inner else []
            else:
                found.append(f"{where}{inner}" if where else inner)
        return found
    return [f"{where}{value}" if where else value]


def _validation_message(errors: dict[str, Any]) -> str:
    non_field = errors.get("non_field_errors")
    if isinstance(non_field, list) and len(errors) == 1 and non_field:
        return str(non_field[0])
    return "The request has invalid fields: " + ", ".join(sorted(errors)) + "."


def _answer_in_json(context: dict[str, Any]) -> None:
    """Errors are JSON whatever the view renders on success: a file download (its renderer
    passes the body through) or a CSV export would otherwise render the error dict in its
    own format — as did a download asked for with an unknown ?format=."""
    request = context.get("request")
    if request is not None:
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF EXCEPTION_HANDLER: every exception becomes the documented error body."""
    exc = _as_drf_exception(exc)
    _answer_in_json(context)
    response = exception_handler(exc, context)
    outage = outage_of(exc) if response is None else None
    if outage is not None:
        set_rollback()
        logger.warning("dependency unavailable", code=outage.code, error=repr(exc)[:300])
        return outage_response(outage)
    if response is None:
        set_rollback()
        logger.exception("unhandled API error", exc_info=exc)
        _report_to_sentry(exc)
        return Response(
            error_body(status_code=500, code="server_error", message=SERVER_ERROR_MESSAGE),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )

    assert isinstance(exc, exceptions.APIException)
    if isinstance(exc, exceptions.ValidationError):
        nested = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        detail = {str(field): _messages(value) for field, value in nested.items()}
        response.data = error_body(
            status_code=response.status_code,
            code="validation_error",
            message=_validation_message(detail),
            errors=detail,
        )
        return response

    code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
    body = error_body(status_code=response.status_code, code=str(code), message=str(exc.detail))
    wait = getattr(exc, "wait", None)  # DRF sets Throttled.wait; its stubs leave it out
    if isinstance(exc, exceptions.Throttled) and wait is not None:
        body["retry_after"] = int(wait)
    response.data = body
    return response


def outage_response(outage: Outage) -> Response:
    body = error_body(status_code=503, code=outage.code, message=outage.message())
    response = Response(body, status=status.HTTP_503_SERVICE_UNAVAILABLE)
    response["Retry-After"] = str(outage.retry_after)
    return response


def _report_to_sentry(exc: Exception) -> None:
    # The exception is handled here, so Sentry's Django integration would not see it.
    try:
        import sentry_sdk
    except ImportError:  # pragma: no cover - sentry-sdk is a requirement
        return
    sentry_sdk.capture_exception(exc)
