"""Celery entry point of the viewer's scan buffer (thin: the work is in flush.py)."""

from __future__ import annotations

from celery import shared_task

from arcontent.viewer import flush as buffered


@shared_task(name="arcontent.flush_views", acks_late=True, soft_time_limit=240, time_limit=300)
def flush_views() -> int:
    """Write the buffered views and session events (every 15 s from beat)."""
    return buffered.flush().events
