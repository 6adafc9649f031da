"""The alert rules shipped in docs/monitoring/alerts.yml name metrics that /metrics really
serves (a typo in a rule is an alert that never fires), and the work-state gauges they rely
on report what is in the database and Redis."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
import yaml
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from arcontent.tests.factories import make_content
from arcontent.viewer.events import events_key
from arvlite.core import redis as shared_redis
from arvlite.core.tenancy import company_scope
from videos.models import Video
from videos.tests.factories import make_video

pytestmark = pytest.mark.django_db

RULES = Path(django_settings.BASE_DIR) / "docs" / "monitoring" / "alerts.yml"
METRIC_NAME = re.compile(r"\b((?:arvlite|django)_[a-z0-9_]+)\b")


def scrape(client: Client, settings: Any) -> str:
    settings.METRICS_TOKEN = "scrape-me"
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-me")
    assert response.status_code == 200
    return response.content.decode()


def value(text: str, name: str, labels: str = "") -> float:
    match = re.search(rf"^{re.escape(name)}{re.escape(labels)} (\S+)$", text, re.MULTILINE)
    assert match, f"{name}{labels} is not in /metrics"
    return float(match.group(1))


def test_every_metric_of_every_rule_is_served(client: Client, settings: Any) -> None:
    rules = [rule for group in yaml.safe_load(RULES.read_text())["groups"] for rule in group["rules"]]
    assert len(rules) >= 10
    client.get("/healthz")
    client.get("/api/viewer/ar/00000000-0000-0000-0000-000000000000/check")
    served = set(re.findall(r"^([a-z_:][a-z0-9_:]*)[{ ]", scrape(client, settings), re.MULTILINE))
    for rule in rules:
        assert {"alert", "expr", "labels", "annotations"} <= set(rule), rule
        assert rule["labels"]["severity"] in ("page", "ticket")
        for name in METRIC_NAME.findall(rule["expr"]):
            assert name in served, f"{rule['alert']} names {name}, which /metrics does not serve"


def test_the_work_gauges_count_what_is_waiting(client: Client, settings: Any, company: Any) -> None:
    with company_scope(company):
        content = make_content(company)
        video = make_video(content)
        Video.objects.filter(pk=video.pk).update(
            status=Video.Status.PROCESSING, started_at=timezone.now() - timedelta(minutes=10)
        )
    shared_redis.client().rpush(events_key(), "x", "y", "z")  # type: ignore[union-attr]
    prefix = f"metrics-test-{uuid.uuid4().hex[:8]}:"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"global_keyprefix": prefix}
    broker = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)
    broker.rpush(f"{prefix}media", "a", "b")
    try:
        text = scrape(client, settings)
    finally:
        broker.delete(f"{prefix}media")
    assert value(text, "arvlite_videos_processing") == 1
    assert 590 <= value(text, "arvlite_videos_processing_oldest_seconds") <= 900
    assert value(text, "arvlite_viewer_buffered_events") == 3
    assert value(text, "arvlite_celery_queue_length", '{queue="media"}') == 2
    assert value(text, "arvlite_celery_queue_length", '{queue="default"}') == 0
    assert value(text, "arvlite_dependency_up", '{dependency="database"}') == 1
    assert value(text, "arvlite_metric_reader_errors") == 0


def test_a_scrape_survives_redis_being_down(client: Client, settings: Any) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    text = scrape(client, settings)
    assert value(text, "arvlite_dependency_up", '{dependency="redis"}') == 0
    assert value(text, "arvlite_metric_reader_errors") >= 2  # the scan buffer and the queues
    assert value(text, "arvlite_dependency_up", '{dependency="database"}') == 1


def test_without_redis_there_is_no_buffer_to_report(client: Client, settings: Any) -> None:
    settings.REDIS_URL = ""  # the embedded run: scans are written at once
    settings.CELERY_BROKER_URL = "memory://localhost/"
    text = scrape(client, settings)
    assert "arvlite_viewer_buffered_events" not in text
    assert "arvlite_celery_queue_length" not in text
    assert value(text, "arvlite_metric_reader_errors") == 0


def test_a_database_that_is_down_is_not_waited_on_by_every_reader(
    client: Client, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from arvlite.core import health

    probes: list[str] = []

    def refusing() -> None:
        probes.append("database")
        raise ConnectionError("the database does not answer")

    monkeypatch.setattr(health, "check_database", refusing)
    text = scrape(client, settings)
    assert probes == ["database"]  # probed once, not once per reader
    assert value(text, "arvlite_dependency_up", '{dependency="database"}') == 0
    assert "arvlite_videos_processing" not in text
    assert "arvlite_deliveries_due" not in text
    assert value(text, "arvlite_metric_reader_errors") == 3  # videos, photos, outbox skipped
    assert value(text, "arvlite_viewer_buffered_events") == 0  # Redis readers still run
