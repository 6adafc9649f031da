"""A media worker's pool process SIGKILLed mid-job (as the out-of-memory killer does), on
the real Redis broker: Celery rejects the unacknowledged message back to the queue, the
redelivered task takes back its own interrupted claim (one more attempt), and the job
finishes — never left "processing" for the reaper.

Found by a fault probe: the redelivery was dropped as "unclaimed" and the video sat in
"processing" at 24 % until the 45-minute reaper.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from arcontent import services
from arcontent.models import ARContent
from arcontent.tests.factories import make_content
from arcontent.tests.photos import textured_jpeg
from arvlite.core.tenancy import company_scope, scopes_disabled
from arvlite.core.testing.celery import pool_children
from companies.models import Company, User
from projects.tests.factories import ProjectFactory
from videos.media.tests.clips import write_clip
from videos.models import Video
from videos.services import video_create

pytestmark = [pytest.mark.worker, pytest.mark.slow]
StartWorker = Callable[..., subprocess.Popen[str]]


def wait_for(condition: Callable[[], bool], worker: subprocess.Popen[str], what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if worker.poll() is not None:
            pytest.fail(f"the worker exited: {worker.stdout.read() if worker.stdout else ''}")
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {timeout:.0f} s")
        time.sleep(0.02)


def kill_the_pool_process(worker: subprocess.Popen[str]) -> int:
    (child,) = pool_children(worker)
    os.kill(child, signal.SIGKILL)
    return child


def test_a_transcode_killed_midway_is_redelivered_and_finishes(
    celery_worker: StartWorker, company: Company
) -> None:
    worker = celery_worker(["media"], "killed-transcode", pool="prefork")
    content = make_content(company)
    with tempfile.TemporaryDirectory() as folder:
        clip = write_clip(Path(folder) / "long.mp4", width=1280, height=720, seconds=12).read_bytes()
    with company_scope(company):  # autocommit: the task reaches the broker right away
        video = video_create(
            content=content, actor=None, upload=io.BytesIO(clip), filename="long.mp4", title=""
        )

    def row() -> Video:
        with scopes_disabled():
            return Video.objects.get(pk=video.pk)

    wait_for(lambda: row().progress > 0, worker, "the transcode did not start", timeout=90)
    killed = kill_the_pool_process(worker)
    interrupted = row()
    assert interrupted.status == Video.Status.PROCESSING
    assert interrupted.attempts == 1

    wait_for(lambda: row().status != Video.Status.PROCESSING, worker, "the video did not finish", timeout=180)
    finished = row()
    assert finished.status == Video.Status.READY, finished.error
    assert finished.attempts == 2, "the redelivery counted as one more attempt"
    assert finished.rendition_720_id is not None
    assert killed not in pool_children(worker), "the pool process was replaced"


def test_a_photo_pipeline_killed_midway_is_redelivered_and_finishes(
    celery_worker: StartWorker, company: Company, editor: User
) -> None:
    worker = celery_worker(["media"], "killed-pipeline", pool="prefork")
    # A large photo, so the kill lands while the pipeline still runs.
    photo = textured_jpeg(size=(6000, 4500))
    with company_scope(company):
        content = services.content_create(
            company=company,
            actor=editor,
            data=services.ContentInput(
                project=ProjectFactory(company=company),
                print_width_cm=Decimal("15"),
                print_height_cm=Decimal("10"),
                term_years=1,
                customer_name="Anna",
                customer_phone="8 912 345 67 89",
            ),
            photo=io.BytesIO(photo),
            photo_name="wedding.jpg",
        )

    def row() -> ARContent:
        with scopes_disabled():
            return ARContent.objects.get(pk=content.pk)

    running = ARContent.Pipeline.RUNNING
    wait_for(lambda: row().pipeline_status == running, worker, "the pipeline did not start", timeout=90)
    kill_the_pool_process(worker)
    assert row().pipeline_status == running, "the kill landed mid-run"

    wait_for(lambda: row().pipeline_status != running, worker, "the pipeline did not finish", timeout=180)
    finished = row()
    assert finished.pipeline_status == ARContent.Pipeline.SUCCEEDED, finished.pipeline_error
    assert finished.pipeline_attempts == 2
    assert finished.marker_id is not None
