"""Writes about projects and project templates. Every state change is audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

from companies.actors import Actor, actor_user
from companies.audit import audit_log
from companies.models import Company
from projects.models import ContentDefaults, PlaybackMode, Project, ProjectTemplate, QrLabelStyle

PROJECT_EDITABLE_FIELDS = frozenset({"name", "description", *ContentDefaults.DEFAULT_FIELDS})
TEMPLATE_EDITABLE_FIELDS = frozenset({"name", *ContentDefaults.DEFAULT_FIELDS})
READ_ONLY_MESSAGE = _("Archived projects are read-only.")
UNKNOWN_TEMPLATE_MESSAGE = _("Unknown template.")

_UNIQUE_NAME_CONSTRAINTS = {"project_unique_name_per_company", "project_template_unique_name_per_company"}

Row = TypeVar("Row", Project, ProjectTemplate)


# --- projects ------------------------------------------------------------------------------


@transaction.atomic
def project_create(
    *,
    company: Company,
    actor: Actor,
    name: str,
    description: str = "",
    template: ProjectTemplate | None = None,
) -> Project:
    """Create a project with defaults copied from ``template`` (or the company's hosting
    term and the model defaults). Later template edits do not reach it. Audited."""
    if template is not None and template.company_id != company.pk:
        raise ValidationError({"template": UNKNOWN_TEMPLATE_MESSAGE})
    if template is not None:
        defaults = template.content_defaults()
    else:
        defaults = {"default_term_years": company.default_term_years}
    project = Project(
        company=company,
        name=name.strip(),
        description=description,
        template=template,
        created_by=actor_user(actor),
        **defaults,
    )
    _validate(project)
    _save_catching_duplicates(project)
    audit_log(
        company=company,
        actor=actor,
        action="project.create",
        target=project,
        changes={"template": template.pk if template else None},
    )
    return project


@transaction.atomic
def project_update(*, project: Project, actor: Actor, **fields: Any) -> Project:
    """Change a project's name, description or defaults; archived projects are refused.
    Audited with the old and new value of every field that changed."""
    _refuse_unknown(fields, PROJECT_EDITABLE_FIELDS)
    project = _lock(project)
    if project.is_read_only:
        raise ValidationError(READ_ONLY_MESSAGE, code="read_only")
    changes = _apply(project, fields)
    if not changes:
        return project
    _validate(project)
    _save_catching_duplicates(project)
    audit_log(company=project.company, actor=actor, action="project.update", target=project, changes=changes)
    return project


@transaction.atomic
def project_set_status(*, project: Project, actor: Actor, status: str) -> Project:
    """Move a project along its lifecycle (``Project.TRANSITIONS``): pause, resume, archive,
    or restore an archived project to active. Other moves are refused. Audited."""
    if status not in Project.Status.values:
        raise ValidationError({"status": _("Unknown status.")}, code="invalid_choice")
    project = _lock(project)
    if not project.can_change_status_to(status):
        raise ValidationError({"status": _transition_error(project.status, status)})
    previous = project.status
    project.status = status
    project.save(update_fields=["status", "updated_at"])
    audit_log(
        company=project.company,
        actor=actor,
        action="project.status",
        target=project,
        changes={"status": [previous, status]},
    )
    return project


@transaction.atomic
def project_delete(*, project: Project, actor: Actor) -> None:
    """Delete a project and record who did it. Templates made from it stay. Refused while
    the project holds AR content: deleting must never take printed photos' content down."""
    if project.ar_contents.exists():
        raise ValidationError(
            _(
                "This project still has AR content. Move, archive or delete the content first, or archive the project."
            )
        )
    audit_log(
        company=project.company,
        actor=actor,
        action="project.delete",
        target=project,
        changes={"name": project.name},
    )
    project.delete()


@transaction.atomic
def project_save_as_template(*, project: Project, actor: Actor, name: str) -> ProjectTemplate:
    """Create a template holding this project's current defaults. Audited."""
    template = ProjectTemplate(company=project.company, name=name.strip(), **project.content_defaults())
    _validate(template)
    _save_catching_duplicates(template)
    audit_log(
        company=project.company,
        actor=actor,
        action="project.save_as_template",
        target=template,
        changes={"project": project.pk},
    )
    return template


