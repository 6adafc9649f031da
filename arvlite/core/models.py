"""Platform plumbing rows: the audit trail of state changes and worker heartbeats."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from arvlite.core.tenancy import TenantManager


class AuditEntry(models.Model):
    """Who changed what in a company, and how. Written by services, never edited."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="audit_entries")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=80)  # "<entity>.<verb>", e.g. content.publish
    target_type = models.CharField(_("object type"), max_length=80, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["company", "target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.action} {self.target_repr}".strip()


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
