"""AR content: one printed photo, its marker and files, its publishing state."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arvlite.core.tenancy import TenantManager
from projects.models import MAX_PRINT_CM, MAX_TERM_YEARS, MIN_PRINT_CM, MIN_TERM_YEARS

FILE_FK = {"on_delete": models.SET_NULL, "null": True, "blank": True, "related_name": "+"}


class OrderNumberCounter(models.Model):
    """The last order number given out per company and year. Incremented under a row
    lock inside the transaction that creates the content, so numbers have no gaps (a
    rollback takes its number back) and never collide."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "year"], name="order_counter_company_year")]

    def __str__(self) -> str:
        return f"{self.company_id}/{self.year}: {self.last_value}"


class ARContent(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PROCESSING = "processing", _("Processing")
        READY = "ready", _("Ready")
        ACTIVE = "active", _("Published")
        PAUSED = "paused", _("Paused")
        EXPIRED = "expired", _("Expired")
        ARCHIVED = "archived", _("Archived")

    class Pipeline(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Done")
        FAILED = "failed", _("Failed")

    class WebTarget(models.TextChoices):
        PENDING = "pending", _("Not built yet")
        READY = "ready", _("Ready")
        UNAVAILABLE = "unavailable", _("Unavailable")
        FAILED = "failed", _("Failed")

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="ar_contents")
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="ar_contents")
    unique_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    order_number = models.CharField(_("order number"), max_length=32, editable=False)

    customer_name = models.CharField(_("customer name"), max_length=200, blank=True)
    customer_phone = models.CharField(_("customer phone"), max_length=32, blank=True)
    customer_email = models.EmailField(_("customer e-mail"), blank=True)
    print_width_cm = models.DecimalField(
        _("print width, cm"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(MIN_PRINT_CM), MaxValueValidator(MAX_PRINT_CM)],
    )
    print_height_cm = models.DecimalField(
        _("print height, cm"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(MIN_PRINT_CM), MaxValueValidator(MAX_PRINT_CM)],
    )
    term_years = models.PositiveSmallIntegerField(
        _("hosting term, years"),
        default=1,
        validators=[MinValueValidator(MIN_TERM_YEARS), MaxValueValidator(MAX_TERM_YEARS)],
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True, db_index=True)
    view_count = models.PositiveBigIntegerField(_("views"), default=0)

    # Files (StoredFile rows; deleting the content deletes them, see services).
    photo = models.ForeignKey("companies.StoredFile", verbose_name=_("original photo"), **FILE_FK)
    marker = models.ForeignKey("companies.StoredFile", verbose_name=_("marker"), **FILE_FK)
    enhanced_marker = models.ForeignKey("companies.StoredFile", verbose_name=_("enhanced marker"), **FILE_FK)
    thumbnail_small = models.ForeignKey("companies.StoredFile", **FILE_FK)
    thumbnail_medium = models.ForeignKey("companies.StoredFile", **FILE_FK)
    thumbnail_large = models.ForeignKey("companies.StoredFile", **FILE_FK)
    web_target = models.ForeignKey("companies.StoredFile", verbose_name=_("web AR target"), **FILE_FK)
    marker_is_enhanced = models.BooleanField(_("enhanced marker in use"), default=False)

    # The photo → marker pipeline (state in our table, not in Celery's).
    pipeline_status = models.CharField(max_length=20, choices=Pipeline.choices, default=Pipeline.PENDING)
    pipeline_error = models.TextField(blank=True)
    pipeline_attempts = models.PositiveSmallIntegerField(default=0)
    pipeline_started_at = models.DateTimeField(null=True, blank=True)
    pipeline_finished_at = models.DateTimeField(null=True, blank=True)
    web_target_status = models.CharField(max_length=20, choices=WebTarget.choices, default=WebTarget.PENDING)
    web_target_reason = models.TextField(blank=True)
    web_target_compiler_version = models.CharField(max_length=32, blank=True)

    # Trackability and the similar-marker check.
    analysis = models.JSONField(default=dict, blank=True)
    enhanced_analysis = models.JSONField(default=dict, blank=True)
    quality_override_by = models.ForeignKey(settings.AUTH_USER_MODEL, **FILE_FK)
    similar_matches = models.JSONField(default=list, blank=True)
    similar_override_by = models.ForeignKey(settings.AUTH_USER_MODEL, **FILE_FK)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, **FILE_FK)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("AR content")
        verbose_name_plural = _("AR content")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "order_number"], name="arcontent_order_number_per_company"
            ),
            models.CheckConstraint(
                condition=models.Q(print_width_cm__gte=MIN_PRINT_CM, print_height_cm__gte=MIN_PRINT_CM),
                name="arcontent_print_size_positive",
            ),
        ]
        indexes = [models.Index(fields=["company", "status"])]

    def __str__(self) -> str:
        return self.order_number

    @property
    def level(self) -> str:
        return str(self.analysis.get("level", "")) if self.analysis else ""

    @property
    def has_unresolved_similar(self) -> bool:
        return bool(self.similar_matches) and self.similar_override_by_id is None

    @property
    def is_poor(self) -> bool:
        return self.level == "poor" and self.quality_override_by_id is None

    @property
    def print_size_label(self) -> str:
        return _("%(width)s × %(height)s cm") % {
            "width": _trim(self.print_width_cm),
            "height": _trim(self.print_height_cm),
        }

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()


def _trim(value: Decimal) -> str:
    return format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)


class MarkerFingerprint(models.Model):
    """What the similar-marker check compares: perceptual hashes of the marker in its four
    right-angle rotations (the fast prefilter) and its ORB features (the exact check)."""

    content = models.OneToOneField(ARContent, on_delete=models.CASCADE, related_name="fingerprint")
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    phash_0 = models.BigIntegerField()
    phash_90 = models.BigIntegerField()
    phash_180 = models.BigIntegerField()
    phash_270 = models.BigIntegerField()
    features = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    def __str__(self) -> str:
        return f"fingerprint of {self.content_id}"
