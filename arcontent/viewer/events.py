"""The viewer's event contract: what the hot path buffers in Redis and the flush writes.

One Redis list (`events_key()`) holds JSON objects, one per event, in a compact wire form
with short keys. Common to both kinds:

    k   "view" | "session"          c   content id       co  company id
    p   project id                  ts  unix seconds (float, ms precision)
    vh  visitor hash                ua  User-Agent       cc  country code

A view adds `cp` (printed copy), `sid` (client session id or ""), `src` ("app", "web" or
""), `v` (the video chosen, or null) and `ss` (the rule that chose it, or ""; issue 15). A session event adds the report's own fields under
their long names: `session_id`, `event`, and — only when reported — `duration_seconds`,
`video_id`, `video_played`, `position_seconds`, `device_model`, `os`, `app_version`,
`tracking_quality`.

The wire form is the one earlier releases wrote, so a deploy flushes what the previous
release buffered (and a previous release's flush reads what this one buffers). `decode`
refuses whatever does not fit the contract with `MalformedEventError`; unknown extra keys are
ignored, so a later release can add fields.
"""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import dataclass
from typing import Any, TypeGuard

from arvlite.core import redis as shared_redis

EVENTS_KEY = "viewer:events"
VIEW = "view"
SESSION = "session"
SESSION_EVENTS = ("start", "heartbeat", "end")
MAX_DURATION_SECONDS = 24 * 3600
SESSION_TEXT_FIELDS = ("device_model", "os", "app_version", "tracking_quality")
_MAX_ID = 2**63 - 1  # PostgreSQL bigint
_MAX_TS = 253402300799  # 9999-12-31: datetime.fromtimestamp() takes anything below
# One encoder for every event: json.dumps(..., separators=...) builds a new one per call.
_ENCODER = json.JSONEncoder(separators=(",", ":"))


def events_key() -> str:
    return shared_redis.key(EVENTS_KEY)


@dataclass(slots=True)
class ViewEvent:
    """One counted scan (a manifest GET). Not frozen: it is built on every scan, and a
    frozen dataclass's __init__ (object.__setattr__ per field) costs about three times as much."""

    content_id: int
    company_id: int
    project_id: int
    at: float  # unix seconds
    visitor_hash: str = ""
    user_agent: str = ""
    country: str = ""
    copy: str = ""
    session_id: str = ""  # the client's session UUID from `?sid=`, or ""
    source: str = ""  # "app", "web" or "" (then guessed from the User-Agent)
    video_id: int | None = None
    selection_source: str = ""  # the rule that chose the video (videos.selection), or ""


@dataclass(frozen=True, slots=True)
class SessionReport:
    """What an app or the web page reports about a session; None = not reported."""

    session_id: str  # canonical UUID
    event: str  # one of SESSION_EVENTS
    duration_seconds: int | None = None
    video_id: int | None = None
    video_played: bool | None = None
    position_seconds: int | None = None  # the furthest point of the video reached
    device_model: str | None = None
    os: str | None = None
    app_version: str | None = None
    tracking_quality: str | None = None


@dataclass(slots=True)
class SessionEvent:
    content_id: int
    company_id: int
    project_id: int
    at: float
    report: SessionReport
    visitor_hash: str = ""
    user_agent: str = ""
    country: str = ""


Event = ViewEvent | SessionEvent


class MalformedEventError(ValueError):
    """A buffered entry that does not fit the contract (the flush drops and counts it)."""


def encode(event: Event) -> str:
    if type(event) is ViewEvent:
        view = {
            "k": VIEW,
            "c": event.content_id,
            "co": event.company_id,
            "p": event.project_id,
            "ts": event.at,
            "vh": event.visitor_hash,
            "ua": event.user_agent,
            "cc": event.country,
            "cp": event.copy,
            "sid": event.session_id,
            "src": event.source,
            "v": event.video_id,
        }
        # Added later: off the wire when empty, so an older release's flush reads the rest as before.
        if event.selection_source:
            view["ss"] = event.selection_source
        return _ENCODER.encode(view)
    assert isinstance(event, SessionEvent)
    report = event.report
    wire: dict[str, Any] = {
        "k": SESSION,
        "c": event.content_id,
        "co": event.company_id,
        "p": event.project_id,
        "ts": event.at,
        "vh": event.visitor_hash,
        "ua": event.user_agent,
        "cc": event.country,
        "session_id": report.session_id,
        "event": report.event,
    }
    # What was not reported stays off the wire, as it always has (no loop: cheaper).
    if report.duration_seconds is not None:
        wire["duration_seconds"] = report.duration_seconds
    if report.video_id is not None:
        wire["video_id"] = report.video_id
    if report.video_played is not None:
        wire["video_played"] = report.video_played
    if report.position_seconds is not None:
        wire["position_seconds"] = report.position_seconds
    if report.device_model is not None:
        wire["device_model"] = report.device_model
    if report.os is not None:
        wire["os"] = report.os
    if report.app_version is not None:
        wire["app_version"] = report.app_version
    if report.tracking_quality is not None:
        wire["tracking_quality"] = report.tracking_quality
    return _ENCODER.encode(wire)


