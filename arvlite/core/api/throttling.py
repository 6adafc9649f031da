"""Request rates per signed-in user, per API key, or per client address for anonymous
callers.

DRF identifies an anonymous caller by the raw ``X-Forwarded-For`` header when one is sent
(unless ``NUM_PROXIES`` says how many proxies to trust), so a caller rotating the header
got a fresh bucket per request. Every throttle here takes the address from
``arvlite.core.clientip.client_ip`` instead: the header counts only when it comes from a
proxy listed in ``VIEWER_TRUSTED_PROXIES``, as for the viewer.
"""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle

from arvlite.core.clientip import client_ip


class ClientAddressMixin:
    """The anonymous caller's identity is the trusted-proxy client address."""

    def get_ident(self, request: Request) -> str:
        return client_ip(request)


class ClientAddressAnonRateThrottle(ClientAddressMixin, AnonRateThrottle):
    """DRF's anonymous throttle (scope ``anon``), per client address."""


class ClientAddressScopedRateThrottle(ClientAddressMixin, ScopedRateThrottle):
    """DRF's scoped throttle (``throttle_scope`` of the view), per user or client address."""


class UserOrApiKeyRateThrottle(ClientAddressMixin, UserRateThrottle):
    """DRF's user throttle, except that each API key gets its own bucket (API keys have
    no user id, and would otherwise all share one)."""

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        api_key = getattr(request.user, "api_key", None)
        if api_key is not None:
            return self.cache_format % {"scope": self.scope, "ident": f"key-{api_key.pk}"}
        return super().get_cache_key(request, view)
