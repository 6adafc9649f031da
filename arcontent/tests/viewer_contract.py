"""JSON schemas of the viewer API, written from docs (../shared/docs/VIEWER_API.md) alone:
what a strict client decoder requires. Non-null fields must be present with their type;
nullable ones must be present too (decoders declare them), but may be null. Extra fields
are allowed (clients ignore unknown fields)."""

from __future__ import annotations

from typing import Any

import jsonschema

STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_INT = {"type": ["integer", "null"]}
SOURCES = ["date_rule", "schedule", "rotation_rule", "active_default", "rotation", "fallback", None]
REASONS = [
    "invalid_unique_id",
    "not_found",
    "subscription_expired",
    "content_not_active",
    "marker_image_not_available",
    "marker_still_generating",
    "no_playable_video",
]

VIDEO: dict[str, Any] = {
    "type": "object",
    "required": [
        "id",
        "title",
        "video_url",
        "thumbnail_url",
        "duration",
        "width",
        "height",
        "mime_type",
        "selection_source",
        "schedule_id",
        "expires_in_days",
        "selected_at",
    ],
    "properties": {
        "id": {"type": "integer"},
        "title": STRING,
        "video_url": {"type": "string", "pattern": "^https?://"},
        "thumbnail_url": {"type": ["string", "null"], "pattern": "^https?://"},
        "duration": NULLABLE_INT,
        "width": NULLABLE_INT,
        "height": NULLABLE_INT,
        "mime_type": NULLABLE_STRING,
        "selection_source": {"enum": SOURCES},
        "schedule_id": NULLABLE_INT,
        "expires_in_days": NULLABLE_INT,
        "selected_at": {"type": ["string", "null"], "format": "date-time"},
    },
}

# Additive (issue 15): not in the frozen contract, so not required at the top; when present
# it is whole, so a client that reads it can rely on every field.
SCENE: dict[str, Any] = {
    "type": "object",
    "required": [
        "fit", "scale", "offset_x", "offset_y", "corner_radius", "chroma_key_enabled",
        "chroma_key_color", "chroma_key_tolerance", "loop", "sound_on", "fade_in_ms",
        "before_ready", "overlay_url",
    ],
    "properties": {
        "fit": {"enum": ["cover", "contain", "stretch"]},
        "scale": {"type": "number", "minimum": 0.1, "maximum": 3},
        "offset_x": {"type": "number", "minimum": -0.5, "maximum": 0.5},
        "offset_y": {"type": "number", "minimum": -0.5, "maximum": 0.5},
        "corner_radius": {"type": "number", "minimum": 0, "maximum": 0.5},
        "chroma_key_enabled": {"type": "boolean"},
        "chroma_key_color": {"type": "string", "pattern": "^#[0-9a-f]{6}$"},
        "chroma_key_tolerance": {"type": "number", "minimum": 0, "maximum": 1},
        "loop": {"type": "boolean"},
        "sound_on": {"type": "boolean"},
        "fade_in_ms": {"type": "integer", "minimum": 0, "maximum": 5000},
        "before_ready": {"enum": ["poster", "nothing"]},
        "overlay_url": {"type": ["string", "null"], "pattern": "^https?://"},
    },
    "additionalProperties": False,
}  # fmt: skip

CHECK = {
    "type": "object",
    "required": ["content_available"],
    "properties": {"content_available": {"type": "boolean"}, "reason": {"enum": REASONS}},
    "if": {"properties": {"content_available": {"const": False}}},
    "then": {"required": ["content_available", "reason"]},
}

MANIFEST = {
    "type": "object",
    "required": [
        "manifest_version",
        "unique_id",
        "order_number",
        "marker_image_url",
        "photo_url",
        "video",
        "expires_at",
        "status",
    ],
    "properties": {
        "manifest_version": {"const": "1"},
        "unique_id": STRING,
        "order_number": STRING,
        "marker_image_url": {"type": "string", "pattern": "^https?://"},
        "photo_url": {"type": "string", "pattern": "^https?://"},
        "video": VIDEO,
        "expires_at": {"type": "string", "format": "date-time"},
        "status": {"const": "active"},
        "marker_width_m": {"type": "number", "exclusiveMinimum": 0},
        "company": {
            "type": "object",
            "required": ["name", "logo_url", "brand_color"],
            "properties": {"name": STRING, "logo_url": NULLABLE_STRING, "brand_color": NULLABLE_STRING},
        },
        "web_target_url": NULLABLE_STRING,
        "scene": SCENE,
    },
}

ACTIVE_VIDEO = {
    **VIDEO,
    "properties": {
        **VIDEO["properties"],
        "preview_url": NULLABLE_STRING,
        "is_active": {"type": "boolean"},
        "rotation_type": STRING,
        "subscription_end": STRING,
        "video_created_at": STRING,
        "scene": SCENE,
    },
}

DEMO_LIST = {
    "type": "object",
    "required": ["demos"],
    "properties": {
        "demos": {
            "type": "array",
            "minItems": 5,
            "maxItems": 5,
            "items": {
                "type": "object",
                "required": ["unique_id", "title", "marker_image_url"],
                "properties": {
                    "unique_id": {"enum": ["demo_1", "demo_2", "demo_3", "demo_4", "demo_5"]},
                    "title": STRING,
                    "marker_image_url": {"type": ["string", "null"], "pattern": "^https?://"},
                },
            },
        }
    },
}

ERROR = {
    "type": "object",
    "required": ["status", "code", "message", "errors", "request_id"],
    "properties": {
        "status": {"type": "integer"},
        "code": STRING,
        "message": STRING,
        "errors": {"type": "object"},
        "request_id": STRING,
        "reason": {"enum": REASONS},
    },
}


def validate(instance: Any, schema: dict[str, Any]) -> None:
    jsonschema.validate(instance, schema, format_checker=jsonschema.FormatChecker())
