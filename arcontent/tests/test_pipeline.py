"""The photo → marker pipeline on real images, end to end through the content service."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.test.testcases import TestCase
from PIL import Image

from arcontent import pipeline, services
from arcontent.models import ARContent, MarkerFingerprint
from arcontent.tasks import process_content
from arcontent.tests.photos import flat_jpeg, rotated_jpeg, textured_jpeg
from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.actors import Actor
from companies.models import Company, StoredFile, User
from projects.tests.factories import ProjectFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scoped")]
S = ARContent.Status


def create(
    company: Company, actor: Actor, photo: bytes, *, width: str = "15", height: str = "10"
) -> ARContent:
    """Create content and run what the commit would start (pipeline, then web target)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        content = services.content_create(
            company=company,
            actor=actor,
            data=services.ContentInput(
                project=ProjectFactory(company=company),
                print_width_cm=Decimal(width),
                print_height_cm=Decimal(height),
                term_years=1,
                customer_name="Anna",
                customer_phone="8 912 345 67 89",
            ),
            photo=io.BytesIO(photo),
            photo_name="wedding.jpg",
        )
    with company_scope(company):
        return ARContent.objects.select_related("marker", "thumbnail_small", "thumbnail_large").get(
            pk=content.pk
        )


def test_a_textured_photo_becomes_ready_with_all_its_files(company: Company, editor: User) -> None:
    content = create(company, editor, textured_jpeg())
    assert content.status == S.READY
    assert content.pipeline_status == ARContent.Pipeline.SUCCEEDED
    assert content.order_number.startswith("ARV-")
    assert content.customer_phone == "+79123456789"
    assert content.analysis["level"] == "good"
    assert content.analysis["score"] >= 70
    assert content.marker is not None
    assert content.thumbnail_small is not None
    with default_storage.open(content.marker.key, "rb") as handle:
        marker = Image.open(handle)
        assert (marker.format, max(marker.size)) == ("JPEG", 1024)
    with default_storage.open(content.thumbnail_small.key, "rb") as handle:
        assert Image.open(handle).size == (150, 112)
    assert content.web_target_status == ARContent.WebTarget.UNAVAILABLE
    assert "switched off" in content.web_target_reason
    with company_scope(company):
        assert MarkerFingerprint.objects.filter(content=content).exists()


def test_a_flat_photo_is_poor_and_gets_advice(company: Company, editor: User) -> None:
    content = create(company, editor, flat_jpeg())
    assert content.status == S.READY
    assert content.analysis["level"] == "poor"
    assert content.analysis["recommendations"]
    assert {"en", "ru", "code"} <= set(content.analysis["recommendations"][0])
    with company_scope(company):
        assert any("hard to recognise" in reason for reason in services.publish_blockers(content))