# --- templates -----------------------------------------------------------------------------


@transaction.atomic
def template_create(
    *,
    company: Company,
    actor: Actor,
    name: str,
    default_term_years: int | None = None,
    playback_mode: str = PlaybackMode.CYCLIC,
    print_width_cm: Decimal | None = None,
    print_height_cm: Decimal | None = None,
    qr_label_style: str = QrLabelStyle.STANDARD,
    notify_content_ready: bool = True,
    notify_expiry: bool = True,
) -> ProjectTemplate:
    """Create a project template; the hosting term defaults to the company's. Audited."""
    template = ProjectTemplate(
        company=company,
        name=name.strip(),
        default_term_years=company.default_term_years if default_term_years is None else default_term_years,
        playback_mode=playback_mode,
        print_width_cm=print_width_cm,
        print_height_cm=print_height_cm,
        qr_label_style=qr_label_style,
        notify_content_ready=notify_content_ready,
        notify_expiry=notify_expiry,
    )
    _validate(template)
    _save_catching_duplicates(template)
    audit_log(company=company, actor=actor, action="project_template.create", target=template)
    return template


@transaction.atomic
def template_update(*, template: ProjectTemplate, actor: Actor, **fields: Any) -> ProjectTemplate:
    """Change a template's name or defaults; projects made from it keep their own copy.
    Audited with the old and new value of every field that changed."""
    _refuse_unknown(fields, TEMPLATE_EDITABLE_FIELDS)
    template = _lock(template)
    changes = _apply(template, fields)
    if not changes:
        return template
    _validate(template)
    _save_catching_duplicates(template)
    audit_log(
        company=template.company,
        actor=actor,
        action="project_template.update",
        target=template,
        changes=changes,
    )
    return template


@transaction.atomic
def template_delete(*, template: ProjectTemplate, actor: Actor) -> None:
    """Delete a template. Projects made from it keep their defaults and lose only the link."""
    audit_log(
        company=template.company,
        actor=actor,
        action="project_template.delete",
        target=template,
        changes={"name": template.name},
    )
    template.delete()


# --- shared steps --------------------------------------------------------------------------


def _refuse_unknown(fields: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        # A programming error in the caller, not bad input: interfaces pass known fields.
        raise TypeError(f"These fields cannot be changed here: {sorted(unknown)}")


def _lock(row: Row) -> Row:
    """Re-read the row under a lock so concurrent changes are applied one after another."""
    manager = type(row)._default_manager
    return (
        manager.select_for_update(of=("self",))
        .select_related("company")
        .get(pk=row.pk, company_id=row.company_id)
    )


def _apply(row: models.Model, fields: dict[str, Any]) -> dict[str, list[Any]]:
    """Set the fields that differ and return them as ``{field: [old, new]}`` for the audit."""
    changes: dict[str, list[Any]] = {}
    for name, value in fields.items():
        if name == "name" and isinstance(value, str):
            value = value.strip()
        old = getattr(row, name)
        if old != value:
            setattr(row, name, value)
            changes[name] = [_jsonable(old), _jsonable(value)]
    return changes


def _jsonable(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def _validate(row: ContentDefaults) -> None:
    # Foreign keys are set by the service itself; the duplicate-name check runs in clean().
    row.full_clean(exclude=["company", "template", "created_by"], validate_constraints=False)


def _save_catching_duplicates(row: ContentDefaults) -> None:
    """Save; a duplicate name that got past the check (two requests at once) is still a
    field error, never a server error."""
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:
        constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
        if constraint in _UNIQUE_NAME_CONSTRAINTS:
            raise ValidationError({"name": row.duplicate_name_message}, code="unique") from exc
        raise


def _transition_error(current: str, target: str) -> str:
    current_label = str(Project.Status(current).label).lower()
    target_label = str(Project.Status(target).label).lower()
    if current == target:
        return _("The project is already %(status)s.") % {"status": current_label}
    return _("A project cannot go from %(current)s to %(target)s.") % {
        "current": current_label,
        "target": target_label,
    }
