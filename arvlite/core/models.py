"""Platform plumbing rows: worker heartbeats, tasks waiting for the broker."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
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


class UnsentTask(models.Model):
    """A task whose sending after a commit failed (the broker was unreachable): kept here,
    in the database that just committed the work it belongs to, and sent again by
    ``core.resend_unsent_tasks`` once the broker answers (arvlite.core.task_base)."""

    name = models.CharField(max_length=200)
    # Django's encoder: an eta, a UUID or a Decimal among them is kept, not lost.
    args = models.JSONField(default=list, encoder=DjangoJSONEncoder)
    kwargs = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    options = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("unsent task")
        verbose_name_plural = _("unsent tasks")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.created_at:%Y-%m-%d %H:%M})"
