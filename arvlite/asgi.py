"""ASGI entry point of the embedded run (``manage.py runserver`` with daphne): HTTP through
Django, WebSocket through Channels (session-authenticated).

Production does not serve HTTP from here: Django's ASGI handler reads a whole request body
before any view can refuse it, and its per-request threads leave persistent database
connections behind. There HTTP is ``arvlite.wsgi`` on gunicorn and ``/ws/`` is
``arvlite.asgi_ws`` on uvicorn (``scripts/serve``, README "Running in production").
"""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arvlite.settings")
django_asgi_app = get_asgi_application()  # set up Django before importing consumers

from channels.routing import ProtocolTypeRouter  # noqa: E402

from arvlite.routing import websocket_application  # noqa: E402

application = ProtocolTypeRouter({"http": django_asgi_app, "websocket": websocket_application()})
