"""Changing scene settings: a content's own overrides, its overlay frame, and the scene
defaults of projects and templates (PRODUCT.md "Scene settings").

Every change is audited. The viewer's cached snapshot is dropped by the save signals of
arcontent.viewer.invalidation (the content's own, and the project's for its defaults).
"""

from __future__ import annotations

from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from arcontent.imaging.decode import PhotoRejectedError, check_overlay_png
from arcontent.models import ARContent
from arcontent.scene import FIELD_NAMES
from companies.actors import Actor
from companies.audit import audit_log
from companies.files import stored_file_create, stored_file_delete
from companies.models import StoredFile
from projects.models import Project, ProjectTemplate

OVERLAY_FIELD = "overlay"


def merged_settings(current: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """``current`` with validated ``changes`` applied; a ``None`` value removes the key,
    which puts that setting back to the layer below (the project's, or the built-in one)."""
    merged = {key: value for key, value in current.items() if key in FIELD_NAMES}
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def _differences(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def _editable(content: ARContent) -> ARContent:
    locked = ARContent.objects.select_for_update().select_related("company").get(pk=content.pk)
    if locked.status == ARContent.Status.ARCHIVED:
        raise ValidationError(_("Archived content is read-only."))
    return locked


@transaction.atomic
def content_scene_update(*, content: ARContent, actor: Actor, changes: dict[str, Any]) -> ARContent:
    """Apply validated (arcontent.scene.SceneSerializer) changes to the content's own scene."""
    content = _editable(content)
    after = merged_settings(content.scene or {}, changes)
    differences = _differences(content.scene or {}, after)
    if differences:
        content.scene = after
        content.save(update_fields=["scene", "updated_at"])
        audit_log(
            company=content.company,
            actor=actor,
            action="content.scene_update",
            target=content,
            changes=differences,
        )
    return content


def _overlay_refusal(error: PhotoRejectedError) -> ValidationError:
    limit_mb = settings.SCENE_OVERLAY_MAX_BYTES / 1024**2
    side = int(settings.SCENE_OVERLAY_MAX_PIXELS**0.5)
    messages = {
        "empty": _("The file is empty. Choose a PNG frame and upload it again."),
        "too_large": _("The frame is larger than %(limit)s MB. Save it smaller and upload it again.")
        % {"limit": f"{limit_mb:g}"},
        "not_png": _("The frame must be a PNG image with transparency."),
        "too_many_pixels": _("The frame has too many pixels: at most %(side)s × %(side)s.") % {"side": side},
        "decompression_bomb": _("The frame has too many pixels: at most %(side)s × %(side)s.")
        % {"side": side},
        "truncated": _("The PNG file is incomplete or damaged. Upload it again."),
        "no_transparency": _(
            "The frame has no transparent pixels, so it would hide the video. Make the middle "
            "(where the video plays) transparent and upload it again."
        ),
    }
    return ValidationError({OVERLAY_FIELD: [messages.get(error.code, messages["not_png"])]})


def overlay_check(upload: IO[bytes]) -> bytes:
    """The overlay's bytes after every check (size first, before the file is read)."""
    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(0)
    if size > settings.SCENE_OVERLAY_MAX_BYTES:
        raise _overlay_refusal(PhotoRejectedError("", "too_large"))
    data = upload.read()
    try:
        check_overlay_png(
            data, max_bytes=settings.SCENE_OVERLAY_MAX_BYTES, max_pixels=settings.SCENE_OVERLAY_MAX_PIXELS
        )
    except PhotoRejectedError as error:
        raise _overlay_refusal(error) from None
    upload.seek(0)
    return data


@transaction.atomic
def content_overlay_set(*, content: ARContent, actor: Actor, upload: IO[bytes], name: str) -> ARContent:
    """Store a checked PNG as the content's overlay frame, replacing the previous one."""
    content = _editable(content)
    overlay_check(upload)
    stored = stored_file_create(
        company=content.company, kind=StoredFile.Kind.OVERLAY, content=upload, original_name=name,
        project=content.project, actor=actor,
    )  # fmt: skip
    previous = content.scene_overlay
    content.scene_overlay = stored
    content.save(update_fields=["scene_overlay", "updated_at"])
    if previous is not None:
        stored_file_delete(stored_file=previous)
    audit_log(
        company=content.company,
        actor=actor,
        action="content.overlay_set",
        target=content,
        changes={"overlay": [previous.original_name if previous else None, name]},
    )
    return content


@transaction.atomic
def content_overlay_remove(*, content: ARContent, actor: Actor) -> ARContent:
    content = _editable(content)
    previous = content.scene_overlay
    if previous is None:
        return content
    content.scene_overlay = None
    content.save(update_fields=["scene_overlay", "updated_at"])
    stored_file_delete(stored_file=previous)
    audit_log(
        company=content.company,
        actor=actor,
        action="content.overlay_remove",
        target=content,
        changes={"overlay": [previous.original_name, None]},
    )
    return content


@transaction.atomic
def defaults_scene_update(
    *, owner: Project | ProjectTemplate, actor: Actor, changes: dict[str, Any]
) -> Project | ProjectTemplate:
    """Apply validated changes to the scene defaults of a project or a project template.
    A project's defaults reach its content at once (the content's own settings win); a
    template's reach the projects created from it afterwards."""
    if isinstance(owner, Project):
        owner = Project.objects.select_for_update().select_related("company").get(pk=owner.pk)
    else:
        owner = ProjectTemplate.objects.select_for_update().select_related("company").get(pk=owner.pk)
    if isinstance(owner, Project) and owner.status == Project.Status.ARCHIVED:
        raise ValidationError(_("Archived projects are read-only."))
    after = merged_settings(owner.scene_defaults or {}, changes)
    differences = _differences(owner.scene_defaults or {}, after)
    if differences:
        owner.scene_defaults = after
        owner.save(update_fields=["scene_defaults"])
        entity = "project" if isinstance(owner, Project) else "project_template"
        audit_log(
            company=owner.company,
            actor=actor,
            action=f"{entity}.scene_update",
            target=owner,
            changes=differences,
        )
    return owner
