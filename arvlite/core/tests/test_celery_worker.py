"""Celery configuration, and a real worker process on the Redis broker."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings
from django.db import transaction

from arvlite.celery import app
from arvlite.core.models import WorkerHeartbeat
from arvlite.core.tasks import record_heartbeat
from arvlite.core.testing.celery import queue_key

ROOT = Path(__file__).resolve().parents[3]


def test_the_app_is_configured_for_reliable_delivery() -> None:
    conf = app.conf
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_acks_late is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_time_limit
    assert conf.task_soft_time_limit < conf.task_time_limit
    assert {q.name for q in conf.task_queues} == {"default", "media"}
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit


def test_every_scheduled_task_exists() -> None:
    app.loader.import_default_modules()  # what a worker does at start: import every tasks.py
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]


@pytest.mark.django_db
def test_the_heartbeat_is_recorded_in_process_when_eager() -> None:
    record_heartbeat.delay(token="eager")
    beat = WorkerHeartbeat.objects.get(token="eager")
    assert beat.pid == os.getpid()
    record_heartbeat.delay(token="eager")
    assert WorkerHeartbeat.objects.count() == 1  # repeating it updates the same row


@pytest.mark.worker
def test_a_task_sent_after_commit_runs_in_a_worker_process_and_writes_to_postgres(celery_worker: Any) -> None:
    worker_queue = f"test-{uuid.uuid4().hex[:10]}"
    celery_worker_process = celery_worker([worker_queue], worker_queue)
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    token = uuid.uuid4().hex

    with transaction.atomic():
        record_heartbeat.apply_async_on_commit(kwargs={"token": token}, queue=worker_queue)
        # Nothing may reach the broker before the transaction commits.
        assert broker.llen(queue_key(worker_queue)) == 0

    deadline = time.monotonic() + 60
    beat = None
    while beat is None and time.monotonic() < deadline:
        if celery_worker_process.poll() is not None:
            pytest.fail(
                "the worker exited: "
                + (celery_worker_process.stdout.read() if celery_worker_process.stdout else "")
            )
        beat = WorkerHeartbeat.objects.filter(token=token).first()
        time.sleep(0.2)

    assert beat is not None, "the worker did not run the task within 60 s"
    assert beat.pid != os.getpid()
    assert beat.pid == celery_worker_process.pid
    assert beat.hostname.startswith(f"{worker_queue}@")


@pytest.mark.worker
def test_queued_tasks_are_kept_under_the_runs_own_key_prefix(celery_worker: Any) -> None:
    """Parallel xdist workers and other runs on the machine start workers on the same queue
    names; the prefix keeps one run's worker from taking another's tasks."""
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    assert queue_key("default").startswith(f"{settings.TEST_RUN_PREFIX}:")
    record_heartbeat.apply_async(kwargs={"token": "queued"}, queue="default")
    assert broker.llen(queue_key("default")) == 1
    assert not WorkerHeartbeat.objects.filter(token="queued").exists()  # no worker took it


@pytest.mark.django_db
def test_a_kept_task_that_cannot_be_sent_does_not_hold_back_the_others() -> None:
    from arvlite.core.models import UnsentTask
    from arvlite.core.task_base import resend_unsent

    refused = UnsentTask.objects.create(name="core.record_heartbeat", kwargs={"no_such_argument": 1})
    UnsentTask.objects.create(name="core.record_heartbeat", kwargs={"token": "resent"})
    assert resend_unsent(app) == 1  # eager here: sending runs the task in process
    assert WorkerHeartbeat.objects.filter(token="resent").exists()
    refused.refresh_from_db()
    assert refused.attempts == 2
    assert "no_such_argument" in refused.error
