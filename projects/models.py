"""Projects group a company's AR content; project templates hold the defaults new projects
(and, later, new content) start from."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from arvlite.core.tenancy import TenantManager

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MIN_TERM_YEARS, MAX_TERM_YEARS = 1, 25
MIN_PRINT_CM, MAX_PRINT_CM = Decimal("1"), Decimal("200")


class PlaybackMode(models.TextChoices):
    SEQUENTIAL = "sequential", _("Sequential (stops on the last video)")
    CYCLIC = "cyclic", _("Cyclic (starts again after the last video)")


class QrLabelStyle(models.TextChoices):
    STANDARD = "standard", _("Standard")
    MINIMAL = "minimal", _("Minimal")
    BRANDED = "branded", _("Branded")


def _print_size_field(label: StrOrPromise) -> models.DecimalField:
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_PRINT_CM), MaxValueValidator(MAX_PRINT_CM)],
        help_text=_("Empty means no default print size."),
    )


class ContentDefaults(models.Model):
    """The defaults a template carries and a project copies when it is created."""

    default_term_years = models.PositiveSmallIntegerField(
        _("hosting term, years"),
        default=1,
        validators=[MinValueValidator(MIN_TERM_YEARS), MaxValueValidator(MAX_TERM_YEARS)],
    )
    playback_mode = models.CharField(
        _("playback mode"), max_length=20, choices=PlaybackMode.choices, default=PlaybackMode.CYCLIC
    )
    print_width_cm = _print_size_field(_("print width, cm"))
    print_height_cm = _print_size_field(_("print height, cm"))
    qr_label_style = models.CharField(
        _("QR label style"), max_length=20, choices=QrLabelStyle.choices, default=QrLabelStyle.STANDARD
    )
    notify_content_ready = models.BooleanField(_("notify when content is ready"), default=True)
    notify_expiry = models.BooleanField(_("notify before content expires"), default=True)
    # Partial scene settings (arcontent/scene.py validates them, effective_scene layers them).
    scene_defaults = models.JSONField(_("scene defaults"), default=dict, blank=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=models.Q(default_term_years__gte=MIN_TERM_YEARS)
                & models.Q(default_term_years__lte=MAX_TERM_YEARS),
                name="%(class)s_term_years_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(print_width_cm__isnull=True)
                | models.Q(print_width_cm__gte=MIN_PRINT_CM, print_width_cm__lte=MAX_PRINT_CM),
                name="%(class)s_print_width_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(print_height_cm__isnull=True)
                | models.Q(print_height_cm__gte=MIN_PRINT_CM, print_height_cm__lte=MAX_PRINT_CM),
                name="%(class)s_print_height_in_range",
            ),
            # A print size is width by height: half of one is not a default anybody can use.
            models.CheckConstraint(
                condition=models.Q(print_width_cm__isnull=True, print_height_cm__isnull=True)
                | models.Q(print_width_cm__isnull=False, print_height_cm__isnull=False),
                name="%(class)s_print_size_complete",
            ),
        ]

    DEFAULT_FIELDS: ClassVar[tuple[str, ...]] = (
        "default_term_years",
        "playback_mode",
        "print_width_cm",
        "print_height_cm",
        "qr_label_style",
        "notify_content_ready",
        "notify_expiry",
    )

    duplicate_name_message: ClassVar[StrOrPromise] = ""

    def content_defaults(self) -> dict[str, object]:
        """The default values, ready to copy onto another template or project."""
        values: dict[str, object] = {name: getattr(self, name) for name in self.DEFAULT_FIELDS}
        # Not in DEFAULT_FIELDS, which the forms and serializers list: the scene has its own
        # validation (arcontent.scene) and is edited through it only.
        values["scene_defaults"] = dict(self.scene_defaults)
        return values

    def clean(self) -> None:
        super().clean()
        if (self.print_width_cm is None) != (self.print_height_cm is None):
            message = _("Give both the print width and the print height, or neither.")
            missing = "print_height_cm" if self.print_height_cm is None else "print_width_cm"
            raise ValidationError({missing: message})
        self._validate_name_is_free()

    def _validate_name_is_free(self) -> None:
        # Checked here so forms, the admin and services all give a field error; the
        # database constraint still catches two requests racing each other.
        name = getattr(self, "name", "")
        company_id = getattr(self, "company_id", None)
        if not name or company_id is None:
            return
        # Any: this abstract base has no company or name field of its own; its subclasses do.
        manager = cast("models.Manager[Any]", type(self)._default_manager)
        taken = manager.filter(company_id=company_id, name__iexact=name)
        if self.pk is not None:
            taken = taken.exclude(pk=self.pk)
        if taken.exists():
            raise ValidationError({"name": self.duplicate_name_message})


class ProjectTemplate(ContentDefaults):
    """Reusable defaults for new projects. Editing a template never changes the projects
    already created from it: they keep their own copy."""

    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="project_templates"
    )
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TenantManager()

    duplicate_name_message = _("A template with this name already exists in this company.")

    class Meta(ContentDefaults.Meta):
        verbose_name = _("project template")
        verbose_name_plural = _("project templates")
        ordering = ["name", "id"]
        constraints = [
            *ContentDefaults.Meta.constraints,
            models.UniqueConstraint(
                "company", Lower("name"), name="project_template_unique_name_per_company"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Project(ContentDefaults):
    """A folder of AR content with its own defaults. Archived projects are read-only."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        ARCHIVED = "archived", _("Archived")

    # Restoring an archived project makes it active again (not paused): archiving is about
    # putting a project away, so bringing it back means using it.
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.ACTIVE: frozenset({Status.PAUSED, Status.ARCHIVED}),
        Status.PAUSED: frozenset({Status.ACTIVE, Status.ARCHIVED}),
        Status.ARCHIVED: frozenset({Status.ACTIVE}),
    }

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    template = models.ForeignKey(
        ProjectTemplate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("created from template"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TenantManager()

    duplicate_name_message = _("A project with this name already exists in this company.")

    class Meta(ContentDefaults.Meta):
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["name", "id"]
        constraints = [
            *ContentDefaults.Meta.constraints,
            models.UniqueConstraint("company", Lower("name"), name="project_unique_name_per_company"),
        ]
        indexes = [models.Index(fields=["company", "status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_read_only(self) -> bool:
        return self.status == self.Status.ARCHIVED

    def allowed_statuses(self) -> list[str]:
        """The statuses this project may move to next, in a stable order."""
        return [s for s in self.Status.values if s in self.TRANSITIONS[self.status]]

    def can_change_status_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, frozenset())

    def clean(self) -> None:
        super().clean()
        if self.template is not None and self.template.company_id != self.company_id:
            raise ValidationError({"template": _("Unknown template.")})
