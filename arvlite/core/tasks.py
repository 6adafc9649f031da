"""Platform tasks: the worker heartbeat that tells operators which workers are alive."""

from __future__ import annotations

import os
import socket
from typing import Any

from celery import shared_task
from django.utils import timezone

from arvlite.core.models import WorkerHeartbeat


@shared_task(bind=True, name="core.record_heartbeat", ignore_result=True)
def record_heartbeat(self: Any, token: str = "") -> None:
    """Upsert the running worker's heartbeat row (hostname, pid, time); safe to repeat."""
    hostname = self.request.hostname or f"{socket.gethostname()}:in-process"
    WorkerHeartbeat.objects.update_or_create(
        hostname=hostname[:200],
        defaults={"pid": os.getpid(), "token": token[:64], "seen_at": timezone.now()},
    )
