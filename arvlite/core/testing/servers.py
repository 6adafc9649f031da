"""Real server processes for tests: a command started on a free port against the test's
PostgreSQL database, Redis prefix and media directory, ready once its health URL answers.

    with running_server(["scripts/serve", "web"], env=subprocess_env()) as server:
        http.client.HTTPConnection(server.host, server.port) ...

The port is found by binding port 0 and read back; the command is told it through an
environment variable (``PORT`` unless said otherwise). Output goes to a file, never to a
pipe nobody reads (a chatty server would block on a full pipe).
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

from arvlite.core.testing.ports import LOOPBACK, free_port

ROOT = Path(__file__).resolve().parents[3]
HOST = LOOPBACK


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment of a process that must work on this test's data: its database (the
    test database, so rows the test committed are visible), Redis prefix and media."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "arvlite.settings_test",
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "ARVLITE_TEST_RUN_PREFIX": settings.TEST_RUN_PREFIX,
        "ARVLITE_TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **extra,
    }


@dataclass
class ServerProcess:
    process: subprocess.Popen[bytes]
    host: str
    port: int
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM (a graceful stop, as in a deploy); SIGKILL to its process group after
        ``timeout`` seconds."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.unlink(missing_ok=True)


def _answers(host: str, port: int, path: str) -> bool:
    conn = http.client.HTTPConnection(host, port, timeout=2)
    try:
        conn.request("GET", path)
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def start_server(
    command: Sequence[str],
    *,
    env: dict[str, str],
    port_variable: str = "PORT",
    ready_path: str = "/healthz",
    timeout: float = 90,
    attempts: int = 3,
) -> ServerProcess:
    """Start ``command`` (relative to the repository root) listening on a free port and
    return once GET ``ready_path`` answers 200. Another process may take the port between
    the look-up and the bind; the start is then retried on a new port."""
    for attempt in range(1, attempts + 1):
        port = free_port()
        log = Path(tempfile.mkstemp(prefix="arvlite-server-", suffix=".log")[1])
        with log.open("wb") as out:
            process = subprocess.Popen(
                list(command),
                cwd=ROOT,
                env={**env, "HOST": HOST, port_variable: str(port)},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: workers are stopped with it
            )
        server = ServerProcess(process=process, host=HOST, port=port, log=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process.poll() is None:
            if _answers(HOST, port, ready_path):
                return server
            time.sleep(0.2)
        exited = process.poll() is not None
        output = server.output()
        server.stop(timeout=10)
        if exited and "in use" in output and attempt < attempts:  # "Address already in use"
            continue
        state = f"exited with {process.returncode}" if exited else f"did not answer within {timeout:.0f} s"
        raise RuntimeError(f"{' '.join(command)} {state}:\n{output[-4000:]}")
    raise AssertionError("unreachable")


@contextmanager
def running_server(
    command: Sequence[str], *, env: dict[str, str], port_variable: str = "PORT", ready_path: str = "/healthz"
) -> Iterator[ServerProcess]:
    """``start_server`` for the length of a ``with`` block (or a fixture)."""
    server = start_server(command, env=env, port_variable=port_variable, ready_path=ready_path)
    try:
        yield server
    finally:
        server.stop()
