#!/usr/bin/env python
"""Peak memory of the web process and throughput of a resumable (tus) video upload.

Starts ARVlite under uvicorn on a scratch SQLite database (as bench/upload_memory.py does,
whose helpers it uses), creates a company with an editor API key and one AR content
(project + stored photo, written with the ORM), then uploads a generated file of SIZE
bytes that starts with an MP4 ``ftyp`` box through tus: POST to create, then PATCH
requests of CHUNK bytes each, streamed from a generator of the bytes (never held whole by
the client either). The last PATCH also joins the parts and stores the video. Processing
is only queued (Celery not eager, in-memory broker), so the figures are the upload's own.

Memory: a small upload first warms the process up (imports, first queries), then the peak
counter is reset (/proc/<pid>/clear_refs) and the baseline read; the figure is the peak
(VmHWM) during the big upload minus that baseline.

    .venv/bin/python bench/video_upload.py                       # 1 GiB in 8 MiB chunks, local disk
    .venv/bin/python bench/video_upload.py --size-mb 256 --backend s3

The upload routes are mounted by a scratch URLConf in the work directory (the project's
routes plus the two upload routes), so this runs before or after they are wired. Runs
only against loopback. Results go in docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import base64
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import requests
from upload_memory import manage, memory_kib, start_server

ROOT = Path(__file__).resolve().parents[1]
MIB = 1024 * 1024
FTYP = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"

SETUP = """
import io
from decimal import Decimal
from PIL import Image
from arcontent.models import ARContent
from arcontent.services import order_number_next
from arvlite.core.tenancy import company_scope
from companies.api_keys import api_key_create
from companies.files import stored_file_create
from companies.models import User
from companies.services import company_create
from django.db import transaction
from projects.services import project_create

owner = User.objects.create_user("bench@example.com", "bench-password-1")
company = company_create(name="Bench", slug="bench", owner=owner)
company.storage_quota_bytes = 100 * 1024**3
company.save()
png = io.BytesIO()
Image.new("RGB", (64, 48), (200, 30, 30)).save(png, format="PNG")
with company_scope(company), transaction.atomic():
    project = project_create(company=company, actor=owner, name="Bench")
    photo = stored_file_create(company=company, kind="photo", content=png, original_name="photo.png", project=project)
    content = ARContent.objects.create(
        company=company, project=project, order_number=order_number_next(company=company),
        print_width_cm=Decimal("15"), print_height_cm=Decimal("10"), status=ARContent.Status.READY, photo=photo,
    )
key = api_key_create(company=company, actor=owner, name="bench", role="editor", actor_role="owner").key
print(key, content.unique_id)
"""

# Settings and URLConf of the benchmark server, written to the work directory.
SETTINGS = "from arvlite.settings import *  # noqa\nROOT_URLCONF = 'bench_urls'\n"
URLS = """
from django.urls import include, path
from arvlite import urls as project
from videos.api.uploads import VideoUploadDetailView, VideoUploadListView

