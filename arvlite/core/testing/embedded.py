"""The embedded run (``scripts/run``: SQLite, tasks in process, no Redis) started for real
by tests: ``manage.py`` in subprocesses with the environment ``scripts/run`` gives, on a
fresh SQLite file, served on a free port that PUBLIC_URL follows."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from arvlite.core.tests.test_settings import TEST_ONLY_VARIABLES

ROOT = Path(__file__).resolve().parents[3]


def embedded_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """What ``scripts/run`` gives: DEBUG on, no database or Redis URL (so SQLite, local
    memory cache, Celery eager), everything under ``data_dir`` instead of data/."""
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARIABLES}
    # settings_test sets PUBLIC_URL in this process; scripts/run derives it from HOST/PORT.
    env.pop("PUBLIC_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="arvlite.settings",
        DEBUG="true",
        DATA_DIR=str(data_dir),
        WEBAR_TARGETS="false",  # the MindAR compile alone takes longer than a whole test
        EMAIL_VERIFICATION_REQUIRED="false",  # as scripts/run sets it
        LOG_LEVEL="warning",
        **extra,
    )
    return env


def manage(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class EmbeddedServer:
    base: str  # http://127.0.0.1:<port>, also the server's PUBLIC_URL
    env: dict[str, str]
    log: Path


@contextmanager
def embedded_server(tmp_path: Path, **extra: str) -> Iterator[EmbeddedServer]:
    """A migrated SQLite database under ``tmp_path`` and ``manage.py runserver`` (daphne,
    HTTP and WebSocket) on a free port, given as HOST/PORT the way ``scripts/run`` does;
    ``extra`` adds settings to the environment."""
    port = free_port()
    env = embedded_env(tmp_path / "data", HOST="127.0.0.1", PORT=str(port), **extra)
    manage("migrate", "--noinput", env=env)
    assert (tmp_path / "data" / "arvlite.sqlite3").is_file()
    log_path = tmp_path / "runserver.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, log_path.read_text()
            try:
                if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "runserver did not answer /healthz"
            time.sleep(0.3)
        yield EmbeddedServer(base=base, env=env, log=log_path)
    finally:
        process.terminate()
        process.wait(10)
        log.close()
