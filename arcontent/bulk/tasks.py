"""Celery entry point of bulk jobs. Thin: the work is in ``arcontent.bulk.services``,
imported inside the body because that module sends this task."""

from __future__ import annotations

from arcontent.bulk.models import BulkJob
from arvlite.core.tenant_tasks import tenant_task


@tenant_task(
    "arcontent.BulkJob",
    name="arcontent.run_bulk_job",
    acks_late=True,
    soft_time_limit=1500,
    time_limit=1600,
)
def run_bulk_job(job: BulkJob, *, actor_id: int | None = None) -> None:
    """Run a bulk job for its company, as its user while still an editor there. Claims the
    job first, so a duplicate delivery does nothing; the items already done are skipped."""
    from arcontent.bulk import services

    services.bulk_job_run(job=job, actor=services.bulk_job_actor(job, actor_id))
