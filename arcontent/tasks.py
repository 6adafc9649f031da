"""Celery entry points of the arcontent app (thin: the work is in pipeline.py/services.py)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import OperationalError

from arcontent import pipeline, services

# Storage and database hiccups are worth another try; a bad photo is not.
TRANSIENT_ERRORS = (OSError, OperationalError, pipeline.TransientPipelineError)


@shared_task(
    bind=True,
    name="arcontent.process_content",
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=10,
    retry_backoff_max=600,
    max_retries=5,
    soft_time_limit=300,
    time_limit=360,
)
def process_content(self: Any, content_id: int) -> None:
    """Photo → marker, thumbnails, analysis, similar-marker check; then the web target.
    Claims the job first, so a duplicate delivery does nothing."""
    pipeline.run_pipeline(content_id)


@shared_task(
    bind=True,
    name="arcontent.process_web_target",
    acks_late=True,
    autoretry_for=(OSError, OperationalError),
    retry_backoff=30,
    max_retries=3,
    soft_time_limit=600,
    time_limit=660,
)
def process_web_target(self: Any, content_id: int) -> None:
    """Compile the MindAR target of the content's current marker (media queue, ~10 s)."""
    pipeline.build_web_target(content_id)


@shared_task(name="arcontent.expire_content", ignore_result=True)
def expire_content() -> int:
    """Move content past its expiry date to "expired" (periodic; safe to repeat)."""
    return services.content_expire_due()


@shared_task(name="arcontent.reap_stuck_pipelines", ignore_result=True)
def reap_stuck_pipelines() -> int:
    """Requeue (or fail, after too many attempts) pipelines stuck in "running"."""
    return pipeline.reap_stuck()
