"""Free loopback ports and a bounded wait for a test server to be ready.

Test servers never take fixed ports: on a shared machine another program may hold one,
and the failure then shows up far away (an SSL error from a stranger's server, say).
``free_ports`` asks the OS for ports nothing listens on; ``wait_until_ready`` calls a
protocol-level check (an authenticated S3 request, an HTTP 200) until it passes and
otherwise fails with one message naming the server, its address, the last error and the
tail of its log.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

LOOPBACK = "127.0.0.1"


class PortUnavailableError(RuntimeError):
    """A port a test server needs is held by another program."""


class ServerNotReadyError(RuntimeError):
    """A test server exited or did not pass its readiness check in time."""


def free_ports(count: int, host: str = LOOPBACK) -> list[int]:
    """``count`` distinct TCP ports nothing listens on right now (the OS picks them for
    port 0; all are held at once while picking, so none is handed out twice)."""
    with ExitStack() as stack:
        ports = []
        for _ in range(count):
            sock = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            sock.bind((host, 0))
            ports.append(int(sock.getsockname()[1]))
        return ports


def free_port(host: str = LOOPBACK) -> int:
    """One TCP port nothing listens on right now."""
    return free_ports(1, host)[0]


def port_is_free(port: int, host: str = LOOPBACK) -> bool:
    """Whether ``port`` can be bound on ``host`` now (no other program holds it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As servers bind: connections of a stopped server left in TIME_WAIT do not hold it.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def require_free(port: int, *, server: str, host: str = LOOPBACK) -> None:
    """Refuse to start ``server`` on a port another program holds, saying which."""
    if not port_is_free(port, host):
        raise PortUnavailableError(f"{server}: port {host}:{port} is already in use by another program.")


def log_tail(path: Path | None, lines: int = 30) -> str:
    """The last ``lines`` lines of a server's log, or a note that there is none."""
    if path is None or not path.exists():
        return "(no log)"
    text = path.read_text(errors="replace").rstrip()
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


def wait_until_ready(
    check: Callable[[], bool],
    *,
    server: str,
    timeout: float,
    process: subprocess.Popen[bytes] | None = None,
    log: Path | None = None,
    interval: float = 0.2,
) -> None:
    """Call ``check`` until it returns True; raise ServerNotReadyError when ``process`` exits
    first or ``timeout`` seconds pass. ``check`` may raise: its last error is reported."""
    deadline = time.monotonic() + timeout
    last_error = "the check never passed"
    while True:
        try:
            if check():
                return
        except Exception as exc:  # any failure of the probe means "not ready yet"
            last_error = f"{type(exc).__name__}: {exc}"
        if process is not None and process.poll() is not None:
            state = f"exited with code {process.returncode} before it was ready"
            break
        if time.monotonic() >= deadline:
            state = f"was not ready within {timeout:g} s"
            break
        time.sleep(interval)
    raise ServerNotReadyError(f"{server} {state} (last check: {last_error}). Log tail:\n{log_tail(log)}")
