"""A bulk job: one action over a selection of a company's content, its progress and the
outcome of each item. Registered with the arcontent app by ``arcontent.models``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from arvlite.core.tenancy import TenantManager


class BulkJob(models.Model):
    class Kind(models.TextChoices):
        PUBLISH = "publish", _("Publish")
        PAUSE = "pause", _("Pause")
        ARCHIVE = "archive", _("Archive")
        RENEW = "renew", _("Renew")
        PRINT_LABELS = "print_labels", _("Print sheet of labels")
        PRINT_PHOTOS = "print_photos", _("Print sheet of photos")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    # The content's primary keys, in the order chosen, and options such as renew's years.
    content_ids = models.JSONField(default=list)
    options = models.JSONField(default=dict, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    # One entry per item: {"id": uuid, "order_number", "ok": bool, "message"}.
    results = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    file = models.ForeignKey(
        "companies.StoredFile", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("bulk job")
        verbose_name_plural = _("bulk jobs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["company", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.done + self.failed}/{self.total}"

    @property
    def processed(self) -> int:
        return self.done + self.failed

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.processed / self.total)

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
