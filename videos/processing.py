"""Video processing on the ``media`` queue: probe, transcode the renditions, poster and
thumbnails. State lives on the Video row; a run claims the job first and replaces the
previous run's files, so it is safe to repeat. The task runs these functions inside the
video's company scope (arvlite.core.tenant_tasks); only the reaper looks across companies."""

from __future__ import annotations

import functools
import hashlib
import io
import shutil
from pathlib import Path
from typing import Any

import structlog
from django.core.files.storage import default_storage
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from arvlite.core.events import emit
from arvlite.core.scratch import work_directory
from arvlite.core.task_claims import delivery_task_id, lost_after
from arvlite.core.tenancy import scopes_disabled
from arvlite.core.thumbnails import make_thumbnails
from companies.audit import audit_log
from companies.files import stored_file_create
from companies.models import StoredFile
from videos.media.errors import EMPTY, TranscodeError, VideoRejectedError
from videos.media.frames import frame_image, poster_jpeg
from videos.media.probe import probe
from videos.media.transcode import rendition_plan, transcode_all
from videos.models import Video
from videos.services import playback_adopt_ready
from videos.tasks import process_video as process_video_task

logger = structlog.get_logger(__name__)
MAX_ATTEMPTS = 3
STUCK_AFTER = lost_after(process_video_task)
WORKER_LOST = (
    "Processing was interrupted several times (its worker stopped mid-run, often for lack of memory). "
    "Upload the video again, or a shorter or smaller one."
)
TRANSCODE_TIME_LIMIT = 1500  # seconds for the whole pass; under the task's hard limit
COPY_BYTES = 1024 * 1024
THUMBNAIL_FIELDS = {"150x112": "thumbnail_small", "320x240": "thumbnail_medium", "640x480": "thumbnail_large"}


def _claim(video: Video) -> bool:
    """Take the job: uploaded → processing, one winner only; or take back this same task's
    claim after its worker died mid-run (arvlite.core.task_claims)."""
    task_id = delivery_task_id()
    claimable = Q(status=Video.Status.UPLOADED)
    if task_id:
        claimable |= Q(status=Video.Status.PROCESSING, task_id=task_id)
    with transaction.atomic():
        row = Video.objects.select_for_update().filter(claimable, pk=video.pk).first()
        if row is None:
            return False
        if row.status == Video.Status.PROCESSING:
            logger.warning("video.claim_resumed", video_id=video.pk, attempts=row.attempts)
            if row.attempts >= MAX_ATTEMPTS:
                video.attempts = row.attempts
                _fail(video, WORKER_LOST)
                return False
        # The attempt number fences the claim: a run whose claim was taken over (another
        # delivery of the same task) changes nothing (see _held).
        video.attempts = row.attempts + 1
        Video.objects.filter(pk=video.pk).update(
            status=Video.Status.PROCESSING,
            progress=0,
            attempts=F("attempts") + 1,
            started_at=timezone.now(),
            task_id=task_id,
            error="",
        )
    return True


def _held(video: Video) -> Q:
    """The row while ``video``'s run still holds the claim it took (status and attempt)."""
    return Q(pk=video.pk, status=Video.Status.PROCESSING, attempts=video.attempts)


def _set_progress(video: Video, percent: float) -> None:
    Video.objects.filter(_held(video)).update(progress=min(int(percent), 99))


def _store(video: Video, kind: str, data: bytes | Path, name: str) -> StoredFile:
    handle = io.BytesIO(data) if isinstance(data, bytes) else open(data, "rb")  # noqa: SIM115 - closed below
    try:
        return stored_file_create(
            company=video.company,
            kind=kind,
            content=handle,
            original_name=name,
            project=video.content.project,
        )
    finally:
        handle.close()


def process_video(video: Video) -> None:
    """Build the renditions of one video; a bad file fails with the reason."""
    if not _claim(video):
        logger.info("video.skip_unclaimed", video_id=video.pk)
        return
    original = video.original
    if original is None:  # its file was deleted since the upload
        _fail(video, EMPTY)
        return
    workdir = work_directory("video")
    try:
        source = workdir / "source"
        _fetch(original, source)
        outputs = _build(video, source, workdir)
    except (VideoRejectedError, TranscodeError) as error:
        _fail(video, error.message)
        return
    except (OSError, OperationalError, InterfaceError):
        # A dropped connection stays broken for the rest of the task (every statement then
        # fails with InterfaceError): close it, so the release opens a new one.
        connection.close_if_unusable_or_obsolete()
        _release(video)
        raise  # storage or database trouble: the task retries
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    _finish(video, outputs)


