"""Writes about AR content: creation with its order number, and the publishing workflow.

Every state change is audited and refused with a clear message when it is not allowed
from the current state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import IO, Any

import phonenumbers
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from arcontent.imaging.decode import PhotoRejectedError, load_photo
from arcontent.models import ARContent, OrderNumberCounter
from arcontent.tasks import process_content, process_web_target
from arvlite.core.counters import next_in_series
from arvlite.core.tenancy import scopes_disabled
from companies.actors import Actor, actor_user
from companies.audit import audit_log
from companies.files import stored_file_adopt, stored_file_create
from companies.models import Company, StoredFile, User
from projects.models import Project

Status = ARContent.Status
ORDER_PREFIX = "ARV"


def order_number_next(*, company: Company, year: int | None = None) -> str:
    """The next order number of ``company`` for ``year``, e.g. ``ARV-2026-000123``.

    Must run inside the transaction that stores the number: the counter row stays locked
    until it commits, so concurrent creations queue up instead of colliding, and a
    rollback gives the number back (no gaps)."""
    year = year or timezone.localdate().year
    value = next_in_series(OrderNumberCounter, company=company, year=year)
    return f"{ORDER_PREFIX}-{year}-{value:06d}"


def normalize_phone(value: str) -> str:
    """A phone number in international form (+7…), or ValidationError. Russian numbers may
    be written the local way (8 912 …)."""
    if not value.strip():
        return ""
    try:
        number = phonenumbers.parse(value, "RU")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError({"customer_phone": [_("Enter a valid phone number, e.g. +7 912 345-67-89.")]})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def check_photo_size(photo: IO[bytes]) -> None:
    """Refuse a photo over PHOTO_MAX_BYTES before reading it into memory."""
    photo.seek(0, 2)
    size = photo.tell()
    photo.seek(0)
    if size > settings.PHOTO_MAX_BYTES:
        raise ValidationError(
            {
                "photo": [
                    _("The photo is larger than %(limit)s.")
                    % {"limit": filesizeformat(settings.PHOTO_MAX_BYTES)}
                ]
            }
        )


@dataclass(frozen=True)
class ContentInput:
    project: Project
    print_width_cm: Decimal
    print_height_cm: Decimal
    term_years: int
    customer_name: str = ""
    customer_phone: str = ""
    customer_email: str = ""


def content_input(*, project: Project, values: dict[str, Any]) -> ContentInput:
    """What a new content starts from: the given values, else the project's defaults (print
    size, hosting term). A print size missing from both is a ValidationError."""
    width = values.get("print_width_cm") or project.print_width_cm
    height = values.get("print_height_cm") or project.print_height_cm
    missing = {name: [_("Give the print size: the project has no default.")]
               for name, value in (("print_width_cm", width), ("print_height_cm", height)) if not value}  # fmt: skip
    if missing:
        raise ValidationError(missing)
    return ContentInput(
        project=project,
        print_width_cm=Decimal(width),
        print_height_cm=Decimal(height),
        term_years=values.get("term_years") or project.default_term_years,
        customer_name=values.get("customer_name") or "",
        customer_phone=values.get("customer_phone") or "",
        customer_email=values.get("customer_email") or "",
    )


def _check_project(project: Project, company: Company) -> None:
    if project.company_id != company.pk:
        raise ValidationError({"project": [_("Unknown project.")]})
    if project.status == Project.Status.ARCHIVED:
        raise ValidationError({"project": [_("Archived projects are read-only. Restore the project first.")]})


def content_create(
    *,
    company: Company,
    actor: Actor,
    data: ContentInput,
    photo: IO[bytes] | None = None,
    photo_name: str = "",
    held_photo: StoredFile | None = None,
    order_number: str | None = None,
) -> ARContent:
    """Create content from a photo: the photo must decode as a real JPEG, PNG or WebP
    within the limits (refused otherwise, with nothing stored); it is stored as the
    original, the content gets the next order number, and the pipeline runs after commit.

    An order passes ``held_photo`` (the customer's photo, checked when it was held, taken
    into the company's storage now) and its own ``order_number``, so the print, the order
    and the invoice carry one number."""
    _check_project(data.project, company)
    phone = normalize_phone(data.customer_phone)
    if held_photo is not None:
        stored = stored_file_adopt(stored_file=held_photo, project=data.project, actor=actor)
    elif photo is not None:
        stored = _store_photo(company, actor, data.project, photo, photo_name)
    else:
        raise ValidationError({"photo": [_("A photo is required.")]})
    try:
        with transaction.atomic():
            content = ARContent(
                company=company,
                project=data.project,
                order_number=order_number or order_number_next(company=company),
                customer_name=data.customer_name.strip(),
                customer_phone=phone,
                customer_email=data.customer_email.strip().lower(),
                print_width_cm=data.print_width_cm,
                print_height_cm=data.print_height_cm,
                term_years=data.term_years,
                status=Status.PROCESSING,
                photo=stored,
                created_by=actor_user(actor),
            )
            content.full_clean(exclude=["company", "project", "photo", "created_by"])
            content.save()
            audit_log(company=company, actor=actor, action="content.create", target=content)
            _dispatch_pipeline(content)
    except BaseException:
        if held_photo is None:
            stored.delete()  # the photo's object goes once this (outer) transaction commits
        raise
    return content


def photo_check(photo: IO[bytes]) -> None:
    """Refuse a photo that is too large or does not decode as a real JPEG, PNG or WebP
    within the limits (ValidationError on ``photo``)."""
    check_photo_size(photo)
    photo.seek(0)
    try:
        load_photo(photo.read(), max_bytes=settings.PHOTO_MAX_BYTES, max_pixels=settings.PHOTO_MAX_PIXELS)
    except PhotoRejectedError as error:
        raise ValidationError({"photo": [error.message]}) from None
    photo.seek(0)


def _store_photo(company: Company, actor: Actor, project: Project, photo: IO[bytes], name: str) -> StoredFile:
    photo_check(photo)
    return stored_file_create(
        company=company, kind=StoredFile.Kind.PHOTO, content=photo, original_name=name,
        project=project, actor=actor,
    )  # fmt: skip


def _dispatch_pipeline(content: ARContent) -> None:
    process_content.delay_on_commit(content.pk)


# --- the publishing workflow ------------------------------------------------------------


def _transition(content: ARContent, *, actor: Actor, action: str, to: str, **fields: Any) -> ARContent:
    previous = content.status
    content.status = to
    for name, value in fields.items():
        setattr(content, name, value)
    content.save(update_fields=["status", "updated_at", *fields])
    audit_log(
        company=content.company,
        actor=actor,
        action=f"content.{action}",
        target=content,
        changes={
            "status": [previous, to],
            **{k: [None, str(v)] for k, v in fields.items() if k.endswith("_at")},
        },
    )
    return content


# Whole sentences, so that each translates naturally.
REFUSALS = {
    "publish": gettext_lazy("Content in status “%(status)s” cannot be published."),
    "pause": gettext_lazy("Content in status “%(status)s” cannot be paused."),
    "resume": gettext_lazy("Content in status “%(status)s” cannot be resumed."),
    "archive": gettext_lazy("Content in status “%(status)s” cannot be archived."),
    "renew": gettext_lazy("Content in status “%(status)s” cannot be renewed."),
    "reprocess": gettext_lazy("Content in status “%(status)s” cannot be processed again."),
    "expire": gettext_lazy("Content in status “%(status)s” cannot be expired."),
}


def _refuse(content: ARContent, action: str) -> ValidationError:
    return ValidationError(str(REFUSALS[action]) % {"status": content.get_status_display()})


def _locked(content: ARContent) -> ARContent:
    return ARContent.objects.select_for_update().select_related("company").get(pk=content.pk)


# Checks of the apps above arcontent, filled in their AppConfig.ready() (videos: "is there a
# video a scan can play?"); each answers why the content cannot be published, or None.
PUBLISH_CHECKS: list[Callable[[ARContent], str | None]] = []


def publish_blockers(content: ARContent) -> list[str]:
    """Why ``content`` cannot be published right now (one sentence each, saying what to do);
    empty when it can."""
    reasons = []
    if content.status not in (Status.READY, Status.PAUSED) or content.marker_id is None:
        reasons.append(_("The marker is not ready yet."))
    reasons.extend(reason for check in PUBLISH_CHECKS if (reason := check(content)))
    if content.has_unresolved_similar:
        reasons.append(
            _(
                "This photo looks like another marker, so one print could start the other's video. "
                "Choose another photo, or let an editor confirm it is fine."
            )
        )
    if content.is_poor:
        reasons.append(
            _(
                "The photo will be hard to recognise (trackability: poor). Choose a better photo, or let an editor override."
            )
        )
    return reasons


def _years_later(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February → 28 February
        return moment.replace(year=moment.year + years, day=28)


@transaction.atomic
def content_publish(*, content: ARContent, actor: Actor) -> ARContent:
    """Make the content scannable. Needs a ready marker, a video a scan can play (the
    PUBLISH_CHECKS), no unresolved similar-marker warning and trackability above poor
    (either may be overridden by an editor). The first publication starts the hosting
    term: ``expires_at`` = now + term."""
    content = _locked(content)
    if content.status == Status.ACTIVE:
        return content
    if content.status not in (Status.READY, Status.PAUSED):
        raise _refuse(content, "publish")
    reasons = publish_blockers(content)
    if reasons:
        raise ValidationError(reasons)
    now = timezone.now()
    fields: dict[str, Any] = {}
    if content.published_at is None:
        fields["published_at"] = now
    if content.expires_at is None:
        fields["expires_at"] = _years_later(now, content.term_years)
    elif content.expires_at <= now:
        raise ValidationError(_("The hosting term has ended. Renew it to publish the content again."))
    return _transition(content, actor=actor, action="publish", to=Status.ACTIVE, **fields)


def content_publish_anyway(*, content: ARContent, actor: Actor) -> ARContent:
    """Publish past a similar-marker warning in one step ("publish anyway"): an editor
    accepts the warning and the content is published. The acceptance is kept even when
    publishing is still refused for another reason (no video yet…): that refusal names
    what is left to do."""
    if content.has_unresolved_similar:
        content = content_override(content=content, actor=actor, what="similar")
    return content_publish(content=content, actor=actor)


@transaction.atomic
def content_pause(*, content: ARContent, actor: Actor) -> ARContent:
    """Stop scans for a while (the term keeps running)."""
    content = _locked(content)
    if content.status != Status.ACTIVE:
        raise _refuse(content, "pause")
    return _transition(content, actor=actor, action="pause", to=Status.PAUSED)


@transaction.atomic
def content_resume(*, content: ARContent, actor: Actor) -> ARContent:
    """Resume a paused content (same checks as publishing)."""
    content = _locked(content)
    if content.status != Status.PAUSED:
        raise _refuse(content, "resume")
    return content_publish(content=content, actor=actor)


@transaction.atomic
def content_archive(*, content: ARContent, actor: Actor) -> ARContent:
    """Retire the content for good: scans stop; files stay until it is deleted."""
    content = _locked(content)
    if content.status in (Status.ARCHIVED, Status.PROCESSING):
        raise _refuse(content, "archive")
    return _transition(content, actor=actor, action="archive", to=Status.ARCHIVED)


@transaction.atomic
def content_renew(*, content: ARContent, actor: Actor, years: int | None = None) -> ARContent:
    """Extend the hosting term by ``years`` (default: the content's term) from the later
    of now and the current expiry; expired content becomes active again."""
    content = _locked(content)
    if content.status not in (Status.ACTIVE, Status.PAUSED, Status.EXPIRED):
        raise _refuse(content, "renew")
    years = years or content.term_years
    if not 1 <= years <= 25:
        raise ValidationError({"years": [_("Renew for 1 to 25 years.")]})
    now = timezone.now()
    base = max(now, content.expires_at or now)
    to = Status.ACTIVE if content.status == Status.EXPIRED else content.status
    return _transition(content, actor=actor, action="renew", to=to, expires_at=_years_later(base, years))


def content_expire_due(*, now: datetime | None = None) -> int:
    """Move published or paused content past its ``expires_at`` to ``expired``. Crosses
    tenants by design (a periodic job); safe to repeat. Returns how many changed."""
    now = now or timezone.now()
    changed = 0
    with scopes_disabled():  # a platform-wide sweep: every company's expired content
        due = ARContent.objects.filter(status__in=[Status.ACTIVE, Status.PAUSED], expires_at__lte=now)
        for pk in due.values_list("pk", flat=True).iterator():
            with transaction.atomic():
                content = ARContent.objects.select_for_update().select_related("company").get(pk=pk)
                if (
                    content.status in (Status.ACTIVE, Status.PAUSED)
                    and content.expires_at
                    and content.expires_at <= now
                ):
                    _transition(content, actor=None, action="expire", to=Status.EXPIRED)
                    changed += 1
    return changed


@transaction.atomic
def content_override(*, content: ARContent, actor: Actor, what: str) -> ARContent:
    """An editor accepts a similar-marker warning (``what="similar"``) or a poor
    trackability score (``what="quality"``) so the content can be published."""
    if not isinstance(actor, User):
        raise PermissionDenied(_("Only a signed-in editor can accept this; API keys cannot."))
    content = _locked(content)
    field = {"similar": "similar_override_by", "quality": "quality_override_by"}.get(what)
    if field is None:
        raise ValidationError({"what": [_("Choose “similar” or “quality”.")]})
    setattr(content, field, actor)
    content.save(update_fields=[field, "updated_at"])
    audit_log(company=content.company, actor=actor, action=f"content.override_{what}", target=content)
    return content


@transaction.atomic
def content_use_enhanced_marker(*, content: ARContent, actor: Actor, use: bool) -> ARContent:
    """Switch between the original marker and the auto-enhanced candidate."""
    content = _locked(content)
    if use and content.enhanced_marker_id is None:
        raise ValidationError(_("There is no enhanced marker for this content."))
    if content.status in (Status.ACTIVE, Status.PAUSED):
        raise ValidationError(
            _("Pause the content before changing its marker: printed copies use the current one.")
        )
    if content.marker_is_enhanced != use:
        content.marker_is_enhanced = use
        content.save(update_fields=["marker_is_enhanced", "updated_at"])
        audit_log(
            company=content.company, actor=actor, action="content.use_enhanced_marker", target=content,
            changes={"marker_is_enhanced": [not use, use]},
        )  # fmt: skip
        process_web_target.delay_on_commit(content.pk)  # the target must match the marker in use
    return content


@transaction.atomic
def content_build_web_target(*, content: ARContent, actor: Actor) -> ARContent:
    """Build the content's MindAR target again (after the compiler was missing, or a
    failure). Any status with a marker; printed copies keep working meanwhile."""
    content = _locked(content)
    if content.marker_in_use is None:
        raise ValidationError(_("The photo has not been processed yet: there is no marker to build from."))
    if content.web_target_status == ARContent.WebTarget.PENDING:
        raise ValidationError(_("The web AR target is being built right now."))
    content.web_target_status, content.web_target_reason = ARContent.WebTarget.PENDING, ""
    content.save(update_fields=["web_target_status", "web_target_reason", "updated_at"])
    audit_log(company=content.company, actor=actor, action="content.build_web_target", target=content)
    process_web_target.delay_on_commit(content.pk)
    return content


def retry_unavailable_web_targets(*, limit: int = 100) -> int:
    """Contents left "web AR unavailable" while the compiler was missing: built now that it
    is there (the periodic task; a no-op while it is still missing). How many were queued."""
    from arcontent.webar.compiler import compiler_status

    if not settings.WEBAR_TARGETS or not compiler_status().available:
        return 0
    with scopes_disabled():  # a platform-wide sweep; each task works in its content's company
        waiting = list(
            ARContent.objects.filter(web_target_status=ARContent.WebTarget.UNAVAILABLE)
            .exclude(status=Status.ARCHIVED)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        ARContent.objects.filter(pk__in=waiting).update(web_target_status=ARContent.WebTarget.PENDING,
                                                        web_target_reason="")  # fmt: skip
    for pk in waiting:
        process_web_target.delay(pk)
    return len(waiting)


@transaction.atomic
def content_reprocess(*, content: ARContent, actor: Actor) -> ARContent:
    """Run the photo pipeline again (after a failure, or to rebuild the files)."""
    content = _locked(content)
    if content.status not in (Status.DRAFT, Status.READY, Status.PROCESSING):
        raise _refuse(content, "reprocess")
    if content.pipeline_status == ARContent.Pipeline.RUNNING:
        raise ValidationError(_("The photo is being processed right now."))
    _transition(
        content, actor=actor, action="reprocess", to=Status.PROCESSING,
        pipeline_status=ARContent.Pipeline.PENDING, pipeline_error="",
    )  # fmt: skip
    _dispatch_pipeline(content)
    return content


@transaction.atomic
def content_update(*, content: ARContent, actor: Actor, **fields: Any) -> ARContent:
    """Change customer details or the print size (archived content is read-only)."""
    content = _locked(content)
    if content.status == Status.ARCHIVED:
        raise ValidationError(_("Archived content is read-only."))
    allowed = {
        "customer_name",
        "customer_phone",
        "customer_email",
        "print_width_cm",
        "print_height_cm",
        "term_years",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed.")] for name in sorted(unknown)})
    if "customer_phone" in fields:
        fields["customer_phone"] = normalize_phone(fields["customer_phone"])
    changes = {}
    for name, value in fields.items():
        if getattr(content, name) != value:
            changes[name] = [str(getattr(content, name)), str(value)]
            setattr(content, name, value)
    if changes:
        content.full_clean(exclude=["company", "project", "photo", "created_by"])
        content.save()
        audit_log(
            company=content.company, actor=actor, action="content.update", target=content, changes=changes
        )
    return content


@transaction.atomic
def content_delete(*, content: ARContent, actor: Actor) -> None:
    """Delete content and its files (objects removed after commit). Published content
    must be archived or paused first, so a live print never goes blank by accident."""
    content = _locked(content)
    if content.status == Status.ACTIVE:
        raise ValidationError(_("Pause or archive published content before deleting it."))
    video_files = [
        pk
        for video in content.videos.all()
        for pk in (video.original_id, video.rendition_1080_id, video.rendition_720_id, video.poster_id,
                   video.thumbnail_small_id, video.thumbnail_medium_id, video.thumbnail_large_id)
    ]  # fmt: skip
    files = [
        *video_files,
        content.photo_id, content.marker_id, content.enhanced_marker_id, content.thumbnail_small_id,
        content.thumbnail_medium_id, content.thumbnail_large_id, content.web_target_id,
    ]  # fmt: skip
    audit_log(company=content.company, actor=actor, action="content.delete", target=content)
    content.delete()
    StoredFile.objects.filter(pk__in=[pk for pk in files if pk]).delete()


@transaction.atomic
def content_expire(*, content: ARContent, actor: Actor) -> ARContent:
    """End the hosting term now (operators): scans stop until the content is renewed."""
    content = _locked(content)
    if content.status not in (Status.ACTIVE, Status.PAUSED):
        raise _refuse(content, "expire")
    return _transition(content, actor=actor, action="expire", to=Status.EXPIRED, expires_at=timezone.now())
