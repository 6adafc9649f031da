"""Bulk workflow actions: a job over a selection of the company's content. Each item goes
through the same service as a single click (its rules, its lock, its audit entry), in its
own transaction: an item that cannot take the action is reported with the reason and the
others go on, and no item is ever left half-changed."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from arcontent import services
from arcontent.bulk.models import BulkJob
from arcontent.bulk.tasks import run_bulk_job
from arcontent.models import ARContent
from arvlite.core.roles import Role, role_allows
from companies.actors import Actor, actor_user
from companies.audit import audit_log
from companies.models import Company, User

Kind = BulkJob.Kind
MAX_ITEMS = 500
# Up to this many items the job runs within the request: quicker than a round trip to a worker.
INLINE_MAX = 5
WORKFLOW_KINDS = (Kind.PUBLISH, Kind.PAUSE, Kind.ARCHIVE, Kind.RENEW)
# The state an item is already in when the action has nothing left to do (a re-submitted job).
ALREADY = {
    Kind.PUBLISH: (ARContent.Status.ACTIVE, gettext_lazy("Already published.")),
    Kind.PAUSE: (ARContent.Status.PAUSED, gettext_lazy("Already paused.")),
    Kind.ARCHIVE: (ARContent.Status.ARCHIVED, gettext_lazy("Already archived.")),
}
NOT_FOUND = gettext_lazy("Not found.")


def _unique_ids(values: Iterable[Any]) -> list[uuid.UUID]:
    ids: list[uuid.UUID] = []
    for value in values:
        try:
            parsed = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
        except ValueError:
            raise ValidationError(
                {"ids": [_("“%(value)s” is not a content id.") % {"value": value}]}
            ) from None
        if parsed not in ids:
            ids.append(parsed)
    return ids


def bulk_job_start(
    *, company: Company, actor: Actor, kind: str, ids: Iterable[Any], options: dict[str, Any] | None = None
) -> BulkJob:
    """Start ``kind`` over the content ``ids`` of ``company``. Ids of no content of the
    company (another company's among them) become "Not found." items, exactly like ids of
    nothing. A job of the same user, kind and selection still under way is returned instead
    of a second one (a double click); small jobs run at once, larger ones on a worker."""
    if kind not in Kind.values:
        raise ValidationError({"action": [_("Unknown action.")]})
    unique_ids = _unique_ids(ids)
    if not unique_ids:
        raise ValidationError({"ids": [_("Choose at least one content.")]})
    if len(unique_ids) > MAX_ITEMS:
        raise ValidationError(
            {"ids": [_("Choose at most %(limit)d contents at a time.") % {"limit": MAX_ITEMS}]}
        )
    options = _options(kind, options or {})
    found = dict(
        ARContent.objects.filter(company=company, unique_id__in=unique_ids).values_list("unique_id", "pk")
    )
    missing = [
        {"id": str(unique_id), "order_number": "", "ok": False, "message": str(NOT_FOUND)}
        for unique_id in unique_ids
        if unique_id not in found
    ]
    content_ids = [found[unique_id] for unique_id in unique_ids if unique_id in found]
    user = actor_user(actor)
    with transaction.atomic():
        running = BulkJob.objects.filter(
            company=company, user=user, kind=kind, content_ids=content_ids, options=options,
            status__in=[BulkJob.Status.QUEUED, BulkJob.Status.RUNNING],
        ).first()  # fmt: skip
        if running is not None:
            return running
        job = BulkJob.objects.create(
            company=company, user=user, kind=kind, content_ids=content_ids, options=options,
            total=len(unique_ids), failed=len(missing), results=missing,
        )  # fmt: skip
        audit_log(company=company, actor=actor, action=f"content.bulk_{kind}", target=job,
                  changes={"items": [None, len(unique_ids)]})  # fmt: skip
        if len(content_ids) > INLINE_MAX:
            run_bulk_job.delay_on_commit(job.pk, actor_id=user.pk if user else None)
    if len(content_ids) <= INLINE_MAX:
        bulk_job_run(job=job, actor=actor)
    return job


def _options(kind: str, options: dict[str, Any]) -> dict[str, Any]:
    if kind == Kind.RENEW and options.get("years") not in (None, ""):
        try:
            years = int(options["years"])
        except (TypeError, ValueError):
            years = 0
        if not 1 <= years <= 25:
            raise ValidationError({"years": [_("Renew for 1 to 25 years.")]})
        return {"years": years}
    if kind in (Kind.PRINT_LABELS, Kind.PRINT_PHOTOS):
        return {"language": str(options.get("language") or "ru")[:8]}
    return {}


def bulk_job_claim(job: BulkJob) -> bool:
    """Queued → running by a conditional update: a second delivery of the task does nothing."""
    claimed = BulkJob.objects.filter(pk=job.pk, status=BulkJob.Status.QUEUED).update(
        status=BulkJob.Status.RUNNING
    )
    return bool(claimed)


def bulk_job_run(*, job: BulkJob, actor: Actor) -> BulkJob:
    """Run a queued job: each content still to do through its own service, the progress
    saved after each one. The print sheets are built by ``arcontent.bulk.sheets``."""
    if not bulk_job_claim(job):
        return job
    job.refresh_from_db()
    if job.kind in WORKFLOW_KINDS:
        handled = {entry["id"] for entry in job.results}
        contents = ARContent.objects.filter(company=job.company, pk__in=job.content_ids).select_related(
            "company", "project"
        )
        by_pk = {content.pk: content for content in contents}
        for pk in job.content_ids:
            content = by_pk.get(pk)
            if content is None or str(content.unique_id) in handled:
                if content is None:
                    record_item(job, {"id": "", "order_number": "", "ok": False, "message": str(NOT_FOUND)})
                continue
            record_item(job, _apply(job, content, actor))
    else:
        from arcontent.bulk.sheets import bulk_sheet_build  # a cycle: sheets record items with record_item

        bulk_sheet_build(job=job)
    job.status = BulkJob.Status.FAILED if job.error else BulkJob.Status.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at"])
    return job


def record_item(job: BulkJob, entry: dict[str, Any]) -> None:
    """Add one item's outcome to the job and save its progress."""
    job.results.append(entry)
    if entry["ok"]:
        job.done += 1
    else:
        job.failed += 1
    job.save(update_fields=["results", "done", "failed"])


SERVICES: dict[str, Callable[..., ARContent]] = {
    Kind.PUBLISH: services.content_publish,
    Kind.PAUSE: services.content_pause,
    Kind.ARCHIVE: services.content_archive,
    Kind.RENEW: services.content_renew,
}


def _apply(job: BulkJob, content: ARContent, actor: Actor) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": str(content.unique_id), "order_number": content.order_number}
    already = ALREADY.get(Kind(job.kind))
    if already is not None and content.status == already[0]:
        return {**entry, "ok": True, "message": str(already[1])}
    extra = {"years": job.options["years"]} if job.kind == Kind.RENEW and job.options.get("years") else {}
    try:
        changed = SERVICES[job.kind](content=content, actor=actor, **extra)
    except ValidationError as error:
        return {**entry, "ok": False, "message": " ".join(error.messages)}
    except PermissionDenied as error:
        return {**entry, "ok": False, "message": str(error) or _("Not allowed.")}
    return {**entry, "ok": True, "message": changed.get_status_display()}


def bulk_job_actor(job: BulkJob, actor_id: int | None) -> Actor:
    """Who a job runs as on a worker: its user while still an editor of the company, else
    the system (a job started with an API key)."""
    if actor_id is None:
        return None
    editors = [role for role in Role.values if role_allows(role, Role.EDITOR)]
    return User.objects.filter(
        pk=actor_id, memberships__company=job.company, memberships__role__in=editors
    ).first()
