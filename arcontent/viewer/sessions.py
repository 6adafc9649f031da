"""The body of a session report (POST /api/viewer/ar/{uid}/sessions), checked field by field.

Idempotent per (session_id, event): the flush merges a session's events, keeping the
longest duration and "played" once seen, so a repeated event changes nothing.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from arcontent.viewer.events import MAX_DURATION_SECONDS, SESSION_EVENTS, SessionReport

MAX_BODY_BYTES = 4096
TEXT_FIELDS = {"device_model": 80, "os": 40, "app_version": 40, "tracking_quality": 20}


class SessionReportError(Exception):
    def __init__(self, code: str, message: str, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.errors = code, message, errors or {}


def parse_session_report(request: HttpRequest, *, video_ids: Collection[int]) -> SessionReport:
    """The report in ``request``; its ``video_id``, when given, must be one of ``video_ids``
    (the content's playable videos), never another content's or company's."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit() or int(declared) > MAX_BODY_BYTES:
        raise SessionReportError("parse_error", _("The body must be JSON of at most 4 KB."))
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as error:
        raise SessionReportError("parse_error", _("The body is not valid JSON.")) from error
    if not isinstance(body, dict):
        raise SessionReportError("parse_error", _("The body must be a JSON object."))
    return _validate(body, video_ids)


def _validate(body: dict[str, Any], video_ids: Collection[int]) -> SessionReport:
    errors: dict[str, list[str]] = {}
    report: dict[str, Any] = {}
    try:
        report["session_id"] = str(uuid.UUID(str(body.get("session_id", ""))))
    except ValueError:
        errors["session_id"] = [_("A UUID is required.")]
    event = body.get("event")
    if event not in SESSION_EVENTS:
        errors["event"] = [_("One of: start, heartbeat, end.")]
    report["event"] = event
    duration = body.get("duration_seconds")
    if duration is not None:
        if (
            isinstance(duration, bool)
            or not isinstance(duration, int | float)
            or not 0 <= duration <= MAX_DURATION_SECONDS
        ):
            errors["duration_seconds"] = [_("A number of seconds from 0 to 86400.")]
        else:
            report["duration_seconds"] = int(duration)
    video_id = body.get("video_id")
    if video_id is not None:
        if isinstance(video_id, bool) or not isinstance(video_id, int) or video_id < 1:
            errors["video_id"] = [_("A positive whole number.")]
        elif video_id not in video_ids:
            errors["video_id"] = [_("Not a video of this content.")]
        else:
            report["video_id"] = video_id
    position = body.get("position_seconds")
    if position is not None:
        if (
            isinstance(position, bool)
            or not isinstance(position, int | float)
            or not 0 <= position <= MAX_DURATION_SECONDS
        ):
            errors["position_seconds"] = [_("A number of seconds from 0 to 86400.")]
        else:
            report["position_seconds"] = int(position)
    played = body.get("video_played")
    if played is not None:
        if not isinstance(played, bool):
            errors["video_played"] = [_("true or false.")]
        else:
            report["video_played"] = played
    for field, limit in TEXT_FIELDS.items():
        value = body.get(field)
        if value is None:
            continue
        if not isinstance(value, str) or len(value) > limit:
            errors[field] = [_("Text of at most %(limit)d characters.") % {"limit": limit}]
        else:
            report[field] = value.strip()
    if errors:
        raise SessionReportError(
            "validation_error",
            "The request has invalid fields: " + ", ".join(sorted(errors)) + ".",
            errors,
        )
    return SessionReport(**report)
