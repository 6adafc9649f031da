"""ASGI entry point of the production WebSocket server (``scripts/serve ws``): the ``/ws/``
routes and nothing else of the site.

Plain HTTP gets ``/healthz`` (200, for the proxy's and the orchestrator's probes) and a
small 404 for every other path, so a mis-routed page or upload never reaches Django's ASGI
handler, which would read the whole body first.

Database: Channels runs every database call of a process (session and user at connect) on
one shared thread, so a process holds at most one connection, whatever the number of
sockets (Django's ASGI HTTP handler, by contrast, opens a thread per request).
"""

from __future__ import annotations

import json
import os
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arvlite.settings")
django.setup()

from channels.routing import ProtocolTypeRouter  # noqa: E402

from arvlite.routing import websocket_application  # noqa: E402

Scope = dict[str, Any]
_NOT_FOUND = {
    "status": 404,
    "code": "not_found",
    "message": "This server answers WebSocket connections under /ws/ only.",
    "errors": {},
}


async def plain_http(scope: Scope, receive: Any, send: Any) -> None:
    """``/healthz`` → 200; anything else → 404 without reading the body."""
    healthy = scope["path"] == "/healthz" and scope["method"] in ("GET", "HEAD")
    status, body = (200, {"status": "ok"}) if healthy else (404, _NOT_FOUND)
    payload = json.dumps(body).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
        (b"cache-control", b"no-store"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else payload})


application = ProtocolTypeRouter({"http": plain_http, "websocket": websocket_application()})
