"""WSGI entry point (gunicorn arvlite.wsgi). WebSocket needs the ASGI entry point instead."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arvlite.settings")
application = get_wsgi_application()
