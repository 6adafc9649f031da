"""The public viewer API (docs/VIEWER_API.md is the frozen contract with the apps).

Plain Django views, not DRF: a scan is the hottest request we serve, and everything here
is a cached snapshot plus a little arithmetic. Errors use the API's one error body, with
the contract's `reason` code added.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from arcontent.viewer import hotpath
from arcontent.viewer import snapshot as snapshots
from arcontent.viewer.clientip import client_ip
from arcontent.viewer.geo import country_of
from arcontent.viewer.sessions import SessionReportError, parse_session_report
from arcontent.viewer.snapshot import Snapshot
from arvlite.core.api.errors import error_body

JSON = "application/json"
# Manifest errors: HTTP status per reason code (the contract allows 403 or 410 for expired,
# 400 or 409 for not active / no video).
ERROR_STATUS = {
    snapshots.INVALID_UNIQUE_ID: 404,
    snapshots.NOT_FOUND: 404,
    snapshots.SUBSCRIPTION_EXPIRED: 403,
    snapshots.CONTENT_NOT_ACTIVE: 409,
    snapshots.MARKER_IMAGE_NOT_AVAILABLE: 409,
    snapshots.MARKER_STILL_GENERATING: 409,
    snapshots.NO_PLAYABLE_VIDEO: 409,
}


def reason_message(reason: str) -> str:
    return {
        snapshots.INVALID_UNIQUE_ID: _("This is not a valid content id."),
        snapshots.NOT_FOUND: _("There is no such content."),
        snapshots.SUBSCRIPTION_EXPIRED: _("The hosting term of this content is over."),
        snapshots.CONTENT_NOT_ACTIVE: _("This content is not published right now."),
        snapshots.MARKER_IMAGE_NOT_AVAILABLE: _("This content has no marker image."),
        snapshots.MARKER_STILL_GENERATING: _("The marker of this content is still being prepared."),
        snapshots.NO_PLAYABLE_VIDEO: _("This content has no video to play right now."),
    }[reason]


def _json(data: Any, status: int = 200, *, cache: bool = True) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")), content_type=JSON, status=status
    )
    response["Cache-Control"] = f"public, max-age={settings.VIEWER_MAX_AGE}" if cache else "no-store"
    return response


def _error(status: int, code: str, message: str, **extra: Any) -> HttpResponse:
    return _json({**error_body(status_code=status, code=code, message=message), **extra}, status, cache=False)


def _reason_error(reason: str) -> HttpResponse:
    return _error(ERROR_STATUS[reason], reason, reason_message(reason), reason=reason)


def _throttled(lookup: hotpath.Lookup) -> HttpResponse:
    response = _error(
        429,
        "throttled",
        _("Too many requests. Try again in %(seconds)d seconds.") % {"seconds": lookup.retry_after},
        retry_after=lookup.retry_after,
    )
    response["Retry-After"] = str(lookup.retry_after)
    return response


def _with_etag(request: HttpRequest, body: dict[str, Any], volatile: str) -> HttpResponse:
    """200 with an ETag, or 304 when the client holds that answer already. The tag leaves
    out the `volatile` field (the moment of selection), so it changes only with the answer."""
    stable = _without(body, volatile)
    tag = (
        '"'
        + hashlib.blake2b(
            json.dumps(stable, sort_keys=True, separators=(",", ":")).encode(), digest_size=12
        ).hexdigest()
        + '"'
    )
    if tag in request.META.get("HTTP_IF_NONE_MATCH", ""):
        response = HttpResponse(status=304)
        response["Cache-Control"] = f"public, max-age={settings.VIEWER_MAX_AGE}"
    else:
        response = _json(body)
    response["ETag"] = tag
    return response


def _without(data: dict[str, Any], field: str) -> dict[str, Any]:
    return {
        key: _without(value, field) if isinstance(value, dict) else value
        for key, value in data.items()
        if key != field
    }


def _lookup(request: HttpRequest, raw_id: str) -> tuple[str | None, hotpath.Lookup]:
    unique_id = snapshots.parse_unique_id(raw_id)
    if unique_id is None:
        return None, hotpath.Lookup(None)
    return unique_id, hotpath.lookup(unique_id, _client_ip(request))


def _existing(request: HttpRequest, uid: str) -> Snapshot | HttpResponse:
    """The snapshot of an existing content, or the answer that refuses the request
    (throttled, malformed or unknown id)."""
    unique_id, found = _lookup(request, uid)
    if found.throttled:
        return _throttled(found)
    if unique_id is None:
        return _reason_error(snapshots.INVALID_UNIQUE_ID)
    if found.snapshot is None:
        return _reason_error(snapshots.NOT_FOUND)
    return found.snapshot


def _client_ip(request: HttpRequest) -> str:
    """client_ip() once per request: the lookup and the view event both need it."""
    ip: str | None = getattr(request, "_viewer_client_ip", None)
    if ip is None:
        ip = request._viewer_client_ip = client_ip(request)  # type: ignore[attr-defined]  # memo for this request
    return ip


@require_http_methods(["GET", "HEAD"])
def check(request: HttpRequest, uid: str) -> HttpResponse:
    unique_id, found = _lookup(request, uid)
    if found.throttled:
        return _throttled(found)
    if unique_id is None:
        return _json({"content_available": False, "reason": snapshots.INVALID_UNIQUE_ID})
    snapshot = found.snapshot
    index = hotpath.scan_index(snapshot) if snapshot is not None else 0
    verdict = snapshots.availability(snapshot, timezone.now(), index)
    if verdict.available:
        return _json({"content_available": True})
    return _json({"content_available": False, "reason": verdict.reason})


@require_http_methods(["GET", "HEAD"])
def manifest(request: HttpRequest, uid: str) -> HttpResponse:
    snapshot = _existing(request, uid)
    if isinstance(snapshot, HttpResponse):
        return snapshot
    now = timezone.now()
    counts = request.method == "GET"
    index = hotpath.next_scan_index(snapshot) if counts else hotpath.scan_index(snapshot)
    verdict = snapshots.availability(snapshot, now, index)
    if not verdict.available:
        return _reason_error(verdict.reason or snapshots.NOT_FOUND)
    assert verdict.selection is not None
    if counts:
        chosen = verdict.selection
        hotpath.record_view(snapshot, _visit(request), chosen.video_id, chosen.selection_source or "")
    video = snapshots.video_object(snapshot, verdict.selection, now)
    return _with_etag(request, {**snapshot.manifest, "video": video}, "selected_at")


@require_http_methods(["GET", "HEAD"])
def active_video(request: HttpRequest, uid: str) -> HttpResponse:
    snapshot = _existing(request, uid)
    if isinstance(snapshot, HttpResponse):
        return snapshot
    now = timezone.now()
    verdict = snapshots.availability(snapshot, now, hotpath.scan_index(snapshot))
    if not verdict.available:
        return _reason_error(verdict.reason or snapshots.NOT_FOUND)
    assert verdict.selection is not None
    stored = snapshot.videos[verdict.selection.video_id]
    rule = snapshot.selection_inputs.rule
    data = {
        **snapshots.video_object(snapshot, verdict.selection, now),
        "preview_url": stored["preview_url"],
        "is_active": True,
        "rotation_type": rule.kind if rule is not None else "none",
        "subscription_end": snapshot.manifest["expires_at"],
        "video_created_at": stored["created_at"],
        "scene": snapshot.manifest["scene"],
    }
    return _with_etag(request, data, "selected_at")


@require_http_methods(["GET", "HEAD"])
def demo_list(request: HttpRequest) -> HttpResponse:
    demos = []
    for demo_id in snapshots.DEMO_IDS:
        found = hotpath.lookup(demo_id, None)
        snapshot = found.snapshot
        demos.append(
            {
                "unique_id": demo_id,
                "title": (snapshot.page["title"] if snapshot else "")
                or _("Demo %(number)s") % {"number": demo_id[5:]},
                "marker_image_url": (snapshot.manifest["marker_image_url"] or None) if snapshot else None,
            }
        )
    return _json({"demos": demos})


@csrf_exempt
@require_http_methods(["POST"])
def session_report(request: HttpRequest, uid: str) -> HttpResponse:
    snapshot = _existing(request, uid)
    if isinstance(snapshot, HttpResponse):
        return snapshot
    if snapshot.static_reason is not None:  # nothing plays, so no session of it is real
        return _reason_error(snapshot.static_reason)
    try:
        report = parse_session_report(request, video_ids=snapshot.videos.keys())
    except SessionReportError as error:
        return _error(400, error.code, error.message, errors=error.errors)
    hotpath.record_session_event(snapshot, _visit(request), report)
    return _json({"accepted": True}, 202, cache=False)


def _visit(request: HttpRequest) -> hotpath.Visit:
    ip = _client_ip(request)
    # request.META, not request.headers: the latter builds a dict of every header first.
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:500]
    session_id = request.GET.get("sid", "")
    try:
        session_id = str(uuid.UUID(session_id)) if session_id else ""
    except ValueError:
        session_id = ""
    source = request.GET.get("src", "")
    return hotpath.Visit(
        visitor_hash=hotpath.visitor_hash(ip, user_agent, timezone.now().date().isoformat()),
        user_agent=user_agent,
        country=country_of(ip),
        copy=request.GET.get("c", "")[:40],
        session_id=session_id,
        source=source if source in ("app", "web") else "",
    )
