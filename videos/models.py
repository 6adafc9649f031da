"""Videos of AR content, their processing state, and the rules that choose what plays."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from arvlite.core.fields import OptionalLinkOptions
from arvlite.core.tenancy import TenantManager

# Optional links to files and users (null=True at each field, see OptionalLinkOptions).
FILE_FK: OptionalLinkOptions = {"on_delete": models.SET_NULL, "blank": True, "related_name": "+"}


class Video(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", pgettext_lazy("video status", "Uploaded")
        PROCESSING = "processing", pgettext_lazy("video status", "Processing")
        READY = "ready", pgettext_lazy("video status", "Ready")
        FAILED = "failed", pgettext_lazy("video status", "Failed")

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="videos")
    content = models.ForeignKey("arcontent.ARContent", on_delete=models.CASCADE, related_name="videos")
    title = models.CharField(_("title"), max_length=200, blank=True)
    original = models.ForeignKey(
        "companies.StoredFile", verbose_name=_("original file"), null=True, **FILE_FK
    )
    rendition_1080 = models.ForeignKey("companies.StoredFile", null=True, **FILE_FK)
    rendition_720 = models.ForeignKey("companies.StoredFile", null=True, **FILE_FK)
    poster = models.ForeignKey("companies.StoredFile", null=True, **FILE_FK)
    thumbnail_small = models.ForeignKey("companies.StoredFile", null=True, **FILE_FK)
    thumbnail_medium = models.ForeignKey("companies.StoredFile", null=True, **FILE_FK)
    thumbnail_large = models.ForeignKey("companies.StoredFile", null=True, **FILE_FK)

    duration_seconds = models.PositiveIntegerField(_("duration, s"), default=0)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    fps = models.FloatField(default=0)
    codec = models.CharField(max_length=32, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    mime_type = models.CharField(max_length=100, blank=True)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.UPLOADED)
    error = models.TextField(_("error"), blank=True)
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    # The Celery task that holds the "processing" claim (arvlite.core.task_claims).
    task_id = models.CharField(max_length=64, blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)

    enabled = models.BooleanField(_("enabled"), default=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    end_date = models.DateField(_("plays until"), null=True, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MaxValueValidator(100)],
        help_text=_("For the random-daily rotation."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, **FILE_FK)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("video")
        verbose_name_plural = _("videos")
        ordering = ["content_id", "order", "id"]
        indexes = [models.Index(fields=["company", "status"])]

    def __str__(self) -> str:
        return self.title or f"video {self.pk}"


class VideoSchedule(models.Model):
    """A date-time window in which one video plays (in the company's time zone)."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    content = models.ForeignKey(
        "arcontent.ARContent", on_delete=models.CASCADE, related_name="video_schedules"
    )
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="schedules")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("video schedule")
        verbose_name_plural = _("video schedules")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="schedule_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.video} {self.starts_at:%Y-%m-%d %H:%M} → {self.ends_at:%Y-%m-%d %H:%M}"


class Playback(models.Model):
    """How a content chooses its video: the playback mode, the manually chosen video and
    the rotation rule (with its date rules)."""

    class Mode(models.TextChoices):
        MANUAL = "manual", _("The chosen video")
        SEQUENTIAL = "sequential", _("Sequential (stops on the last video)")
        CYCLIC = "cyclic", _("Cyclic (starts again after the last video)")

    class Rotation(models.TextChoices):
        NONE = "none", _("No rotation")
        FIXED = "fixed", _("Always the default video")
        DAILY_CYCLE = "daily_cycle", _("A different video every day")
        WEEKLY_CYCLE = "weekly_cycle", _("A different video every week")
        RANDOM_DAILY = "random_daily", _("A random video each day (weighted)")

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    content = models.OneToOneField("arcontent.ARContent", on_delete=models.CASCADE, related_name="playback")
    mode = models.CharField(_("playback mode"), max_length=20, choices=Mode.choices, default=Mode.MANUAL)
    active_video = models.ForeignKey(Video, verbose_name=_("active video"), null=True, **FILE_FK)
    rotation = models.CharField(_("rotation"), max_length=20, choices=Rotation.choices, default=Rotation.NONE)
    rotation_default_video = models.ForeignKey(Video, verbose_name=_("default video"), null=True, **FILE_FK)
    rotation_sequence = models.JSONField(_("sequence of video ids"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("playback")
        verbose_name_plural = _("playback rules")

    def __str__(self) -> str:
        return f"playback of {self.content_id}"


class DateRule(models.Model):
    """A video for one date: exact (with a year) or every year (birthdays, anniversaries)."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    playback = models.ForeignKey(Playback, on_delete=models.CASCADE, related_name="date_rules")
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="+")
    month = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(12)])
    day = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(31)])
    year = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("Empty: every year."))

    objects = TenantManager()

    class Meta:
        ordering = ["month", "day", "id"]

    def __str__(self) -> str:
        return f"{self.day:02d}.{self.month:02d}{'.' + str(self.year) if self.year else ''}"


class UploadSession(models.Model):
    """A resumable video upload (tus protocol). Each received chunk is stored as its own
    object in media storage, so any web node can take the next chunk; the recorded
    ``offset`` is what a client resumes from after a dropped connection."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    # No content: a held upload (a storefront order's video, sent before the order is paid).
    # When complete its bytes become ``held_file``, which counts against nothing until paid.
    content = models.ForeignKey(
        "arcontent.ARContent", on_delete=models.CASCADE, related_name="upload_sessions", null=True, blank=True
    )
    upload_id = models.UUIDField(unique=True, editable=False)
    length = models.PositiveBigIntegerField(_("size, bytes"))
    offset = models.PositiveBigIntegerField(_("received, bytes"), default=0)
    filename = models.CharField(max_length=255, blank=True)
    title = models.CharField(max_length=200, blank=True)
    chunk_keys = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, **FILE_FK)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    video = models.ForeignKey(Video, null=True, **FILE_FK)
    held_file = models.ForeignKey("companies.StoredFile", null=True, **FILE_FK)
    hold_until = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"upload {self.upload_id} ({self.offset}/{self.length})"
