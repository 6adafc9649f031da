"""The ceiling of bench/viewer_load.py: a bare WSGI callable that answers every request with
one fixed JSON body, as many bytes as a real manifest (BENCH_CEILING_BYTES). Served by the
same gunicorn configuration as the application, it measures what the server, the load
generator and the machine allow before any Django code runs.

    BENCH_CEILING_BYTES=1234 .venv/bin/gunicorn --pythonpath bench ceiling_app:application
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from typing import Any


def fixed_body(size: int) -> bytes:
    """A JSON object of exactly `size` bytes (or the smallest one, when `size` is tinier)."""
    data = {"manifest_version": "1", "padding": ""}
    bare = len(json.dumps(data, separators=(",", ":")).encode())
    data["padding"] = "x" * max(0, size - bare)
    return json.dumps(data, separators=(",", ":")).encode()


BODY = fixed_body(int(os.environ.get("BENCH_CEILING_BYTES", "1024")))
HEADERS = [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))]


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", HEADERS)
    return [BODY]
