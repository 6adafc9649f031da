"""Platform tasks: the worker heartbeat (which workers are alive), e-mail delivery, and
sending again the tasks whose broker was away."""

from __future__ import annotations

import os
import socket
from typing import Any

from celery import shared_task
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from arvlite.core.models import WorkerHeartbeat
from arvlite.core.task_base import AppTask, resend_unsent


@shared_task(bind=True, base=AppTask, name="core.record_heartbeat", ignore_result=True)
def record_heartbeat(self: Any, token: str = "") -> None:
    """Upsert the running worker's heartbeat row (hostname, pid, time); safe to repeat."""
    hostname = self.request.hostname or f"{socket.gethostname()}:in-process"
    WorkerHeartbeat.objects.update_or_create(
        hostname=hostname[:200],
        defaults={"pid": os.getpid(), "token": token[:64], "seen_at": timezone.now()},
    )


@shared_task(
    bind=True,
    # The project's task_cls anyway; named so the checker knows delay_on_commit.
    base=AppTask,
    name="core.send_email",
    ignore_result=True,
    autoretry_for=(OSError,),  # SMTP connection problems are transient
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
)
def send_email(
    self: Any, *, to: str, subject: str, text: str, html: str, attachments: list[list[str]] | None = None
) -> None:
    """Send one e-mail (plain text with an HTML alternative); retried with backoff.
    ``attachments``: ``[filename, storage name, MIME type]`` each, read from the default
    storage when sending (task arguments stay small and JSON)."""
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    for filename, name, mime_type in attachments or []:
        with default_storage.open(name, "rb") as stored:
            message.attach(filename, stored.read(), mime_type)
    message.send()


@shared_task(bind=True, name="core.resend_unsent_tasks", ignore_result=True)
def resend_unsent_tasks(self: Any) -> int:
    """Send again the tasks kept while the broker was unreachable (platform-wide)."""
    return resend_unsent(self.app)
