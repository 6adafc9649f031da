"""The public viewer API in the OpenAPI document, under its own tag.

The viewer views are plain Django views (the hot path has no DRF in it), so
drf-spectacular cannot see them: this post-processing hook adds them, written from the
frozen contract (../shared/docs/VIEWER_API.md). A test checks these schemas against the
contract the strict client decoders use and against real answers, so the two cannot drift.
"""

from __future__ import annotations

from typing import Any

from arcontent import scene
from arcontent.viewer.events import SESSION_EVENTS
from arcontent.viewer.sessions import TEXT_FIELDS

TAG = "Viewer API"
SOURCES = ["date_rule", "schedule", "rotation_rule", "active_default", "rotation", "fallback"]
REASONS = [
    "invalid_unique_id",
    "not_found",
    "subscription_expired",
    "content_not_active",
    "marker_image_not_available",
    "marker_still_generating",
    "no_playable_video",
]

_STRING: dict[str, Any] = {"type": "string"}
_URL: dict[str, Any] = {"type": "string", "format": "uri"}
_NULL_STRING: dict[str, Any] = {"type": "string", "nullable": True}
_NULL_URL: dict[str, Any] = {"type": "string", "format": "uri", "nullable": True}
_NULL_INT: dict[str, Any] = {"type": "integer", "nullable": True}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


VIDEO_FIELDS: dict[str, Any] = {
    "id": {"type": "integer"},
    "title": _STRING,
    # "" while the video has no playable file (the viewer then shows the photo alone).
    "video_url": {"anyOf": [_URL, {"type": "string", "maxLength": 0}]},
    "thumbnail_url": _NULL_URL,
    "duration": {**_NULL_INT, "description": "Seconds."},
    "width": _NULL_INT,
    "height": _NULL_INT,
    "mime_type": _NULL_STRING,
    "selection_source": {"type": "string", "enum": [*SOURCES, None], "nullable": True,
                         "description": "Which rule chose the video."},
    "schedule_id": _NULL_INT,
    "expires_in_days": _NULL_INT,
    "selected_at": {"type": "string", "format": "date-time", "nullable": True},
}  # fmt: skip

SCENE_FIELDS: dict[str, Any] = {
    "fit": {"type": "string", "enum": list(scene.FITS),
            "description": "How the video fills its box: cropped (cover), whole (contain) or stretched."},
    "scale": {"type": "number", "minimum": scene.MIN_SCALE, "maximum": scene.MAX_SCALE,
              "description": "The box's size as a multiple of the print's."},
    "offset_x": {"type": "number", "minimum": -scene.MAX_OFFSET, "maximum": scene.MAX_OFFSET,
                 "description": "The box's centre from the print's, in print widths (positive: right)."},
    "offset_y": {"type": "number", "minimum": -scene.MAX_OFFSET, "maximum": scene.MAX_OFFSET,
                 "description": "The box's centre from the print's, in print heights (positive: up)."},
    "corner_radius": {"type": "number", "minimum": 0, "maximum": scene.MAX_CORNER_RADIUS,
                      "description": "In fractions of the video's shorter side."},
    "chroma_key_enabled": {"type": "boolean"},
    "chroma_key_color": {"type": "string", "pattern": "^#[0-9a-f]{6}$"},
    "chroma_key_tolerance": {"type": "number", "minimum": 0, "maximum": 1},
    "loop": {"type": "boolean", "description": "Loop, or stop on the last frame."},
    "sound_on": {"type": "boolean", "description": "Sound on by default."},
    "fade_in_ms": {"type": "integer", "minimum": 0, "maximum": scene.MAX_FADE_IN_MS},
    "before_ready": {"type": "string", "enum": list(scene.BEFORE_READY),
                     "description": "What the plane shows until the video plays."},
    "overlay_url": {**_NULL_URL, "description": "A PNG frame, the print's size, drawn above the video."},
}  # fmt: skip

