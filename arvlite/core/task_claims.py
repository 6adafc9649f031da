"""Who holds a long job, and when a holder counts as lost.

A media job (a video's transcode, a photo's pipeline) is claimed by a conditional update on
its row, and the row records the id of the Celery task that claimed it. Tasks are
acknowledged late and rejected back to the queue when their worker process dies, so a
worker killed mid-job (SIGKILL, the out-of-memory killer) gets its message delivered again
*with the same task id*: that delivery may take its own interrupted claim back — counting
an attempt, so a file that kills every worker fails after a few tries instead of looping.
A different task (a duplicate send, the reaper's requeue) never takes a live claim.

When the whole worker machine is gone the message comes back only after the broker's
visibility timeout; the reapers cover that case, and a job counts as lost once it has been
held longer than its task's hard time limit — past it no worker can still be running it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from celery import current_task

# Between the hard time limit killing a run and the row showing it: the worker's clean-up.
REAP_SLACK = timedelta(minutes=2)


def delivery_task_id() -> str:
    """The id of the Celery task being run, '' outside one (a job run by hand)."""
    request = getattr(current_task, "request", None) if current_task else None
    return str(getattr(request, "id", None) or "")


def lost_after(task: Any) -> timedelta:
    """How long a job of ``task`` may be held before its worker counts as lost."""
    return timedelta(seconds=task.time_limit) + REAP_SLACK
