"""Per-address rate limits for the public storefront (anonymous callers: the client's
address is the only handle). DRF's throttle and the shared cache keep the counts."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest
from rest_framework.throttling import SimpleRateThrottle

from arcontent.viewer.clientip import client_ip


class _StorefrontThrottle(SimpleRateThrottle):
    setting = ""

    def get_rate(self) -> str:
        return str(getattr(settings, self.setting))  # read per request: tests and ops can change it

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}

    def allows(self, request: HttpRequest) -> bool:
        """For plain Django views (the storefront's form): count this request, say if it may go on."""
        return self.allow_request(cast(Any, request), cast(Any, None))


class StorefrontOrderThrottle(_StorefrontThrottle):
    """Orders placed from one address."""

    scope = "storefront_order"
    setting = "STOREFRONT_ORDER_RATE"


class StorefrontUploadThrottle(_StorefrontThrottle):
    """Uploads started and photos checked from one address."""

    scope = "storefront_upload"
    setting = "STOREFRONT_UPLOAD_RATE"
