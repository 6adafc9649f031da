"""Browser tests of the live bell need WebSockets, which pytest-django's live server (WSGI)
does not serve. Here the site's ASGI application (``arvlite.asgi:application``: HTTP
through Django, ``/ws/`` through Channels, as ``manage.py runserver`` serves it) runs on
uvicorn in its own process, on a free loopback port, against the test database, Redis
prefix (cache and channel layer) and media directory; ``page`` opens tabs on it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest

from arvlite.core.testing.browser import browser_tab
from arvlite.core.testing.servers import HOST, ServerProcess, running_server, subprocess_env

UVICORN = [
    sys.executable, "-m", "uvicorn", "arvlite.asgi:application", "--host", HOST, "--lifespan", "off",
    "--no-access-log", "--log-level", "warning", "--timeout-graceful-shutdown", "3",
]  # fmt: skip


@pytest.fixture(scope="module")
def asgi_live_server(django_db_setup: None) -> Iterator[ServerProcess]:
    """The whole site over ASGI (HTTP and WebSocket) in a uvicorn process; the port is
    handed over in UVICORN_PORT (uvicorn reads its options from UVICORN_* variables)."""
    env = subprocess_env(LANGUAGE_CODE="en")  # as the test process (the root conftest's English)
    with running_server(UVICORN, env=env, port_variable="UVICORN_PORT") as server:
        yield server


@pytest.fixture
def page(browser: Any, asgi_live_server: ServerProcess, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser tab on the ASGI server (instead of the WSGI live server of
    ``arvlite.core.testing.browser``); a screenshot is kept if the test fails."""
    with browser_tab(
        browser,
        asgi_live_server.base_url,
        request,
        on_failure=lambda: f"ASGI server output:\n{asgi_live_server.output()[-4000:]}",
    ) as tab:
        yield tab
