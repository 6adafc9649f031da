#!/usr/bin/env python
"""Peak memory of the web process while it receives one large upload.

Starts ARVlite under uvicorn (the production ASGI server) on a scratch SQLite database,
creates a company with an API key, streams a generated MP4-looking file of SIZE bytes to
POST /api/v1/companies/<slug>/files/ (multipart, with Content-Length, never held in the
client's memory either), and reads the server's resident memory: the baseline before the
upload, the peak (VmHWM from /proc) and the time taken.

    .venv/bin/python bench/upload_memory.py                    # 2 GiB to local disk
    .venv/bin/python bench/upload_memory.py --size-mb 512 --backend s3   # to SeaweedFS S3

Runs only against loopback. Results go in docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CHUNK = 1024 * 1024
BOUNDARY = "arvlitebenchboundary"


class MultipartBody:
    """A multipart/form-data body generated as it is read: fields, then SIZE bytes of a
    file that starts like an MP4 (so the server's type sniffing accepts it)."""

    def __init__(self, size: int) -> None:
        self.head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nvideo\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\n'
            "Content-Type: video/mp4\r\n\r\n"
        ).encode()
        self.tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.file_start = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
        self.size = size
        self.total = len(self.head) + size + len(self.tail)
        self.position = 0
        self.filler = os.urandom(CHUNK)

    def __len__(self) -> int:
        return self.total

    def read(self, amount: int = CHUNK) -> bytes:
        amount = CHUNK if amount is None or amount < 0 else amount
        out = bytearray()
        while len(out) < amount and self.position < self.total:
            out += self._piece(amount - len(out))
        return bytes(out)

    def _piece(self, wanted: int) -> bytes:
        head_end = len(self.head)
        file_end = head_end + self.size
        if self.position < head_end:
            piece = self.head[self.position : self.position + wanted]
        elif self.position < file_end:
            offset = self.position - head_end
            if offset < len(self.file_start):
                piece = self.file_start[offset : offset + wanted]
            else:
                start = offset % CHUNK
                piece = self.filler[start : start + min(wanted, file_end - self.position)]
        else:
            start = self.position - file_end
            piece = self.tail[start : start + wanted]
        self.position += len(piece)
        return piece


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def memory_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not found for {pid}")


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout


def start_server(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    """uvicorn serving the project on a free port, once /healthz answers; and its base URL."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "arvlite.asgi:application", "--port", str(port), "--no-access-log"],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(f"{base}/healthz", timeout=5)
            break
        except (requests.ConnectionError, requests.Timeout):  # not listening, or still importing
            time.sleep(0.2)
    return server, base


SETUP = """
from companies.models import User
from companies.services import company_create
from companies.api_keys import api_key_create
owner = User.objects.create_user("bench@example.com", "bench-password-1")
company = company_create(name="Bench", slug="bench", owner=owner)
company.storage_quota_bytes = 100 * 1024**3
company.save()
print(api_key_create(company=company, actor=owner, name="bench", role="editor", actor_role="owner").key)
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size-mb", type=int, default=2048)
    parser.add_argument("--backend", choices=("local", "s3"), default="local")
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="arvlite-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "arvlite.settings",
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
        "FILE_UPLOAD_TEMP_DIR": str(workdir),
        "FILE_UPLOAD_MAX_BYTES": str(64 * 1024**3),
        "LOG_LEVEL": "warning",
        "THROTTLE_USER": "100000/minute",
    }
    env.pop("REDIS_URL", None)
    seaweed = None
    if options.backend == "s3":
        from arvlite.core.testing.seaweed import s3_environment, start_seaweedfs

        seaweed = start_seaweedfs(workdir / "s3")
        env.update(s3_environment(seaweed))
    server = None
    try:
        manage(env, "migrate", "-v0")
        key = manage(env, "shell", "-c", SETUP).strip().splitlines()[-1]
        server, base = start_server(env)
        baseline = memory_kib(server.pid, "VmRSS")

        body = MultipartBody(options.size_mb * 1024 * 1024)
        started = time.monotonic()
        response = requests.post(
            f"{base}/api/v1/companies/bench/files/",
            data=body,
            headers={
                "Authorization": f"Api-Key {key}",
                "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                "Content-Length": str(len(body)),
            },
            timeout=3600,
        )
        elapsed = time.monotonic() - started
        peak = memory_kib(server.pid, "VmHWM")
        if response.status_code != 201:
            raise SystemExit(f"upload failed: {response.status_code} {response.text[:500]}")
        print(f"backend:            {options.backend}")
        print(f"upload size:        {options.size_mb} MiB")
        print(f"server RSS before:  {baseline / 1024:.1f} MiB")
        print(f"server RSS peak:    {peak / 1024:.1f} MiB  (growth {(peak - baseline) / 1024:.1f} MiB)")
        print(f"time:               {elapsed:.1f} s  ({options.size_mb / elapsed:.0f} MiB/s)")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if seaweed is not None:
            seaweed.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
