"""django-axes glue: which username a failed login attempt was for."""

from __future__ import annotations

from typing import Any


def lockout_username(request: Any, credentials: dict[str, Any] | None) -> str:
    """The login name from the portal form (``username``) or the API (``email``), in
    lower case so that "Anna@…" and "anna@…" share one counter."""
    credentials = credentials or {}
    value = credentials.get("username") or credentials.get("email")
    if not value and request is not None:
        data = getattr(request, "POST", None) or {}
        value = data.get("username") or data.get("email")
    return str(value or "").strip().lower()
