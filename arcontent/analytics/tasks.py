"""Celery entry point of the analytics roll-ups (thin: the work is in rollups.py)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from arcontent.analytics import rollups
from arvlite.core.task_base import AppTask
from companies.models import Company


@shared_task(
    base=AppTask,  # the project's task_cls anyway; named so the checker knows delay_on_commit
    name="arcontent.rollup_views",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=30,
    max_retries=3,
    soft_time_limit=1500,
    time_limit=1600,
)
def rollup_views(company_id: int | None = None, days: int = 2) -> int:
    """Rebuild the daily roll-ups of the last ``days`` local days (today included): of one
    company, or — from beat, every 10 minutes — of every active company; then compute the
    company-wide figures into the cache. Safe to repeat."""
    if company_id is None:
        return rollups.rollup_all_companies(days=days)
    company = Company.objects.filter(pk=company_id, status=Company.Status.ACTIVE).first()
    if company is None:
        return 0
    return rollups.rollup_and_warm(company=company, days=days)