def _shared_fields(wire: dict[str, Any]) -> dict[str, Any]:
    """The fields both kinds of event carry, checked."""
    return {
        "content_id": _id(wire, "c"),
        "company_id": _id(wire, "co"),
        "project_id": _id(wire, "p"),
        "at": _timestamp(wire),
        "visitor_hash": _text(wire, "vh"),
        "user_agent": _text(wire, "ua"),
        "country": _text(wire, "cc"),
    }


def decode(raw: bytes | str) -> Event:
    """The event in `raw`, or MalformedEventError saying what is wrong with it."""
    try:
        wire = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise MalformedEventError("not JSON") from error
    if not isinstance(wire, dict):
        raise MalformedEventError("not a JSON object")
    kind = wire.get("k")
    if kind == VIEW:
        return ViewEvent(
            **_shared_fields(wire),
            copy=_text(wire, "cp"),
            session_id=_text(wire, "sid"),
            source=_text(wire, "src"),
            video_id=_optional_id(wire, "v"),
            selection_source=_text(wire, "ss")[:20],
        )
    if kind == SESSION:
        return SessionEvent(
            **_shared_fields(wire),
            report=_report(wire),
        )
    raise MalformedEventError(f"unknown kind {kind!r}")


def _report(wire: dict[str, Any]) -> SessionReport:
    session_id = wire.get("session_id")
    try:
        session_id = str(uuid.UUID(session_id)) if isinstance(session_id, str) else None
    except ValueError:
        session_id = None
    if session_id is None:
        raise MalformedEventError("session_id is not a UUID")
    if wire.get("event") not in SESSION_EVENTS:
        raise MalformedEventError("event is not start, heartbeat or end")
    duration = wire.get("duration_seconds")
    if duration is not None and not (_is_int(duration) and 0 <= duration <= MAX_DURATION_SECONDS):
        raise MalformedEventError("duration_seconds is out of range")
    position = wire.get("position_seconds")
    if position is not None and not (_is_int(position) and 0 <= position <= MAX_DURATION_SECONDS):
        raise MalformedEventError("position_seconds is out of range")
    played = wire.get("video_played")
    if played is not None and not isinstance(played, bool):
        raise MalformedEventError("video_played is not a boolean")
    texts = {name: wire.get(name) for name in SESSION_TEXT_FIELDS}
    if any(value is not None and not isinstance(value, str) for value in texts.values()):
        raise MalformedEventError("a text field is not text")
    return SessionReport(
        session_id=session_id,
        event=wire["event"],
        duration_seconds=duration,
        video_id=_optional_id(wire, "video_id"),
        video_played=played,
        position_seconds=position,
        **texts,
    )


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _id(wire: dict[str, Any], key: str) -> int:
    value = wire.get(key)
    if not (_is_int(value) and 0 < value <= _MAX_ID):
        raise MalformedEventError(f"{key} is not an id")
    return int(value)


def _optional_id(wire: dict[str, Any], key: str) -> int | None:
    return None if wire.get(key) is None else _id(wire, key)


def _timestamp(wire: dict[str, Any]) -> float:
    value = wire.get("ts")
    if not (isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)):
        raise MalformedEventError("ts is not a number")
    if not 0 <= value <= _MAX_TS:
        raise MalformedEventError("ts is out of range")
    return float(value)


def _text(wire: dict[str, Any], key: str) -> str:
    value = wire.get(key, "")
    if not isinstance(value, str):
        raise MalformedEventError(f"{key} is not text")
    return value
