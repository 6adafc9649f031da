"""The photo → marker pipeline, run by Celery workers on the ``media`` queue.

The job's state lives on the content row (``pipeline_*`` fields). A run starts by claiming
the job with a conditional update, so two deliveries of one task never both work; outputs
replace the previous run's files, so a run can be repeated safely. The tasks run these
functions inside the content's company scope (arvlite.core.tenant_tasks); only the reaper
and the similar-marker search look across companies.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import structlog
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from arcontent.imaging import similarity
from arcontent.imaging.analysis import analyze
from arcontent.imaging.decode import PhotoRejectedError, load_photo
from arcontent.imaging.derivatives import make_marker
from arcontent.imaging.enhance import enhance
from arcontent.models import ARContent, MarkerFingerprint
from arcontent.tasks import TransientPipelineError, process_content, process_web_target
from arcontent.webar.compiler import CompileError, CompilerUnavailableError, compile_target
from arvlite.core.events import emit
from arvlite.core.task_claims import delivery_task_id, lost_after
from arvlite.core.tenancy import scopes_disabled
from arvlite.core.thumbnails import make_thumbnails
from companies.audit import audit_log
from companies.files import stored_file_create
from companies.models import StoredFile

logger = structlog.get_logger(__name__)
Pipeline = ARContent.Pipeline
MAX_ATTEMPTS = 3
STUCK_AFTER = lost_after(process_content)
WORKER_LOST = (
    "Processing was interrupted several times (its worker stopped mid-run, often for lack of memory). "
    "Try again or use a smaller photo."
)
# The enhanced marker is offered only when it is clearly better.
ENHANCE_MIN_GAIN = 5
SIMILAR_MAX_CANDIDATES = 25
WEBAR_OFF_REASON = "Web AR targets are switched off on this server (WEBAR_TARGETS=false)."


def _claim(content: ARContent) -> bool:
    """Take the job: pending (or a failed job being re-run) → running, one winner only; or
    take back this same task's claim after its worker died mid-run (arvlite.core.task_claims)."""
    task_id = delivery_task_id()
    claimable = Q(pipeline_status=Pipeline.PENDING)
    if task_id:
        claimable |= Q(pipeline_status=Pipeline.RUNNING, pipeline_task_id=task_id)
    with transaction.atomic():
        row = (
            ARContent.objects.select_for_update()
            .filter(claimable, pk=content.pk, status=ARContent.Status.PROCESSING)
            .first()
        )
        if row is None:
            return False
        if row.pipeline_status == Pipeline.RUNNING:
            logger.warning("pipeline.claim_resumed", content_id=content.pk, attempts=row.pipeline_attempts)
            if row.pipeline_attempts >= MAX_ATTEMPTS:
                content.pipeline_attempts = row.pipeline_attempts
                _fail(content, WORKER_LOST)
                return False
        # The attempt number fences the claim (_held): taken under the row lock, so two
        # deliveries racing for it never both hold the same number.
        content.pipeline_attempts = row.pipeline_attempts + 1
        ARContent.objects.filter(pk=content.pk).update(
            pipeline_status=Pipeline.RUNNING,
            pipeline_attempts=F("pipeline_attempts") + 1,
            pipeline_started_at=timezone.now(),
            pipeline_task_id=task_id,
            pipeline_error="",
        )
    return True


def _read(stored: StoredFile) -> bytes:
    with default_storage.open(stored.key, "rb") as handle:
        return handle.read()


def _store(content: ARContent, kind: str, data: bytes, name: str) -> StoredFile:
    return stored_file_create(
        company=content.company,
        kind=kind,
        content=io.BytesIO(data),
        original_name=name,
        project=content.project,
    )


def run_pipeline(content: ARContent) -> None:
    """Build everything the content needs from its photo; on a bad photo the content goes
    back to draft with the reason; on transient trouble the job is released for a retry."""
    if not _claim(content):
        logger.info("pipeline.skip_unclaimed", content_id=content.pk)
        return
    content.refresh_from_db(fields=["pipeline_status", "pipeline_started_at"])
    try:
        outputs = _build_outputs(content)
    except PhotoRejectedError as error:
        _fail(content, error.message)
        return
    except Exception as error:
        if _is_transient(error) and content.pipeline_attempts < MAX_ATTEMPTS:
            connection.close_if_unusable_or_obsolete()  # a dropped connection: the release opens a new one
            _release(content)
            raise TransientPipelineError(str(error)) from error
        logger.exception("pipeline.failed", content_id=content.pk)
        _fail(content, "Processing failed unexpectedly. Try again; if it keeps failing, contact support.")
        return
    _finish(content, outputs)


def _is_transient(error: Exception) -> bool:
    return isinstance(error, OSError | OperationalError | InterfaceError)


