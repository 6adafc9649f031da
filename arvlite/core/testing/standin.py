"""A local HTTP server standing in for an outside service in tests (Telegram's Bot API, a
browser push service): a thread on a free loopback port calling ``answer`` per request.

    with standin(lambda request: (200, {"ok": True})) as server:
        settings.SOME_API_URL = server.base_url
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from arvlite.core.testing.ports import LOOPBACK


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"{}")


# status, body (a dict/list is sent as JSON), extra headers
Answer = tuple[int, Any] | tuple[int, Any, dict[str, str]]


@dataclass
class StandIn:
    host: str
    port: int

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"


@contextmanager
def standin(answer: Callable[[Request], Answer]) -> Iterator[StandIn]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = Request(self.command, self.path, {k.lower(): v for k, v in self.headers.items()},
                              self.rfile.read(length) if length else b"")  # fmt: skip
            status, body, *rest = answer(request)
            raw = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            for name, value in (rest[0] if rest else {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        do_GET = do_POST = do_DELETE = _serve  # noqa: N815 - the names http.server calls

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: the test asserts on what was received

    server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
    thread = threading.Thread(target=server.serve_forever, name="standin", daemon=True)
    thread.start()
    try:
        yield StandIn(LOOPBACK, server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
