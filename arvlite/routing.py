"""WebSocket routes, collected from the apps, and the one stack that serves them.

Import only once Django is set up (the consumers load models)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator, OriginValidator
from django.urls import path

from notifications.consumers import NotificationConsumer

if TYPE_CHECKING:
    # Stub-only: a URLPattern whose callback is an ASGI app, what URLRouter takes.
    from channels.routing import _ExtendedURLPattern


def _route(route: str, app: object) -> _ExtendedURLPattern:
    # Django's path() builds Channels routes too, but its stubs accept only views.
    return cast("_ExtendedURLPattern", path(route, app))  # type: ignore[call-overload]


websocket_urlpatterns: list[_ExtendedURLPattern | URLRouter] = [
    _route("ws/notifications/", NotificationConsumer.as_asgi()),
]


def websocket_application() -> OriginValidator:
    """Sockets from our own hosts only, with the session's user in ``scope["user"]``."""
    return AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
