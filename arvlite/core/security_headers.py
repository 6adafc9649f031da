"""Browser security headers on every answer (issue 18 item 5).

A small middleware rather than django-csp: the policy is one dictionary per kind of answer,
the nonce one attribute, and the pages that need their own policy (the /view page, stored
files) set it themselves — this middleware leaves an answer that already has one alone.

- HTML pages get a Content-Security-Policy whose scripts are this site's files plus the
  inline scripts carrying the request's nonce (``request.csp_nonce``; ``{{ csp_nonce }}`` in
  templates). No inline event handlers anywhere: portal.js wires ``data-confirm`` and
  ``data-autosubmit``. ``'unsafe-eval'`` stays on portal pages for Alpine.js, whose standard
  build compiles its ``x-data`` expressions; inline styles stay allowed (style attributes).
- Every answer gets a Permissions-Policy that turns off what no page uses; the camera only
  on the /view page (it sets its own).
- Referrer-Policy, X-Content-Type-Options, Cross-Origin-Opener-Policy and HSTS come from
  Django's SecurityMiddleware (settings: SECURE_*).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "magnetometer=(), gyroscope=(), accelerometer=(), display-capture=(), interest-cohort=()"
)
# The web AR viewer (/view) films the print: the camera for this origin, nothing else.
VIEWER_PERMISSIONS_POLICY = PERMISSIONS_POLICY.replace("camera=()", "camera=(self)")
# What an uploaded file may do when a browser opens it: nothing (no script, no form, no
# plugin, a unique origin), so an HTML or SVG upload never runs as a page of this site.
STORED_FILE_POLICY = (
    "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; sandbox"
)


@lru_cache(maxsize=1)
def _storage_origins() -> str:
    """Where signed file links point when files are on S3 (thumbnails, posters, videos)."""
    origins = set()
    for url in (getattr(settings, "AWS_S3_ENDPOINT_URL", ""), getattr(settings, "AWS_S3_CUSTOM_DOMAIN", "")):
        if url and "://" not in url:
            url = f"https://{url}"
        parts = urlsplit(url or "")
        if parts.scheme in ("http", "https") and parts.netloc:
            origins.add(f"{parts.scheme}://{parts.netloc}")
    return " ".join(sorted(origins))


def page_policy(nonce: str) -> str:
    files = _storage_origins()
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{nonce}' 'unsafe-eval'",
        "style-src": "'self' 'unsafe-inline'",
        "img-src": f"'self' data: blob: {files}",
        "media-src": f"'self' blob: {files}",
        # The live notification bell's WebSocket and tus uploads (same origin; ws: in the
        # embedded run, wss: behind TLS).
        "connect-src": f"'self' ws: wss: {files}",
        "font-src": "'self' data:",
        "worker-src": "'self' blob:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "frame-ancestors": "'none'",
        # form-action is left out on purpose: the storefront's checkout is a form whose answer
        # redirects to the payment provider, and browsers apply form-action to that redirect.
    }
    return "; ".join(f"{name} {value.strip()}" for name, value in directives.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        content_type = response.headers.get("Content-Type", "")
        # A 304 renders nothing, and a browser merges its headers into the cached page: a new
        # nonce there would block the cached page's own scripts.
        if (
            response.status_code != 304
            and "Content-Security-Policy" not in response.headers
            and content_type.startswith("text/html")
        ):
            response.headers["Content-Security-Policy"] = page_policy(nonce)
        return response


def csp_nonce(request: HttpRequest) -> dict[str, str]:
    """Template context: ``{{ csp_nonce }}`` for the rare inline script (admin, API docs)."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
