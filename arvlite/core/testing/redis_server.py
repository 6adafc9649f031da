"""A Redis server of a test's own, to stop and start again: faults injected into a real
Redis, never into the shared one other tests use.

    with private_redis(tmp_path) as server:
        settings.REDIS_URL = server.url
        server.kill()      # SIGKILL: gone mid-traffic, as a crash or an OOM kill
        server.start()     # back on the same port, empty (no persistence)
"""

from __future__ import annotations

import shutil
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

from arvlite.core.testing.ports import LOOPBACK, free_port, wait_until_ready


class RedisServer:
    def __init__(self, directory: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError(
                "redis-server is not installed (scripts/test installs it: apt-get install redis-server)"
            )
        self.binary, self.directory = binary, directory
        self.port = free_port()
        self.log = directory / "redis.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://{LOOPBACK}:{self.port}/0"

    def start(self) -> None:
        command = [self.binary, "--bind", LOOPBACK, "--port", str(self.port), "--save", "",
                   "--appendonly", "no", "--dir", str(self.directory), "--logfile", str(self.log)]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url, socket_timeout=1)
        try:
            wait_until_ready(
                lambda: bool(client.ping()),
                server=f"redis-server on {LOOPBACK}:{self.port}",
                timeout=15,
                process=self.process,
                log=self.log,
            )
        finally:
            client.close()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)


@contextmanager
def private_redis(directory: Path) -> Iterator[RedisServer]:
    server = RedisServer(directory)
    server.start()
    try:
        yield server
    finally:
        server.kill()
