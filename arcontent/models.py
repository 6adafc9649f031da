"""AR content: one printed photo, its marker and files, its publishing state."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arvlite.core.fields import OptionalLinkOptions
from arvlite.core.tenancy import TenantManager
from companies.models import StoredFile
from projects.models import MAX_PRINT_CM, MAX_TERM_YEARS, MIN_PRINT_CM, MIN_TERM_YEARS

# Optional links to files and users (null=True at each field, see OptionalLinkOptions).
FILE_FK: OptionalLinkOptions = {"on_delete": models.SET_NULL, "blank": True, "related_name": "+"}


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
    # RESTRICT, not PROTECT: a project holding content is never deleted alone, but deleting
    # the company takes both (PROTECT refused that too, with a 500).
    project = models.ForeignKey("projects.Project", on_delete=models.RESTRICT, related_name="ar_contents")
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
    # demo_1 … demo_5 of the viewer API point at the content holding that slot (seed_demo).
    demo_slot = models.PositiveSmallIntegerField(
        _("demo slot"),
        null=True,
        blank=True,
        unique=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )

    # Files (StoredFile rows; deleting the content deletes them, see services).
    photo = models.ForeignKey("companies.StoredFile", verbose_name=_("original photo"), null=True, **FILE_FK)
    marker = models.ForeignKey("companies.StoredFile", verbose_name=_("marker"), null=True, **FILE_FK)
    enhanced_marker = models.ForeignKey(
        "companies.StoredFile", verbose_name=_("enhanced marker"), null=True, **FILE_FK
    )
    thumbnail_small = models.ForeignKey("companies.StoredFile", null=True, **FILE_FK)
    thumbnail_medium = models.ForeignKey("companies.StoredFile", null=True, **FILE_FK)
    thumbnail_large = models.ForeignKey("companies.StoredFile", null=True, **FILE_FK)
    web_target = models.ForeignKey(
        "companies.StoredFile", verbose_name=_("web AR target"), null=True, **FILE_FK
    )
    marker_is_enhanced = models.BooleanField(_("enhanced marker in use"), default=False)

    # The photo → marker pipeline (state in our table, not in Celery's).
    pipeline_status = models.CharField(max_length=20, choices=Pipeline.choices, default=Pipeline.PENDING)
    pipeline_error = models.TextField(blank=True)
    pipeline_attempts = models.PositiveSmallIntegerField(default=0)
    pipeline_started_at = models.DateTimeField(null=True, blank=True)
    # The Celery task that holds the "running" claim (arvlite.core.task_claims).
    pipeline_task_id = models.CharField(max_length=64, blank=True, editable=False)
    pipeline_finished_at = models.DateTimeField(null=True, blank=True)
    web_target_status = models.CharField(max_length=20, choices=WebTarget.choices, default=WebTarget.PENDING)
    web_target_reason = models.TextField(blank=True)
    web_target_compiler_version = models.CharField(max_length=32, blank=True)

    # Trackability and the similar-marker check.
    analysis = models.JSONField(default=dict, blank=True)
    enhanced_analysis = models.JSONField(default=dict, blank=True)
    quality_override_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, **FILE_FK)
    similar_matches = models.JSONField(default=list, blank=True)
    similar_override_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, **FILE_FK)

    # This content's own scene settings over its project's (arcontent/scene.py).
    scene = models.JSONField(default=dict, blank=True)
    # A PNG with transparency drawn above the video, the size of the print (a frame).
    scene_overlay = models.ForeignKey(
        "companies.StoredFile", verbose_name=_("overlay frame"), null=True, **FILE_FK
    )

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, **FILE_FK)
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
        indexes = [
            models.Index(fields=["company", "status"]),
            # The lists' order: a page of the newest reads 100 rows in order instead of
            # joining every file of the company's 10,000 contents and sorting them (190 ms).
            models.Index(fields=["company", "-created_at", "-id"], name="arcontent_company_newest"),
        ]

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
    def marker_in_use(self) -> StoredFile | None:
        """The marker prints and trackers use: the enhanced candidate once chosen, else the
        marker made from the photo (None until processing made one)."""
        if self.marker_is_enhanced and self.enhanced_marker_id is not None:
            return self.enhanced_marker
        return self.marker

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


class ViewSession(models.Model):
    """One scan of a print: written in batches from the Redis buffer (arcontent/viewer/flush),
    completed by the session events the app or web page reports. No raw IP is kept: the
    visitor is a salted hash that changes every day."""

    class Source(models.TextChoices):
        APP = "app", _("App")
        WEB = "web", _("Web viewer")
        OTHER = "other", _("Other")

    class Device(models.TextChoices):
        MOBILE = "mobile", _("Phone")
        TABLET = "tablet", _("Tablet")
        DESKTOP = "desktop", _("Computer")
        BOT = "bot", _("Bot")
        OTHER = "other", _("Other")

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    content = models.ForeignKey(ARContent, on_delete=models.CASCADE, related_name="view_sessions")
    started_at = models.DateTimeField(_("started"))
    session_id = models.UUIDField(_("client session"), null=True, blank=True)
    counted_view = models.BooleanField(
        default=True, help_text=_("False when only session events arrived (no manifest request seen).")
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.OTHER)
    visitor_hash = models.CharField(max_length=32, blank=True)
    device_type = models.CharField(max_length=10, choices=Device.choices, default=Device.OTHER)
    os = models.CharField(max_length=40, blank=True)
    browser = models.CharField(_("browser or app"), max_length=60, blank=True)
    device_model = models.CharField(max_length=80, blank=True)
    app_version = models.CharField(max_length=40, blank=True)
    country = models.CharField(max_length=2, blank=True)
    copy = models.CharField(_("printed copy"), max_length=40, blank=True)
    video_id = models.BigIntegerField(null=True, blank=True)
    video_played = models.BooleanField(default=False)
    duration_seconds = models.PositiveIntegerField(_("watched, s"), default=0)
    # The furthest point of the video reached, as reported (None: the client did not say).
    position_seconds = models.PositiveIntegerField(_("reached, s"), null=True, blank=True)
    # The rule that chose the video on the scan (videos.selection), "" when unknown.
    selection_source = models.CharField(max_length=20, blank=True)
    tracking_quality = models.CharField(max_length=20, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("view session")
        verbose_name_plural = _("view sessions")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content", "session_id"],
                condition=models.Q(session_id__isnull=False),
                name="view_session_client_id_per_content",
            )
        ]
        indexes = [
            models.Index(fields=["company", "started_at"]),
            models.Index(fields=["content", "started_at"]),
            models.Index(fields=["content", "visitor_hash", "started_at"]),
        ]

    def __str__(self) -> str:
        return f"view of {self.content_id} at {self.started_at:%Y-%m-%d %H:%M}"


class DailyCounters(models.Model):
    """What each daily roll-up counts (rollups.py says how): the figures add these up."""

    views = models.PositiveIntegerField(default=0)
    visitors = models.PositiveIntegerField(default=0)
    plays = models.PositiveIntegerField(default=0)
    watch_seconds = models.PositiveBigIntegerField(default=0)
    watched_sessions = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class DailyViewStat(DailyCounters):
    """A roll-up of view sessions: one row per content, local day (the company's time zone),
    device type, OS and browser. Visitor hashes change daily, so unique visitors add up
    across days."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    content = models.ForeignKey(ARContent, on_delete=models.CASCADE, related_name="daily_stats")
    day = models.DateField()
    device_type = models.CharField(max_length=10, blank=True)
    os = models.CharField(max_length=40, blank=True)
    browser = models.CharField(max_length=60, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("daily view statistics")
        verbose_name_plural = _("daily view statistics")
        ordering = ["-day", "content_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content", "day", "device_type", "os", "browser"], name="daily_view_stat_key"
            )
        ]
        indexes = [models.Index(fields=["company", "day"]), models.Index(fields=["project", "day"])]

    def __str__(self) -> str:
        return f"{self.content_id} {self.day}: {self.views}"


