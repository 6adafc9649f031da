"""The test servers' port and readiness helpers: ports in use are never handed out, and a
server that is not there fails fast with a message that names it."""

from __future__ import annotations

import http.server
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from arvlite.core.testing.ports import (
    LOOPBACK,
    PortUnavailableError,
    ServerNotReadyError,
    free_port,
    free_ports,
    port_is_free,
    require_free,
    wait_until_ready,
)
from arvlite.core.testing.seaweed import s3_ready_check, start_seaweedfs


@pytest.fixture
def held_port() -> Iterator[int]:
    """A port another program (here: a listening socket) holds for the test's length."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def test_a_held_port_is_never_handed_out(held_port: int) -> None:
    handed_out = {port for _ in range(50) for port in free_ports(4)}
    assert held_port not in handed_out
    assert not port_is_free(held_port)


def test_free_ports_are_distinct_and_bindable() -> None:
    ports = free_ports(10)
    assert len(set(ports)) == 10
    assert all(port_is_free(port) for port in ports)
    assert port_is_free(free_port())


def test_it_refuses_a_held_port_naming_the_server_and_port(held_port: int) -> None:
    with pytest.raises(
        PortUnavailableError, match=f"Demo server: port 127.0.0.1:{held_port} is already in use"
    ):
        require_free(held_port, server="Demo server")


def test_a_server_that_never_answers_fails_within_the_bound(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    log.write_text("starting\nlistening nowhere\n")

    def check() -> bool:
        raise ConnectionRefusedError("nothing listens")

    started = time.monotonic()
    with pytest.raises(ServerNotReadyError) as error:
        wait_until_ready(check, server="Demo server on :1", timeout=0.5, log=log, interval=0.05)
    assert time.monotonic() - started < 2
    message = str(error.value)
    assert message.startswith("Demo server on :1 was not ready within 0.5 s")
    assert "ConnectionRefusedError: nothing listens" in message
    assert message.endswith("Log tail:\nstarting\nlistening nowhere")


@pytest.mark.slow  # starts a subprocess
def test_a_server_that_exits_fails_at_once_with_its_exit_code_and_log(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", "print('bind: address already in use'); raise SystemExit(3)"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    started = time.monotonic()
    with pytest.raises(ServerNotReadyError) as error:
        wait_until_ready(lambda: False, server="Demo server", timeout=30, process=process, log=log)
    assert time.monotonic() - started < 10
    assert "Demo server exited with code 3 before it was ready" in str(error.value)
    assert "bind: address already in use" in str(error.value)


def test_an_http_server_that_is_not_s3_never_passes_the_s3_check() -> None:
    """An open port, even one answering HTTP 200, is not a ready S3 server."""

    class AlwaysOk(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"hello")

        def log_message(self, *args: object) -> None:
            pass

    stranger = http.server.ThreadingHTTPServer((LOOPBACK, 0), AlwaysOk)
    threading.Thread(target=stranger.serve_forever, daemon=True).start()
    endpoint = f"http://{LOOPBACK}:{stranger.server_address[1]}"
    try:
        with pytest.raises(ServerNotReadyError, match=f"S3 on {endpoint} was not ready within 1 s"):
            wait_until_ready(s3_ready_check(endpoint, "some-bucket"), server=f"S3 on {endpoint}", timeout=1)
    finally:
        stranger.shutdown()
        stranger.server_close()


def test_seaweedfs_refuses_a_pinned_s3_port_another_program_holds(held_port: int, tmp_path: Path) -> None:
    with pytest.raises(
        PortUnavailableError, match=f"SeaweedFS S3: port 127.0.0.1:{held_port} is already in use"
    ):
        start_seaweedfs(tmp_path, s3_port=held_port)
