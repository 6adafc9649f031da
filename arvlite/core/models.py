"""Platform plumbing rows: worker heartbeats."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """The last time each Celery worker ran the periodic heartbeat task (operators' view)."""

    hostname = models.CharField(max_length=200, unique=True)
    pid = models.PositiveIntegerField()
    token = models.CharField(max_length=64, blank=True)
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        ordering = ["hostname"]

    def __str__(self) -> str:
        return self.hostname