def _fetch(original: StoredFile, target: Path) -> None:
    """Copy the original to local disk. An original that S3 joined from upload parts has
    no SHA-256 yet (no byte passed through the web process): it is taken on the way."""
    digest = hashlib.sha256()
    with default_storage.open(original.key, "rb") as src, open(target, "wb") as dst:
        while chunk := src.read(COPY_BYTES):
            digest.update(chunk)
            dst.write(chunk)
    if not original.sha256:
        original.sha256 = digest.hexdigest()
        StoredFile.objects.filter(pk=original.pk, sha256="").update(sha256=original.sha256)


def _build(video: Video, source: Path, workdir: Path) -> dict[str, Any]:
    """Both renditions and the poster frame in one decode pass, then the poster and the
    thumbnails from that frame."""
    info = probe(source)
    heights = rendition_plan(info)
    made = transcode_all(
        source,
        [(workdir / f"{height}.mp4", height) for height in heights],
        time_limit=TRANSCODE_TIME_LIMIT,
        progress=functools.partial(_set_progress, video),
        info=info,
    )
    outputs: dict[str, Any] = {"info": info}
    for height, rendition in zip(heights, made.renditions, strict=True):
        # Taller than 720 is the "1080" rendition; 720 and smaller sources fill the "720" one.
        field = "rendition_1080" if height > 720 else "rendition_720"
        outputs[field] = _store(video, StoredFile.Kind.RENDITION, rendition.path, f"{height}p.mp4")
    # No frame is picked only when every decoded frame was dropped as out of order.
    picture = made.poster or frame_image(source)
    outputs["poster"] = _store(video, StoredFile.Kind.THUMBNAIL, poster_jpeg(picture), "poster.jpg")
    for size, data in make_thumbnails(picture).items():
        outputs[THUMBNAIL_FIELDS[size]] = _store(
            video, StoredFile.Kind.THUMBNAIL, data, f"thumbnail-{size}.webp"
        )
    return outputs


def _release(video: Video) -> None:
    Video.objects.filter(_held(video)).update(status=Video.Status.UPLOADED)


def _fail(video: Video, reason: str) -> None:
    with transaction.atomic():
        failed = Video.objects.filter(_held(video)).update(
            status=Video.Status.FAILED, error=reason, finished_at=timezone.now(), progress=0
        )
        if not failed:  # the claim was taken over meanwhile: that run decides
            return
        audit_log(company=video.company, actor=None, action="video.process_failed", target=video,
                  changes={"reason": [None, reason]})  # fmt: skip
        emit("video.failed", company=video.company, subject=video, reason=reason)


FILE_FIELDS = (
    "rendition_1080",
    "rendition_720",
    "poster",
    "thumbnail_small",
    "thumbnail_medium",
    "thumbnail_large",
)


def _finish(video: Video, outputs: dict[str, Any]) -> None:
    info = outputs["info"]
    with transaction.atomic():
        locked = Video.objects.select_for_update().get(pk=video.pk)
        if (locked.status, locked.attempts) != (Video.Status.PROCESSING, video.attempts):
            logger.warning("video.claim_lost", video_id=video.pk, attempt=video.attempts)
            made = [outputs[name].pk for name in FILE_FIELDS if outputs.get(name)]
            StoredFile.objects.filter(pk__in=made).delete()  # the run that holds the claim stores its own
            return
        old = [getattr(locked, f"{name}_id") for name in FILE_FIELDS]
        for name in FILE_FIELDS:
            setattr(locked, name, outputs.get(name))
        locked.duration_seconds = info.duration_seconds
        locked.width, locked.height, locked.fps, locked.codec = info.width, info.height, info.fps, info.codec
        locked.status = Video.Status.READY
        locked.progress = 100
        locked.finished_at = timezone.now()
        locked.save()
        StoredFile.objects.filter(pk__in=[pk for pk in old if pk]).delete()
        audit_log(company=video.company, actor=None, action="video.processed", target=locked)
        if locked.enabled:
            playback_adopt_ready(video=locked)
        emit("video.ready", company=video.company, subject=locked)


def reap_stuck() -> int:
    """Videos "processing" for longer than STUCK_AFTER lost their worker: requeue them, or
    fail them after MAX_ATTEMPTS."""
    cutoff = timezone.now() - STUCK_AFTER
    touched = 0
    with scopes_disabled():  # a platform-wide sweep: stuck videos of every company
        for video in Video.objects.filter(
            status=Video.Status.PROCESSING, started_at__lt=cutoff
        ).select_related("company"):
            if video.attempts >= MAX_ATTEMPTS:
                _fail(video, "Processing did not finish after several attempts. Upload the video again.")
            else:
                _release(video)
                process_video_task.delay_on_commit(video.pk)  # kept if the broker is away
            touched += 1
    return touched