def _build_outputs(content: ARContent) -> dict[str, Any]:
    if content.photo is None:  # its file was deleted since the upload
        raise PhotoRejectedError("The photo is missing. Upload it again.", "empty")
    image = load_photo(
        _read(content.photo), max_bytes=settings.PHOTO_MAX_BYTES, max_pixels=settings.PHOTO_MAX_PIXELS
    )
    width, height = float(content.print_width_cm), float(content.print_height_cm)
    marker_bytes = make_marker(image)
    marker_image = load_photo(marker_bytes)  # the form's live check scores this same image
    outputs: dict[str, Any] = {
        "marker": _store(content, StoredFile.Kind.MARKER, marker_bytes, "marker.jpg"),
        "thumbnails": {
            size: _store(content, StoredFile.Kind.THUMBNAIL, data, f"thumbnail-{size}.webp")
            for size, data in make_thumbnails(image).items()
        },
        "analysis": analyze(marker_image, print_width_cm=width, print_height_cm=height).as_dict(),
        "fingerprint": similarity.fingerprint(marker_image),
    }
    enhanced = enhance(marker_image)
    enhanced_analysis = analyze(enhanced, print_width_cm=width, print_height_cm=height).as_dict()
    if enhanced_analysis["score"] >= outputs["analysis"]["score"] + ENHANCE_MIN_GAIN:
        outputs["enhanced_marker"] = _store(
            content, StoredFile.Kind.MARKER, make_marker(enhanced), "marker-enhanced.jpg"
        )
        outputs["enhanced_analysis"] = enhanced_analysis
    return outputs


def _held(content: ARContent) -> Q:
    """The row while ``content``'s run still holds the claim it took: the attempt number
    fences it, so a run whose claim another delivery took over changes nothing."""
    return Q(pk=content.pk, pipeline_status=Pipeline.RUNNING, pipeline_attempts=content.pipeline_attempts)


def _release(content: ARContent) -> None:
    ARContent.objects.filter(_held(content)).update(pipeline_status=Pipeline.PENDING)


def _fail(content: ARContent, reason: str) -> None:
    with transaction.atomic():
        failed = ARContent.objects.filter(_held(content)).update(
            pipeline_status=Pipeline.FAILED,
            pipeline_error=reason,
            pipeline_finished_at=timezone.now(),
            status=ARContent.Status.DRAFT,
        )
        if not failed:  # the claim was taken over meanwhile: that run decides
            return
        audit_log(company=content.company, actor=None, action="content.process_failed", target=content,
                  changes={"reason": [None, reason]})  # fmt: skip
        emit(
            "content.failed",
            company=content.company,
            subject=content,
            stage=gettext_lazy("Photo"),
            reason=reason,
        )
    logger.info("pipeline.failed_photo", content_id=content.pk, reason=reason)


def _finish(content: ARContent, outputs: dict[str, Any]) -> None:
    """Swap the new files in, drop the previous run's, and record the similar markers."""
    thumbnails = outputs["thumbnails"]
    with transaction.atomic():
        locked = ARContent.objects.select_for_update().get(pk=content.pk)
        if not ARContent.objects.filter(_held(content)).exists():
            logger.warning("pipeline.claim_lost", content_id=content.pk, attempt=content.pipeline_attempts)
            made = [outputs["marker"], outputs.get("enhanced_marker"), *thumbnails.values()]
            StoredFile.objects.filter(pk__in=[stored.pk for stored in made if stored]).delete()
            return
        old_files = [locked.marker_id, locked.enhanced_marker_id, locked.thumbnail_small_id,
                     locked.thumbnail_medium_id, locked.thumbnail_large_id]  # fmt: skip
        locked.marker = outputs["marker"]
        locked.enhanced_marker = outputs.get("enhanced_marker")
        locked.marker_is_enhanced = False
        locked.thumbnail_small = thumbnails["150x112"]
        locked.thumbnail_medium = thumbnails["320x240"]
        locked.thumbnail_large = thumbnails["640x480"]
        locked.analysis = outputs["analysis"]
        locked.enhanced_analysis = outputs.get("enhanced_analysis", {})
        locked.similar_matches = find_similar(locked, outputs["fingerprint"])
        locked.similar_override_by = None
        locked.pipeline_status = Pipeline.SUCCEEDED
        locked.pipeline_finished_at = timezone.now()
        locked.web_target_status = ARContent.WebTarget.PENDING
        locked.status = ARContent.Status.READY
        locked.save()
        _save_fingerprint(locked, outputs["fingerprint"])
        StoredFile.objects.filter(pk__in=[pk for pk in old_files if pk]).delete()
        audit_log(company=locked.company, actor=None, action="content.processed", target=locked,
                  changes={"status": ["processing", "ready"], "score": [None, locked.analysis.get("score")]})  # fmt: skip
        process_web_target.delay_on_commit(locked.pk)
        emit("content.ready", company=locked.company, subject=locked)


def _signed(value: int) -> int:
    """Store an unsigned 64-bit hash in PostgreSQL's signed bigint."""
    return value - (1 << 64) if value >= (1 << 63) else value


def _unsigned(value: int) -> int:
    return value + (1 << 64) if value < 0 else value


