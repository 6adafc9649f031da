"""Request rates per signed-in user, per API key, or per IP for anonymous callers."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import UserRateThrottle


class UserOrApiKeyRateThrottle(UserRateThrottle):
    """DRF's user throttle, except that each API key gets its own bucket (API keys have
    no user id, and would otherwise all share one)."""

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        api_key = getattr(request.user, "api_key", None)
        if api_key is not None:
            return self.cache_format % {"scope": self.scope, "ident": f"key-{api_key.pk}"}
        return super().get_cache_key(request, view)
