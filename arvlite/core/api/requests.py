"""Facts about an API request that views check before reading its body."""

from __future__ import annotations

from rest_framework.request import Request


def content_length(request: Request) -> int:
    """The announced body size; 0 when the header is missing or not a number."""
    raw = str(request.META.get("CONTENT_LENGTH") or "")
    return int(raw) if raw.isascii() and raw.isdigit() else 0