def _save_fingerprint(content: ARContent, fp: similarity.Fingerprint) -> None:
    hashes = [_signed(h) for h in fp.phashes]
    MarkerFingerprint.objects.update_or_create(
        content=content,
        defaults={
            "company": content.company,
            "phash_0": hashes[0],
            "phash_90": hashes[1],
            "phash_180": hashes[2],
            "phash_270": hashes[3],
            "features": fp.to_bytes(),
        },
    )


def find_similar(content: ARContent, fp: similarity.Fingerprint) -> list[dict[str, Any]]:
    """Markers on the whole platform that one print could mistake for this one.

    Cross-tenant by design; what is kept about another company's match is only that it
    exists — never its content, company or order number."""
    with scopes_disabled():  # one print can be mistaken for another company's: search them all
        rows = list(
            MarkerFingerprint.objects.exclude(content_id=content.pk).values_list(
                "content_id", "company_id", "phash_0", "phash_90", "phash_180", "phash_270"
            )
        )
    if not rows:
        return []
    stored = np.array([[_unsigned(v) for v in row[2:]] for row in rows], dtype=np.uint64)
    indices = similarity.prefilter_array(fp, stored)[:SIMILAR_MAX_CANDIDATES]
    candidates = {int(rows[int(i)][0]): int(rows[int(i)][1]) for i in indices}
    with scopes_disabled():  # the candidates' features, whichever company they belong to
        features = dict(
            MarkerFingerprint.objects.filter(content_id__in=candidates).values_list("content_id", "features")
        )  # one query for all candidates
    matches = []
    for content_id, company_id in candidates.items():
        result = similarity.match(fp, similarity.Fingerprint.from_bytes(bytes(features[content_id])))
        if not result.is_match:
            continue
        if company_id == content.company_id:
            other_content = ARContent.objects.only("unique_id", "order_number").get(pk=content_id)
            matches.append({"same_company": True, "unique_id": str(other_content.unique_id),
                            "order_number": other_content.order_number, "inliers": result.inliers})  # fmt: skip
        else:
            matches.append({"same_company": False, "inliers": result.inliers})
    return matches


def build_web_target(content: ARContent) -> None:
    """Compile the marker in use into a MindAR target, or record why it is unavailable."""
    marker = content.marker_in_use
    if marker is None:
        return
    if not settings.WEBAR_TARGETS:
        _set_web_target(content, status=ARContent.WebTarget.UNAVAILABLE, reason=WEBAR_OFF_REASON)
        return
    try:
        compiled = compile_target(_read(marker))
    except CompilerUnavailableError as error:
        _set_web_target(content, status=ARContent.WebTarget.UNAVAILABLE, reason=error.message)
        return
    except CompileError as error:
        _set_web_target(content, status=ARContent.WebTarget.FAILED, reason=error.message)
        return
    stored = stored_file_create(
        company=content.company, kind=StoredFile.Kind.WEB_TARGET, content=io.BytesIO(compiled.data),
        original_name="target.mind", project=content.project, generated_mime="application/octet-stream",
    )  # fmt: skip
    _set_web_target(content, status=ARContent.WebTarget.READY, reason="", stored=stored,
                    version=compiled.compiler_version)  # fmt: skip


def _set_web_target(
    content: ARContent, *, status: str, reason: str, stored: StoredFile | None = None, version: str = ""
) -> None:
    with transaction.atomic():
        locked = ARContent.objects.select_for_update().get(pk=content.pk)
        previous = locked.web_target_id
        locked.web_target_status = status
        locked.web_target_reason = reason
        if stored is not None:
            locked.web_target = stored
            locked.web_target_compiler_version = version
        locked.save(update_fields=["web_target_status", "web_target_reason", "web_target",
                                   "web_target_compiler_version", "updated_at"])  # fmt: skip
        if stored is not None and previous and previous != stored.pk:
            StoredFile.objects.filter(pk=previous).delete()
        if status == ARContent.WebTarget.FAILED:
            emit(
                "content.failed",
                company=locked.company,
                subject=locked,
                stage=gettext_lazy("Web AR target"),
                reason=reason,
            )


def reap_stuck() -> int:
    """Jobs "running" for longer than STUCK_AFTER lost their worker: requeue them, or fail
    them after MAX_ATTEMPTS. Returns how many were touched."""
    cutoff = timezone.now() - STUCK_AFTER
    touched = 0
    with scopes_disabled():  # a platform-wide sweep: stuck jobs of every company
        stuck = ARContent.objects.filter(pipeline_status=Pipeline.RUNNING, pipeline_started_at__lt=cutoff)
        for content in stuck.select_related("company"):
            if content.pipeline_attempts >= MAX_ATTEMPTS:
                _fail(
                    content,
                    "Processing did not finish after several attempts. Try again or use another photo.",
                )
            else:
                _release(content)
                process_content.delay_on_commit(content.pk)  # kept if the broker is away
            touched += 1
    return touched