@pytest.mark.parametrize(
    ("photo", "message"),
    [
        (b"", "empty"),
        (b"plain text renamed to .jpg", "not an image"),
        (textured_jpeg()[:5000], "damaged"),
        (b"GIF89a" + b"\x00" * 200, "not supported"),
    ],
)
def test_bad_photos_are_refused_with_nothing_stored(
    company: Company, editor: User, photo: bytes, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        create(company, editor, photo)
    assert message in " ".join(refused.value.message_dict["photo"]).lower()
    with scopes_disabled():
        assert not StoredFile.objects.exists()
        assert not ARContent.objects.exists()


def test_a_decompression_bomb_is_refused(company: Company, editor: User) -> None:
    from arcontent.imaging.tests.images import png_claiming

    with pytest.raises(ValidationError, match="megapixels"):
        create(company, editor, png_claiming(100_000, 100_000))


def test_the_same_photo_again_is_flagged_as_similar(company: Company, editor: User) -> None:
    photo = textured_jpeg(seed=7)
    first = create(company, editor, photo)
    second = create(company, editor, rotated_jpeg(photo, 90))
    assert second.similar_matches
    match = second.similar_matches[0]
    assert match["same_company"] is True
    assert match["order_number"] == first.order_number
    unrelated = create(company, editor, textured_jpeg(seed=99))
    assert unrelated.similar_matches == []


def test_a_match_in_another_company_reveals_nothing(
    company: Company, other_company: Company, editor: User, outsider: User
) -> None:
    photo = textured_jpeg(seed=11)
    with company_scope(other_company):
        theirs = create(other_company, outsider, photo)
    mine = create(company, editor, photo)
    assert mine.similar_matches == [{"same_company": False, "inliers": mine.similar_matches[0]["inliers"]}]
    assert theirs.order_number not in str(mine.similar_matches)


def test_running_the_pipeline_twice_does_nothing_the_second_time(company: Company, editor: User) -> None:
    content = create(company, editor, textured_jpeg())
    marker = content.marker_id
    process_content(content.pk)  # a duplicate delivery: not claimable any more
    content.refresh_from_db()
    assert content.marker_id == marker


def test_reprocessing_replaces_the_files(company: Company, editor: User) -> None:
    content = create(company, editor, textured_jpeg())
    assert content.marker is not None
    old_marker_key = content.marker.key
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.content_reprocess(content=content, actor=editor)
    content.refresh_from_db()
    assert content.status == S.READY
    assert content.marker is not None
    assert content.marker.key != old_marker_key
    assert not default_storage.exists(old_marker_key)


def test_a_photo_missing_from_storage_fails_with_a_readable_reason(company: Company, editor: User) -> None:
    content = create(company, editor, textured_jpeg())
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.content_reprocess(content=content, actor=editor)
    assert content.photo is not None
    default_storage.delete(content.photo.key)
    with company_scope(company):
        ARContent.objects.filter(pk=content.pk).update(
            status=S.PROCESSING, pipeline_status="pending", pipeline_attempts=3
        )
    process_content(content.pk)
    content.refresh_from_db()
    assert content.status == S.DRAFT
    assert content.pipeline_status == ARContent.Pipeline.FAILED
    assert "Try again" in content.pipeline_error


def test_stuck_jobs_are_requeued_then_failed(company: Company, editor: User) -> None:
    from datetime import timedelta

    from django.utils import timezone

    content = create(company, editor, textured_jpeg())
    long_ago = timezone.now() - timedelta(hours=1)
    with company_scope(company):
        ARContent.objects.filter(pk=content.pk).update(
            status=S.PROCESSING, pipeline_status="running", pipeline_started_at=long_ago, pipeline_attempts=3
        )
    assert pipeline.reap_stuck() == 1
    content.refresh_from_db()
    assert content.pipeline_status == ARContent.Pipeline.FAILED
    assert pipeline.reap_stuck() == 0


def test_the_auto_enhanced_marker_is_offered_for_a_washed_out_photo(company: Company, editor: User) -> None:
    from arcontent.imaging.tests.images import encode, textured_photo, washed_out

    content = create(
        company, editor, encode(washed_out(textured_photo(1200, 900, seed=3)), "JPEG", quality=92)
    )
    assert content.enhanced_marker_id is not None
    assert content.enhanced_analysis["score"] > content.analysis["score"]
    services.content_use_enhanced_marker(content=content, actor=editor, use=True)
    content.refresh_from_db()
    assert content.marker_is_enhanced


@pytest.mark.slow  # runs MindAR's compiler in Node
def test_the_web_target_is_compiled_for_real_when_switched_on(
    settings: Any, company: Company, editor: User
) -> None:
    from arcontent.webar.compiler import installed_mindar_version, verify_target

    settings.WEBAR_TARGETS = True
    content = create(company, editor, textured_jpeg(size=(800, 600)))
    content.refresh_from_db()
    assert content.web_target_status == ARContent.WebTarget.READY, content.web_target_reason
    assert content.web_target_compiler_version == installed_mindar_version()
    assert content.web_target is not None
    with default_storage.open(content.web_target.key, "rb") as handle:
        info = verify_target(handle.read())
    assert info.targets == 1
    assert (info.width, info.height) == (800, 600)  # the marker: never upscaled


def test_a_target_left_unavailable_is_built_on_request_in_portal_and_api(
    settings: Any, company: Company, editor: User, viewer: User, django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from django.test import Client

    from arcontent.webar.compiler import compiler_status

    content = create(company, editor, textured_jpeg(size=(800, 600)))
    assert content.web_target_status == ARContent.WebTarget.UNAVAILABLE  # WEBAR_TARGETS is off in tests
    client = Client()
    client.force_login(editor)
    page = client.get(f"/c/{company.slug}/content/{content.unique_id}/")
    assert b'data-testid="build-web-target"' in page.content
    watcher = Client()
    watcher.force_login(viewer)
    assert (
        b'data-testid="build-web-target"'
        not in watcher.get(f"/c/{company.slug}/content/{content.unique_id}/").content
    )

    calls: list[int] = []
    real = pipeline.build_web_target

    def counted(target: ARContent) -> None:
        calls.append(target.pk)
        real(target)

    monkeypatch.setattr(pipeline, "build_web_target", counted)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"/c/{company.slug}/content/{content.unique_id}/build-web-target/")
    assert answer.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        api = client.post(
            f"/api/v1/companies/{company.slug}/ar-content/{content.unique_id}/build-web-target/"
        )
    assert api.status_code == 200, api.content
    assert calls == [content.pk, content.pk]  # the task ran each time
    content.refresh_from_db()
    assert content.web_target_status == ARContent.WebTarget.UNAVAILABLE  # still off here, with its reason
    assert content.web_target_reason
    from companies.models import AuditEntry

    assert (
        AuditEntry.objects.filter(action="content.build_web_target", target_id=str(content.pk)).count() == 2
    )
    # The periodic retry waits while the compiler is missing (or switched off).
    assert services.retry_unavailable_web_targets() == 0
    settings.WEBAR_TARGETS = True
    if not compiler_status().available:
        assert services.retry_unavailable_web_targets() == 0


@pytest.mark.slow  # runs MindAR's compiler in Node
def test_targets_left_unavailable_without_the_compiler_are_built_once_it_is_there(
    settings: Any, company: Company, editor: User, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from arcontent.tasks import retry_web_targets
    from arcontent.webar import compiler

    settings.WEBAR_TARGETS = True
    installed = compiler.NODE_DIR
    monkeypatch.setattr(compiler, "NODE_DIR", tmp_path)  # as on a machine where npm ci failed
    content = create(company, editor, textured_jpeg(size=(800, 600)))
    content.refresh_from_db()
    assert content.web_target_status == ARContent.WebTarget.UNAVAILABLE
    assert retry_web_targets() == 0  # still missing: nothing to do
    monkeypatch.setattr(compiler, "NODE_DIR", installed)  # the compiler got installed
    assert retry_web_targets() == 1  # eager here: built in the call
    content.refresh_from_db()
    assert content.web_target_status == ARContent.WebTarget.READY, content.web_target_reason
    assert retry_web_targets() == 0


def interrupted_job(company: Company, editor: User, *, task_id: str, attempts: int = 1) -> ARContent:
    """Content as a worker SIGKILLed mid-pipeline leaves it: running, claimed by a task."""
    content = create(company, editor, textured_jpeg())
    with company_scope(company):
        ARContent.objects.filter(pk=content.pk).update(
            status=S.PROCESSING,
            pipeline_status="running",
            pipeline_task_id=task_id,
            pipeline_attempts=attempts,
        )
    return content


def test_the_redelivered_task_restarts_its_own_interrupted_claim(company: Company, editor: User) -> None:
    content = interrupted_job(company, editor, task_id="delivery-1")
    process_content.apply(args=[content.pk], task_id="delivery-1")
    content.refresh_from_db()
    assert content.pipeline_status == ARContent.Pipeline.SUCCEEDED, content.pipeline_error
    assert content.pipeline_attempts == 2
    assert content.status == S.READY


def test_another_task_never_takes_a_running_claim(company: Company, editor: User) -> None:
    content = interrupted_job(company, editor, task_id="delivery-1")
    process_content.apply(args=[content.pk], task_id="a-duplicate-send")
    content.refresh_from_db()
    assert (content.pipeline_status, content.pipeline_attempts) == (ARContent.Pipeline.RUNNING, 1)


def test_a_photo_that_keeps_killing_its_worker_fails_with_the_reason(company: Company, editor: User) -> None:
    content = interrupted_job(company, editor, task_id="delivery-1", attempts=pipeline.MAX_ATTEMPTS)
    process_content.apply(args=[content.pk], task_id="delivery-1")
    content.refresh_from_db()
    assert content.pipeline_status == ARContent.Pipeline.FAILED
    assert content.pipeline_error == pipeline.WORKER_LOST
    assert content.status == S.DRAFT


def test_the_reaper_threshold_follows_the_task_time_limit() -> None:
    from datetime import timedelta

    from arvlite.core.task_claims import REAP_SLACK

    stuck_after = pipeline.STUCK_AFTER
    assert stuck_after == timedelta(seconds=process_content.time_limit) + REAP_SLACK
    assert stuck_after < timedelta(minutes=10)


def test_a_run_whose_claim_was_taken_over_changes_nothing(company: Company, editor: User) -> None:
    content = interrupted_job(company, editor, task_id="delivery-1", attempts=2)
    older_run = ARContent.objects.get(pk=content.pk)
    older_run.pipeline_attempts = 1  # the first run's claim, taken over by the second
    pipeline._fail(older_run, "the older run's failure")
    pipeline._release(older_run)
    content.refresh_from_db()
    assert (content.pipeline_status, content.pipeline_error, content.status) == ("running", "", S.PROCESSING)
