"""OpenAPI additions: the shared ErrorResponse component on every operation."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django_scopes import scopes_disabled
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.generators import SchemaGenerator

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "The body of every error response (4xx and 5xx).",
    "required": ["status", "code", "message", "errors", "request_id"],
    "properties": {
        "status": {"type": "integer", "example": 404},
        "code": {"type": "string", "example": "not_found"},
        "message": {"type": "string", "example": "Not found."},
        "errors": {
            "type": "object",
            "description": "Field name → list of messages (validation errors only).",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "request_id": {"type": "string", "description": "Also sent as X-Request-ID."},
        "retry_after": {"type": "integer", "description": "Seconds to wait (429 only)."},
    },
}

_STANDARD_ERRORS = {
    "400": "Invalid input.",
    "401": "Authentication is missing or invalid.",
    "403": "Your role does not allow this.",
    "404": "Not found (or in a company you are not a member of).",
    "429": "Too many requests.",
    "500": "Server error.",
    "503": "Briefly unavailable (the database dropped or refused the connection): retry after Retry-After.",
}


# Statuses an operation answers that its view does not declare (views another change owns):
# documented here so the schema tells the whole truth (test_schema_fuzz.py checks it).
_ALSO_ANSWERS: dict[tuple[str, str], dict[str, str]] = {
    ("/api/v1/auth/verify-email/resend/", "post"): {
        "200": "The address is already confirmed: nothing is sent."
    },
}


def _also_answers(path: str, method: str, operation: dict[str, Any]) -> None:
    for code, description in _ALSO_ANSWERS.get((path, method), {}).items():
        like = operation["responses"].get("202") or next(iter(operation["responses"].values()))
        operation["responses"].setdefault(code, {**like, "description": description})


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular post-processing hook: document the error body on every operation."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorResponse"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/ErrorResponse"}
    for path, path_item in result.get("paths", {}).items():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            _also_answers(path, method, operation)
            if "requestBody" in operation:  # a body in a type the operation does not parse
                operation["responses"].setdefault(
                    "415",
                    {
                        "description": "Unsupported media type.",
                        "content": {"application/json": {"schema": ref}},
                    },
                )
            for code, description in _STANDARD_ERRORS.items():
                if code in ("401", "403") and operation.get("security") == []:
                    continue  # a public operation has no authentication and no roles
                operation["responses"].setdefault(
                    code,
                    {"description": description, "content": {"application/json": {"schema": ref}}},
                )
            # Errors an operation documents itself (409, 410, 413...) carry the same body.
            for code, response in operation["responses"].items():
                if str(code)[0] in "45" and "content" not in response:
                    response["content"] = {"application/json": {"schema": ref}}
    return result


class ScopeFreeSchemaGenerator(SchemaGenerator):
    """Builds the OpenAPI document (view, `spectacular` command and deploy check alike).
    It introspects tenant models without reading rows, so the tenant guard is off."""

    def get_schema(self, request: Any = None, public: bool = False) -> Any:
        with scopes_disabled():
            return super().get_schema(request=request, public=public)


def _blank_allowed(field: Any) -> bool:
    """Whether an e-mail field may hold "" — said by the field, or, for read-only fields
    (which DRF builds without it), by the model field behind it."""
    if getattr(field, "allow_blank", False):
        return True
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not isinstance(field.source, str) or "." in field.source:
        return False
    try:
        return bool(model._meta.get_field(field.source).blank)
    except FieldDoesNotExist:
        return False


class BlankableEmailField(OpenApiSerializerFieldExtension):
    """An optional e-mail (contact_email, customer_email) is "" when none is given, which
    `format: email` alone forbids: the schema says either."""

    target_class = "rest_framework.fields.EmailField"
    match_subclasses = True
    string_format = "email"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if not _blank_allowed(self.target) or schema.get("format") != self.string_format:
            return schema
        schema.pop("format")
        schema.pop("type", None)
        schema["anyOf"] = [
            {"type": "string", "format": self.string_format},
            {"type": "string", "maxLength": 0},
        ]
        return schema


class BlankableUrlField(BlankableEmailField):
    """An optional link (a company's terms_url) is "" when none is given: uri or ""."""

    target_class = "rest_framework.fields.URLField"
    string_format = "uri"
