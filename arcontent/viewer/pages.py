"""The public /view/<uid> page (web AR and links to the apps), the /ar/<uid> redirect of old
QR codes, and the App Links / Universal Links association files.

Rendering the page never counts a view: its script asks for the manifest, which does.
Unavailable content gets a friendly page whose status says why: 404 unknown or malformed
id, 410 expired, 409 paused / not ready / no video, 429 throttled.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods

from arcontent.viewer import hotpath
from arcontent.viewer import snapshot as snapshots
from arcontent.viewer.clientip import client_ip
from arcontent.viewer.snapshot import Snapshot
from arvlite.core.security_headers import VIEWER_PERMISSIONS_POLICY

PAGE_TEMPLATE = "arcontent/viewer/page.html"
UNAVAILABLE_TEMPLATE = "arcontent/viewer/unavailable.html"
DEFAULT_BRAND_COLOR = "#3b5bdb"
_HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
HEARTBEAT_SECONDS = 10
MINDAR_MODULE = "vendor/mindar/1.2.5/mindar-image.prod.js"
THREE_MODULE = "vendor/three/three-0.161.0.module.min.js"

STATUS_BY_REASON = {
    snapshots.INVALID_UNIQUE_ID: 404,
    snapshots.NOT_FOUND: 404,
    snapshots.SUBSCRIPTION_EXPIRED: 410,
    snapshots.CONTENT_NOT_ACTIVE: 409,
    snapshots.MARKER_IMAGE_NOT_AVAILABLE: 409,
    snapshots.MARKER_STILL_GENERATING: 409,
    snapshots.NO_PLAYABLE_VIDEO: 409,
}
THROTTLED = "throttled"


@require_http_methods(["GET", "HEAD"])
def view_page(request: HttpRequest, uid: str) -> HttpResponse:
    unique_id = snapshots.parse_unique_id(uid)
    if unique_id is None:
        return _unavailable(request, snapshots.INVALID_UNIQUE_ID, None)
    found = hotpath.lookup(unique_id, client_ip(request))
    if found.throttled:
        response = _unavailable(request, THROTTLED, None, status=429)
        response["Retry-After"] = str(found.retry_after)
        return response
    snapshot = found.snapshot
    index = hotpath.scan_index(snapshot) if snapshot is not None else 0
    verdict = snapshots.availability(snapshot, timezone.now(), index)
    if snapshot is None or not verdict.available:
        return _unavailable(request, verdict.reason or snapshots.NOT_FOUND, snapshot)
    copy = request.GET.get("c", "")[:40]
    context = {
        **_branding(snapshot),
        "unique_id": unique_id,
        "title": snapshot.page.get("title") or "",
        "photo_url": snapshot.page.get("thumbnail_url") or snapshot.manifest["photo_url"],
        "deep_link": _deep_link(unique_id, copy),
        "app_store_url": settings.VIEWER_APP_STORE_URL,
        "play_store_url": settings.VIEWER_PLAY_STORE_URL,
        "config": _config(unique_id, copy),
    }
    response = render(request, PAGE_TEMPLATE, context)
    response["Content-Security-Policy"] = content_security_policy(snapshot)
    response["Permissions-Policy"] = VIEWER_PERMISSIONS_POLICY  # web AR films the print
    # The page holds signed file links and follows Accept-Language: never shared.
    patch_cache_control(response, private=True, no_cache=True)
    return response


def _unavailable(
    request: HttpRequest, reason: str, snapshot: Snapshot | None, *, status: int | None = None
) -> HttpResponse:
    context = {**_branding(snapshot), "reason": reason}
    response = render(request, UNAVAILABLE_TEMPLATE, context, status=status or STATUS_BY_REASON[reason])
    response["Content-Security-Policy"] = content_security_policy(snapshot)
    patch_cache_control(response, private=True, no_cache=True)
    return response


def _branding(snapshot: Snapshot | None) -> dict[str, Any]:
    company = snapshot.manifest.get("company") if snapshot is not None else None
    if not company:
        return {"company_name": "", "logo_url": None, "brand_color": DEFAULT_BRAND_COLOR}
    color = company.get("brand_color") or ""
    return {
        "company_name": company.get("name") or "",
        "logo_url": company.get("logo_url"),
        # It lands in a style attribute: only a plain #rrggbb gets there.
        "brand_color": color if _HEX_COLOR.match(color) else DEFAULT_BRAND_COLOR,
    }


def _deep_link(unique_id: str, copy: str) -> str:
    link = f"{settings.VIEWER_APP_SCHEME}://view/{unique_id}"
    return f"{link}?c={quote(copy, safe='')}" if copy else link


def _config(unique_id: str, copy: str) -> dict[str, Any]:
    """What viewer.js needs; the video itself comes with the manifest (which counts the view)."""
    return {
        "uid": unique_id,
        "manifestUrl": reverse("viewer-manifest", kwargs={"uid": unique_id}),
        "sessionsUrl": reverse("viewer-sessions", kwargs={"uid": unique_id}),
        "copy": copy,
        "heartbeatSeconds": HEARTBEAT_SECONDS,
        "modules": {"mindar": static(MINDAR_MODULE), "three": static(THREE_MODULE)},
    }


def _file_origins(snapshot: Snapshot | None) -> list[str]:
    """Origins of every file link the page may load (local /files/ view or the S3 endpoint)."""
    if snapshot is None:
        return []
    manifest = snapshot.manifest
    urls = [manifest.get("marker_image_url"), manifest.get("photo_url"), manifest.get("web_target_url"),
            snapshot.page.get("thumbnail_url"), (manifest.get("company") or {}).get("logo_url"),
            (manifest.get("scene") or {}).get("overlay_url")]  # fmt: skip
    for video in snapshot.videos.values():
        urls += [video.get("video_url"), video.get("thumbnail_url")]
    origins = set()
    for url in urls:
        parts = urlsplit(url or "")
        if parts.scheme in ("http", "https") and parts.netloc:
            origins.add(f"{parts.scheme}://{parts.netloc}")
    return sorted(origins)


def content_security_policy(snapshot: Snapshot | None) -> str:
    files = " ".join(_file_origins(snapshot))
    directives = {
        "default-src": "'self'",
        # WebAssembly only (MindAR's bundled long.js compiles a tiny module); never JS eval.
        "script-src": "'self' 'wasm-unsafe-eval'",
        # Inline style attributes only (the brand colour); no inline scripts anywhere.
        "style-src": "'self' 'unsafe-inline'",
        "img-src": f"'self' data: blob: {files}",
        "media-src": f"'self' blob: data: {files}",
        # The compiled target (.mind) is fetched by MindAR.
        "connect-src": f"'self' {files}",
        # MindAR starts its matching worker from a blob: (or data:) URL.
        "worker-src": "'self' blob: data:",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value.strip()}" for name, value in directives.items())


@require_http_methods(["GET", "HEAD"])
def legacy_redirect(request: HttpRequest, uid: str) -> HttpResponsePermanentRedirect:
    """Old printed QR codes point at /ar/<uid>; the query (?c=<copy>) goes along."""
    target = reverse("viewer-page", kwargs={"uid": uid})
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)


def _json_file(data: Any) -> HttpResponse:
    response = HttpResponse(json.dumps(data, indent=2), content_type="application/json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_http_methods(["GET", "HEAD"])
def assetlinks(request: HttpRequest) -> HttpResponse:
    """Android App Links: the app may open /view links; empty until an app is configured."""
    if not settings.ANDROID_APP_PACKAGE:
        return _json_file([])
    return _json_file(
        [
            {
                "relation": ["delegate_permission/common.handle_all_urls"],
                "target": {
                    "namespace": "android_app",
                    "package_name": settings.ANDROID_APP_PACKAGE,
                    "sha256_cert_fingerprints": list(settings.ANDROID_APP_SHA256_FINGERPRINTS),
                },
            }
        ]
    )


@require_http_methods(["GET", "HEAD"])
def apple_app_site_association(request: HttpRequest) -> HttpResponse:
    """iOS Universal Links for /view/*: `appIDs` + `components` (iOS 13+) and the older
    `appID` + `paths` in the same entries, which each iOS reads its own way."""
    details = [
        {"appIDs": [app_id], "components": [{"/": "/view/*"}], "appID": app_id, "paths": ["/view/*"]}
        for app_id in settings.IOS_APP_IDS
    ]
    return _json_file({"applinks": {"apps": [], "details": details}})
