"""WebSocket routes, collected from the apps, and the one stack that serves them.

Import only once Django is set up (the consumers load models)."""

from __future__ import annotations

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator, OriginValidator
from django.urls import path

from notifications.consumers import NotificationConsumer

websocket_urlpatterns = [
    path("ws/notifications/", NotificationConsumer.as_asgi()),
]


def websocket_application() -> OriginValidator:
    """Sockets from our own hosts only, with the session's user in ``scope["user"]``."""
    return AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
