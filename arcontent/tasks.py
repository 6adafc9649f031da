"""Celery entry points of the arcontent app. Thin: the work is in pipeline.py and
services.py, imported inside each body because those modules send these tasks."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from arcontent.models import ARContent
from arvlite.core.tenant_tasks import tenant_task


class TransientPipelineError(Exception):
    """Something outside the photo failed (storage, database): worth another try."""


# Storage and database hiccups are worth another try; a bad photo is not.
TRANSIENT_ERRORS = (OSError, OperationalError, InterfaceError, TransientPipelineError)


@tenant_task(
    "arcontent.ARContent",
    name="arcontent.process_content",
    select_related=("project", "photo"),
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=10,
    retry_backoff_max=600,
    max_retries=5,
    soft_time_limit=300,
    time_limit=360,
)
def process_content(content: ARContent) -> None:
    """Photo → marker, thumbnails, analysis, similar-marker check; then the web target.
    Claims the job first, so a duplicate delivery does nothing."""
    from arcontent import pipeline

    pipeline.run_pipeline(content)


@tenant_task(
    "arcontent.ARContent",
    name="arcontent.process_web_target",
    select_related=("project", "marker", "enhanced_marker"),
    acks_late=True,
    autoretry_for=(OSError, OperationalError, InterfaceError),
    retry_backoff=30,
    max_retries=3,
    soft_time_limit=600,
    time_limit=660,
)
def process_web_target(content: ARContent) -> None:
    """Compile the MindAR target of the content's current marker (media queue, ~10 s)."""
    from arcontent import pipeline

    pipeline.build_web_target(content)


@shared_task(name="arcontent.retry_web_targets", ignore_result=True)
def retry_web_targets() -> int:
    """Web AR targets left unavailable while the MindAR compiler was missing: built now."""
    from arcontent.services import retry_unavailable_web_targets

    return retry_unavailable_web_targets()


@shared_task(name="arcontent.expire_content", ignore_result=True)
def expire_content() -> int:
    """Move content past its expiry date to "expired" (periodic, every company; safe to repeat)."""
    from arcontent import services

    return services.content_expire_due()


@shared_task(name="arcontent.reap_stuck_pipelines", ignore_result=True)
def reap_stuck_pipelines() -> int:
    """Requeue (or fail, after too many attempts) pipelines stuck in "running" (every company)."""
    from arcontent import pipeline

    return pipeline.reap_stuck()


# Bulk jobs have their own package; imported here so workers (which autodiscover
# ``<app>.tasks``) know the task.
from arcontent.bulk.tasks import run_bulk_job as run_bulk_job  # noqa: E402
