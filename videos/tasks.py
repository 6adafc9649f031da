"""Celery entry points of the videos app. Thin: the work is in processing.py and
uploads.py, imported inside each body because those modules send these tasks."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from arvlite.core.tenant_tasks import tenant_task
from videos.models import Video


@tenant_task(
    "videos.Video",
    name="videos.process_video",
    select_related=("content__project", "original"),
    acks_late=True,
    autoretry_for=(OSError, OperationalError, InterfaceError),
    retry_backoff=30,
    retry_backoff_max=900,
    max_retries=5,
    soft_time_limit=1700,
    time_limit=1800,
)
def process_video(video: Video) -> None:
    """Probe, transcode (1080p/720p H.264/AAC faststart), poster and thumbnails."""
    from videos import processing

    processing.process_video(video)


@shared_task(name="videos.reap_stuck_videos", ignore_result=True)
def reap_stuck_videos() -> int:
    """Requeue (or fail) videos stuck in "processing" (every company)."""
    from videos import processing

    return processing.reap_stuck()


@shared_task(name="videos.expire_uploads", ignore_result=True)
def expire_uploads() -> int:
    """Remove unfinished resumable uploads past their expiry, with their parts (every company)."""
    from videos import uploads

    return uploads.expire_uploads()
