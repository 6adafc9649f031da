"""Periodic jobs of the companies app."""

from __future__ import annotations

from celery import shared_task

from arvlite.core.scratch import remove_stale_scratch
from companies.files import held_files_expire
from companies.storage_cleanup import cleanup_storage


@shared_task(name="companies.cleanup_storage", ignore_result=True)
def cleanup_storage_task() -> dict[str, int]:
    """Remove file rows without objects and objects without rows, and the left-over scratch
    files of the machine that runs it; returns the report."""
    storage = cleanup_storage().as_dict()
    return {**storage, "scratch_removed": remove_stale_scratch().removed}


@shared_task(name="companies.expire_held_files", ignore_result=True)
def expire_held_files_task() -> int:
    """Remove held files (unpaid storefront orders' photos) past their hold."""
    return held_files_expire()
