"""Cached viewer snapshots are dropped after commit whenever a row they were built from
changes: the content, its company, its project (whose scene defaults it plays), videos,
schedules, playback and date rules.

Signals rather than calls in each service, so that admin edits and future code paths
cannot forget it. Queryset ``update()`` sends no signal: the code that uses it only moves
pipeline and processing states of rows the viewer does not show yet (see the tests), and
the cache's time-to-live bounds any miss anyway.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from arcontent.models import ARContent
from arcontent.viewer.hotpath import forget
from arvlite.core.tenancy import scopes_disabled
from companies.models import Company
from projects.models import Project
from videos.models import DateRule, Playback, Video, VideoSchedule

_CHUNK = 500


def viewer_ids(contents: list[tuple[Any, int | None]]) -> list[str]:
    """The ids a content is reachable by in the viewer: its UUID and its demo id."""
    ids = []
    for unique_id, demo_slot in contents:
        ids.append(str(unique_id))
        if demo_slot:
            ids.append(f"demo_{demo_slot}")
    return ids


def forget_contents(content_ids: set[int]) -> None:
    with scopes_disabled():
        rows = list(ARContent.objects.filter(pk__in=content_ids).values_list("unique_id", "demo_slot"))
    _forget(viewer_ids(rows))


def forget_company(company_id: int) -> None:
    with scopes_disabled():
        rows = list(ARContent.objects.filter(company_id=company_id).values_list("unique_id", "demo_slot"))
    _forget(viewer_ids(rows))


def _forget(ids: list[str]) -> None:
    for start in range(0, len(ids), _CHUNK):
        forget(ids[start : start + _CHUNK])


def _content_changed(sender: Any, instance: ARContent, **kwargs: Any) -> None:
    # Known already: no query needed, and a deleted row can no longer be looked up.
    ids = viewer_ids([(instance.unique_id, instance.demo_slot)])
    transaction.on_commit(lambda: _forget(ids))


def _content_deleted(sender: Any, instance: ARContent, **kwargs: Any) -> None:
    ids, content_id = viewer_ids([(instance.unique_id, instance.demo_slot)]), instance.pk
    transaction.on_commit(lambda: forget(ids, cursors_of=[content_id]))


def _child_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, DateRule):
        with scopes_disabled():
            content_id = (
                Playback.objects.filter(pk=instance.playback_id).values_list("content_id", flat=True).first()
            )
        if content_id is None:  # deleted with its playback, whose own signal covers it
            return
    else:
        content_id = instance.content_id
    transaction.on_commit(lambda: forget_contents({content_id}))


def forget_project(project_id: int) -> None:
    with scopes_disabled():
        rows = list(ARContent.objects.filter(project_id=project_id).values_list("unique_id", "demo_slot"))
    _forget(viewer_ids(rows))


def _project_changed(sender: Any, instance: Project, update_fields: Any = None, **kwargs: Any) -> None:
    # Only the scene defaults reach the viewer; other project saves (a rename) need nothing.
    if update_fields is not None and "scene_defaults" not in update_fields:
        return
    transaction.on_commit(lambda: forget_project(instance.pk))


def _company_changed(sender: Any, instance: Company, **kwargs: Any) -> None:
    transaction.on_commit(lambda: forget_company(instance.pk))


def connect() -> None:
    post_save.connect(_content_changed, sender=ARContent, dispatch_uid="viewer-content-save")
    post_delete.connect(_content_deleted, sender=ARContent, dispatch_uid="viewer-content-delete")
    for name, signal in (("save", post_save), ("delete", post_delete)):
        for model in (Video, VideoSchedule, Playback, DateRule):
            signal.connect(_child_changed, sender=model, dispatch_uid=f"viewer-{model.__name__}-{name}")
    post_save.connect(_company_changed, sender=Company, dispatch_uid="viewer-company")
    post_save.connect(_project_changed, sender=Project, dispatch_uid="viewer-project")
