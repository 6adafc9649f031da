"""What a file really is, read from its first bytes (never from the client's name or
Content-Type), and which types each kind of file may have."""

from __future__ import annotations

import filetype

HEAD_BYTES = 8192

# Types a stored file of each kind may have, with the extension its key gets.
ALLOWED_TYPES: dict[str, dict[str, str]] = {
    "photo": {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"},
    "marker": {"image/jpeg": "jpg", "image/png": "png"},
    "thumbnail": {"image/webp": "webp", "image/jpeg": "jpg", "image/png": "png"},
    "video": {
        "video/mp4": "mp4",
        "video/quicktime": "mov",
        "video/webm": "webm",
        "video/x-matroska": "mkv",
        "video/x-msvideo": "avi",
        "video/mpeg": "mpg",
    },
    "rendition": {"video/mp4": "mp4"},
    "qr": {"image/png": "png", "image/svg+xml": "svg"},
    "pdf": {"application/pdf": "pdf"},
    "web_target": {"application/octet-stream": "mind"},
    "export": {"application/zip": "zip"},
    "overlay": {"image/png": "png"},
}


def sniff_mime(head: bytes) -> str | None:
    """The MIME type that the leading bytes show, or None when they show nothing known."""
    if not head:
        return None
    kind = filetype.guess(head)
    if kind is not None:
        return str(kind.mime)
    stripped = head.lstrip()
    if stripped.startswith(b"<svg") or (stripped.startswith(b"<?xml") and b"<svg" in stripped[:1024]):
        return "image/svg+xml"
    return None


def describe_allowed(kind: str) -> str:
    return ", ".join(sorted(set(ALLOWED_TYPES.get(kind, {}).values())))