U = "companies/<slug:company_slug>/ar-content/<uuid:unique_id>/uploads/"
urlpatterns = [
    path("api/v1/", include([
        path(U, VideoUploadListView.as_view(), name="video-upload-list"),
        path(U + "<uuid:upload_id>/", VideoUploadDetailView.as_view(), name="video-upload-detail"),
    ])),
    *project.urlpatterns,
]
"""


class ChunkBody:
    """``size`` bytes of the generated file from ``offset`` on, produced as they are read:
    an MP4 ``ftyp`` box at byte 0, random filler after it."""

    filler = os.urandom(MIB)

    def __init__(self, offset: int, size: int) -> None:
        self.position, self.end = offset, offset + size

    def __len__(self) -> int:
        return self.end - self.position

    def read(self, amount: int = MIB) -> bytes:
        amount = MIB if amount is None or amount < 0 else min(amount, MIB)
        start = self.position
        stop = min(self.end, start + amount)
        if start >= stop:
            return b""
        self.position = stop
        if start < len(FTYP):
            head = FTYP[start:stop]
            return head + self.filler[: stop - start - len(head)]
        piece = start % MIB
        data = self.filler[piece : piece + (stop - start)]
        return data + self.filler[: stop - start - len(data)]


def tus_upload(base: str, headers: dict[str, str], size: int, chunk: int) -> tuple[float, float, str]:
    """Create an upload and PATCH it in chunks; returns (seconds for all chunks but the
    last, seconds for the last one, which also stores the video) and the video id."""
    meta = f"filename {base64.b64encode(b'big.mp4').decode()}"
    created = requests.post(
        base, headers={**headers, "Upload-Length": str(size), "Upload-Metadata": meta}, timeout=60
    )
    if created.status_code != 201:
        raise SystemExit(f"create failed: {created.status_code} {created.text[:500]}")
    url = created.headers["Location"]
    offset, started, last_started = 0, time.monotonic(), time.monotonic()
    while offset < size:
        length = min(chunk, size - offset)
        last_started = time.monotonic()
        response = requests.patch(
            url,
            data=ChunkBody(offset, length),
            headers={
                **headers,
                "Upload-Offset": str(offset),
                "Content-Type": "application/offset+octet-stream",
            },
            timeout=3600,
        )
        if response.status_code != 204:
            raise SystemExit(f"PATCH at {offset} failed: {response.status_code} {response.text[:500]}")
        offset = int(response.headers["Upload-Offset"])
    done = time.monotonic()
    return last_started - started, done - last_started, response.headers.get("X-Video-Id", "")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--chunk-mb", type=int, default=8)
    parser.add_argument("--backend", choices=("local", "s3"), default="local")
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="arvlite-bench-"))
    (workdir / "bench_settings.py").write_text(SETTINGS)
    (workdir / "bench_urls.py").write_text(URLS)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(workdir), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
        "FILE_UPLOAD_TEMP_DIR": str(workdir),
        "VIDEO_UPLOAD_MAX_BYTES": str(64 * 1024**3),
        "FILE_UPLOAD_MAX_BYTES": str(64 * 1024**3),
        "LOG_LEVEL": "warning",
        "THROTTLE_USER": "100000/minute",
        # Queue the processing task without running it: the figures are the upload's own.
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_BROKER_URL": "memory://localhost/",
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
        key, unique_id = manage(env, "shell", "-c", SETUP).strip().splitlines()[-1].split()
        server, host = start_server(env)
        base = f"{host}/api/v1/companies/bench/ar-content/{unique_id}/uploads/"
        headers = {"Authorization": f"Api-Key {key}", "Tus-Resumable": "1.0.0"}

        cold = memory_kib(server.pid, "VmRSS")
        tus_upload(base, headers, 3 * MIB, MIB)  # warm-up: every code path once
        Path(f"/proc/{server.pid}/clear_refs").write_text("5")  # reset the peak (VmHWM)
        baseline = memory_kib(server.pid, "VmRSS")

        size = options.size_mb * MIB
        transfer, finish, video_id = tus_upload(base, headers, size, options.chunk_mb * MIB)
        peak = memory_kib(server.pid, "VmHWM")
        total = transfer + finish
        print(f"backend:              {options.backend}")
        print(
            f"upload:               {options.size_mb} MiB in {options.chunk_mb} MiB PATCHes (video {video_id})"
        )
        print(f"server RSS cold:      {cold / 1024:.1f} MiB; after warm-up {baseline / 1024:.1f} MiB")
        print(f"server RSS peak:      {peak / 1024:.1f} MiB  (growth {(peak - baseline) / 1024:.1f} MiB)")
        print(
            f"chunks but the last:  {transfer:.1f} s  ({(size - options.chunk_mb * MIB) / MIB / transfer:.0f} MiB/s)"
        )
        print(f"last chunk + finish:  {finish:.1f} s  (join the parts, hash, store the video)")
        print(f"end to end:           {total:.1f} s  ({options.size_mb / total:.0f} MiB/s)")
        if seaweed is not None:
            ceiling = raw_put_speed(seaweed, options.chunk_mb * MIB)
            print(
                f"ceiling:              {ceiling:.0f} MiB/s  (boto3 put_object of one chunk, nothing else; "
                f"end to end = {options.size_mb / total / ceiling:.0%} of it)"
            )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if seaweed is not None:
            seaweed.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def raw_put_speed(seaweed: Any, chunk: int, puts: int = 16) -> float:
    """MiB/s of bare PutObject calls of one chunk each to the same server, from this
    process: what storing a part costs at the least, without HTTP, Django or tus."""
    import boto3

    from arvlite.core.testing.seaweed import s3_environment

    env = s3_environment(seaweed)
    client = boto3.client(
        "s3",
        endpoint_url=env["AWS_S3_ENDPOINT_URL"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        region_name=env["AWS_S3_REGION_NAME"],
    )
    body = os.urandom(chunk)
    client.put_object(Bucket=env["AWS_STORAGE_BUCKET_NAME"], Key="ceiling/warm-up", Body=body)
    started = time.perf_counter()
    for index in range(puts):
        client.put_object(Bucket=env["AWS_STORAGE_BUCKET_NAME"], Key=f"ceiling/{index}", Body=body)
    return puts * chunk / MIB / (time.perf_counter() - started)


if __name__ == "__main__":
    main()
