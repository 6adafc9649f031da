"""Who may run a video's processing: a redelivered task takes back its own interrupted claim
(its worker died mid-run), no other delivery does, and a file that keeps killing workers
fails instead of looping. The reaper's threshold follows the task's time limit.

The worker-kill itself, with a real worker process: test_worker_killed.py."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test.testcases import TestCase
from django.utils import timezone

from arcontent.models import ARContent
from arcontent.tests.factories import make_content
from arvlite.core.task_claims import REAP_SLACK
from arvlite.core.tenancy import company_scope
from companies.models import Company
from videos import processing
from videos.models import Video
from videos.tasks import process_video
from videos.tests.factories import clip_bytes, make_video

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(company: Company) -> ARContent:
    return make_content(company)


def interrupted(content: ARContent, *, task_id: str, attempts: int = 1, minutes_ago: int = 1) -> Video:
    """A video as a worker SIGKILLed mid-transcode leaves it: processing, claimed by a task."""
    with company_scope(content.company):
        video = make_video(content, ready=False)
        Video.objects.filter(pk=video.pk).update(
            status=Video.Status.PROCESSING,
            progress=24,
            attempts=attempts,
            task_id=task_id,
            started_at=timezone.now() - timedelta(minutes=minutes_ago),
        )
    return video


def test_the_redelivered_task_restarts_its_own_interrupted_claim(content: ARContent) -> None:
    video = interrupted(content, task_id="delivery-1")
    process_video.apply(args=[video.pk], task_id="delivery-1")
    video.refresh_from_db()
    assert video.status == Video.Status.READY, video.error
    assert video.attempts == 2
    assert video.rendition_720_id is not None


def test_another_task_never_takes_a_live_claim(content: ARContent) -> None:
    video = interrupted(content, task_id="delivery-1")
    process_video.apply(args=[video.pk], task_id="a-duplicate-send")
    video.refresh_from_db()
    assert (video.status, video.progress, video.attempts) == (Video.Status.PROCESSING, 24, 1)


def test_a_fresh_claim_records_its_task(content: ARContent) -> None:
    with company_scope(content.company):
        video = make_video(content, ready=False)
    process_video.apply(args=[video.pk], task_id="first-delivery")
    video.refresh_from_db()
    assert (video.status, video.attempts, video.task_id) == (Video.Status.READY, 1, "first-delivery")


def test_a_video_that_keeps_killing_its_worker_fails_with_the_reason(content: ARContent) -> None:
    video = interrupted(content, task_id="delivery-1", attempts=processing.MAX_ATTEMPTS)
    process_video.apply(args=[video.pk], task_id="delivery-1")
    video.refresh_from_db()
    assert video.status == Video.Status.FAILED
    assert video.error == processing.WORKER_LOST
    assert video.attempts == processing.MAX_ATTEMPTS


def test_the_reaper_waits_exactly_the_task_time_limit(content: ARContent) -> None:
    stuck_after = processing.STUCK_AFTER
    assert stuck_after == timedelta(seconds=process_video.time_limit) + REAP_SLACK
    minutes = int(stuck_after.total_seconds() // 60)
    within = interrupted(content, task_id="alive", minutes_ago=minutes - 1)
    lost = interrupted(content, task_id="lost", minutes_ago=minutes + 1)

    with TestCase.captureOnCommitCallbacks(execute=True):  # it is sent after the release commits
        assert processing.reap_stuck() == 1  # and runs in process here (eager)
    within.refresh_from_db()
    lost.refresh_from_db()
    assert within.status == Video.Status.PROCESSING
    assert lost.status == Video.Status.READY
    assert lost.attempts == 2


def test_a_run_whose_claim_was_taken_over_changes_nothing(content: ARContent) -> None:
    """Two deliveries of one task running at once (a broker handing the message out again):
    the attempt number fences the claim, so only the newer run decides."""
    from types import SimpleNamespace

    from companies.files import stored_file_create
    from companies.models import StoredFile

    video = interrupted(content, task_id="delivery-1", attempts=2)
    with company_scope(content.company):
        older_run = Video.objects.select_related("company").get(pk=video.pk)
        older_run.attempts = 1  # what the first run took, before the second took it over

        processing._set_progress(older_run, 80)
        processing._fail(older_run, "the older run's failure")
        made = stored_file_create(company=content.company, kind=StoredFile.Kind.RENDITION,
                                  content=io.BytesIO(clip_bytes(width=160, height=120)), original_name="720p.mp4",
                                  project=content.project)  # fmt: skip
        processing._finish(older_run, {"info": SimpleNamespace(), "rendition_720": made})

        video.refresh_from_db()
        assert (video.status, video.progress, video.error) == (Video.Status.PROCESSING, 24, "")
        assert video.rendition_720_id is None
        assert not StoredFile.objects.filter(pk=made.pk).exists(), (
            "the older run's outputs are not left behind"
        )


@pytest.mark.django_db(transaction=True)
def test_a_database_connection_dropped_mid_transcode_releases_the_claim(
    content: ARContent, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import InterfaceError, OperationalError

    from arvlite.core.testing.postgres import terminate_app_connection

    with company_scope(content.company):
        video = make_video(content, ready=False)
        # Committed at once here (transaction=True), so the eager task already ran: back to uploaded.
        Video.objects.filter(pk=video.pk).update(status=Video.Status.UPLOADED, attempts=0, task_id="")

    def build_then_lose_the_database(video: Video, source: object, workdir: object) -> None:
        terminate_app_connection()
        with company_scope(content.company):
            Video.objects.filter(pk=video.pk).update(progress=50)  # a write meets the dropped link

    monkeypatch.setattr(processing, "_build", build_then_lose_the_database)
    with pytest.raises(OperationalError), company_scope(content.company):  # the task's autoretry takes it
        processing.process_video(video)
    with company_scope(content.company):
        video.refresh_from_db()  # the release reached the database on a new connection
    assert video.status == Video.Status.UPLOADED
    assert InterfaceError in process_video.autoretry_for