class DailyCompanyStat(DailyCounters):
    """DailyViewStat summed over a company's content: one row per company, local day,
    device type, OS and browser (about 20 a day, where DailyViewStat has 20 per content and
    day). Rebuilt with it in the same transaction; the company-wide figures read only this
    and DailyContentTotal, so a custom range costs the same at 10 or 10 million scans."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    device_type = models.CharField(max_length=10, blank=True)
    os = models.CharField(max_length=40, blank=True)
    browser = models.CharField(max_length=60, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("daily company statistics")
        verbose_name_plural = _("daily company statistics")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "day", "device_type", "os", "browser"], name="daily_company_stat_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.company_id} {self.day}: {self.views}"


class DailyContentTotal(DailyCounters):
    """DailyViewStat summed over device, OS and browser, people only (bots left out): one
    row per content and local day, for the company's most viewed content."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    content = models.ForeignKey(ARContent, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    objects = TenantManager()

    class Meta:
        verbose_name = _("daily content totals")
        verbose_name_plural = _("daily content totals")
        ordering = ["-day", "content_id"]
        constraints = [models.UniqueConstraint(fields=["content", "day"], name="daily_content_total_key")]
        indexes = [models.Index(fields=["company", "day"])]

    def __str__(self) -> str:
        return f"{self.content_id} {self.day}: {self.views}"


class DailyVideoStat(models.Model):
    """A roll-up of view sessions per video: one row per content, video, local day and the
    rule that chose the video (``selection_source``). Built beside DailyViewStat, from the
    sessions with a known video, bots left out. The quarter and completion counts are of
    ``positioned`` sessions: those that reported how far they got in a video of known length."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    content = models.ForeignKey(ARContent, on_delete=models.CASCADE, related_name="daily_video_stats")
    video_id = models.BigIntegerField()
    day = models.DateField()
    selection_source = models.CharField(max_length=20, blank=True)
    sessions = models.PositiveIntegerField(default=0)
    plays = models.PositiveIntegerField(default=0)
    visitors = models.PositiveIntegerField(default=0)
    watch_seconds = models.PositiveBigIntegerField(default=0)
    positioned = models.PositiveIntegerField(default=0)
    reached_25 = models.PositiveIntegerField(default=0)
    reached_50 = models.PositiveIntegerField(default=0)
    reached_75 = models.PositiveIntegerField(default=0)
    reached_100 = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(
        default=0, help_text=_("Sessions that reached 90 % of the video.")
    )

    objects = TenantManager()

    class Meta:
        verbose_name = _("daily video statistics")
        verbose_name_plural = _("daily video statistics")
        ordering = ["-day", "content_id", "video_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content", "video_id", "day", "selection_source"], name="daily_video_stat_key"
            )
        ]
        indexes = [models.Index(fields=["company", "day"]), models.Index(fields=["content", "day"])]

    def __str__(self) -> str:
        return f"{self.content_id}/{self.video_id} {self.day}: {self.plays}"


class ViewFlushBatch(models.Model):
    """Batches of buffered viewer events already written, so a flush repeated after a crash
    between the database commit and the Redis clean-up does not count twice."""

    batch_id = models.CharField(max_length=64, unique=True)
    events = models.PositiveIntegerField()
    flushed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.batch_id} ({self.events})"


# Defined in its own package, registered with the app here.
from arcontent.bulk.models import BulkJob as BulkJob  # noqa: E402