SCHEMAS: dict[str, Any] = {
    "ViewerScene": {
        "type": "object",
        "description": "How the video sits on the print (additive). Every field is always present.",
        "required": list(SCENE_FIELDS),
        "properties": SCENE_FIELDS,
    },
    "ViewerVideo": {
        "type": "object",
        "description": "The video to play. Every field is always present; the nullable ones may be null.",
        "required": list(VIDEO_FIELDS),
        "properties": VIDEO_FIELDS,
    },
    "ViewerActiveVideo": {
        "allOf": [
            _ref("ViewerVideo"),
            {
                "type": "object",
                "properties": {
                    "preview_url": _NULL_URL,
                    "is_active": {"type": "boolean"},
                    "rotation_type": _STRING,
                    "subscription_end": {"type": "string", "format": "date-time"},
                    "video_created_at": {"type": "string", "format": "date-time"},
                    "scene": _ref("ViewerScene"),
                },
            },
        ]
    },
    "ViewerCompany": {
        "type": "object",
        "required": ["name", "logo_url", "brand_color"],
        "properties": {"name": _STRING, "logo_url": _NULL_URL, "brand_color": _NULL_STRING},
    },
    "ViewerManifest": {
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
            "manifest_version": {"type": "string", "enum": ["1"]},
            "unique_id": _STRING,
            "order_number": _STRING,
            "marker_image_url": {**_URL, "description": "The tracking image (about 1024 px)."},
            "photo_url": {**_URL, "description": "The original photo."},
            "video": _ref("ViewerVideo"),
            "expires_at": {"type": "string", "format": "date-time"},
            "status": {"type": "string", "enum": ["active"]},
            "marker_width_m": {"type": "number", "description": "Physical print width in metres (additive)."},
            "company": _ref("ViewerCompany"),
            "web_target_url": {**_NULL_URL, "description": "The compiled web AR target, when present."},
            "scene": _ref("ViewerScene"),
        },
    },
    "ViewerCheck": {
        "type": "object",
        "required": ["content_available"],
        "properties": {
            "content_available": {"type": "boolean"},
            "reason": {"type": "string", "enum": REASONS, "description": "Only when not available."},
        },
    },
    "ViewerDemoList": {
        "type": "object",
        "required": ["demos"],
        "properties": {
            "demos": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["unique_id", "title", "marker_image_url"],
                    "properties": {
                        "unique_id": {"type": "string", "enum": [f"demo_{n}" for n in range(1, 6)]},
                        "title": _STRING,
                        "marker_image_url": _NULL_URL,
                    },
                },
            }
        },
    },
    "ViewerSessionReport": {
        "type": "object",
        "required": ["session_id", "event"],
        "properties": {
            "session_id": {"type": "string", "format": "uuid", "description": "Made by the client."},
            "event": {"type": "string", "enum": sorted(SESSION_EVENTS)},
            "duration_seconds": {"type": "number", "minimum": 0, "maximum": 86400},
            "video_id": {"type": "integer", "minimum": 1},
            "video_played": {"type": "boolean"},
            "position_seconds": {
                "type": "number",
                "minimum": 0,
                "maximum": 86400,
                "description": "Additive: the furthest point of the video reached, in seconds "
                "(its length once it ended or looped). Feeds the per-video figures.",
            },
            **{name: {"type": "string", "maxLength": limit} for name, limit in TEXT_FIELDS.items()},
        },
    },
    "ViewerError": {
        "allOf": [
            _ref("ErrorResponse"),
            {"type": "object", "properties": {"reason": {"type": "string", "enum": REASONS}}},
        ],
        "description": "The error body, with the same `reason` code as `check` where one applies.",
    },
}

_UID = {
    "name": "uid",
    "in": "path",
    "required": True,
    "description": "The content's unique_id (a UUID) or a demo id, demo_1 … demo_5.",
    "schema": {"type": "string"},
}


def _json(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


_REFUSED = {
    "403": _json("The hosting term is over (reason subscription_expired).", "ViewerError"),
    "404": _json("Unknown or malformed id (reason not_found or invalid_unique_id).", "ViewerError"),
    "409": _json("Not published, marker not ready or no playable video (see reason).", "ViewerError"),
    "429": _json("Too many requests from this address; Retry-After says when to come back.", "ViewerError"),
}


def _get(
    operation_id: str, summary: str, description: str, ok: dict[str, Any], *, errors: bool = True
) -> dict[str, Any]:
    return {
        "get": {
            "operationId": operation_id,
            "tags": [TAG],
            "summary": summary,
            "description": description,
            "security": [],
            "parameters": [_UID],
            "responses": {"200": ok, **(_REFUSED if errors else {"429": _REFUSED["429"]})},
        }
    }


PATHS: dict[str, Any] = {
    "/api/viewer/ar/{uid}/check": _get(
        "viewer_check",
        "Is the content available?",
        "Availability probe: never counts a view and always answers 200 (except when throttled).",
        _json("Available, or not with the reason.", "ViewerCheck"),
        errors=False,
    ),
    "/api/viewer/ar/{uid}/manifest": _get(
        "viewer_manifest",
        "What to track and what to play",
        "The main payload; a GET counts one view. Sent with ETag and a short Cache-Control.",
        _json("The manifest.", "ViewerManifest"),
    ),
    "/api/viewer/ar/{uid}/active-video": _get(
        "viewer_active_video",
        "The video that plays now",
        "The manifest's video object with a few extra fields; never counts a view.",
        _json("The video.", "ViewerActiveVideo"),
    ),
    "/api/viewer/ar/{uid}/sessions": {
        "post": {
            "operationId": "viewer_session_report",
            "tags": [TAG],
            "summary": "Report a viewing session",
            "description": "Idempotent per (session_id, event); answers 202 at once.",
            "security": [],
            "parameters": [_UID],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("ViewerSessionReport")}},
            },
            "responses": {
                "202": {
                    "description": "Accepted.",
                    "content": {
                        "application/json": {
                            "schema": {"type": "object", "properties": {"accepted": {"type": "boolean"}}}
                        }
                    },
                },
                "400": _json("The body is not a valid report (errors name the fields).", "ViewerError"),
                "404": _REFUSED["404"],
                "429": _REFUSED["429"],
            },
        }
    },
    "/api/viewer/demo/list": {
        "get": {
            "operationId": "viewer_demo_list",
            "tags": [TAG],
            "summary": "The demo contents",
            "security": [],
            "responses": {"200": _json("The five demos.", "ViewerDemoList"), "429": _REFUSED["429"]},
        }
    },
}


def add_viewer_api(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular post-processing hook: the viewer paths, schemas and tag."""
    result.setdefault("paths", {}).update(PATHS)
    result.setdefault("components", {}).setdefault("schemas", {}).update(SCHEMAS)
    tags = result.setdefault("tags", [])
    if not any(tag.get("name") == TAG for tag in tags):
        tags.append({
            "name": TAG,
            "description": "Public, no authentication: what the AR viewer apps and the web viewer call. "
                           "A frozen contract: fields are only ever added.",
        })  # fmt: skip
    return result
