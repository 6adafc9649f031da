"""Celery entry points of the videos app."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import OperationalError

from videos import processing


@shared_task(
    bind=True,
    name="videos.process_video",
    acks_late=True,
    autoretry_for=(OSError, OperationalError),
    retry_backoff=30,
    retry_backoff_max=900,
    max_retries=5,
    soft_time_limit=1700,
    time_limit=1800,
)
def process_video(self: Any, video_id: int) -> None:
    """Probe, transcode (1080p/720p H.264/AAC faststart), poster and thumbnails."""
    processing.process_video(video_id)


@shared_task(name="videos.reap_stuck_videos", ignore_result=True)
def reap_stuck_videos() -> int:
    return processing.reap_stuck()


@shared_task(name="videos.expire_uploads", ignore_result=True)
def expire_uploads() -> int:
    """Remove unfinished resumable uploads past their expiry, with their parts."""
    from videos.uploads import expire_uploads as expire

    return expire()
