"""The scan's hot path: cached snapshots (no SQL), invalidation on commit, buffered views
flushed without loss, the Redis cursor, per-IP throttling and the database fallback."""

from __future__ import annotations

import pickle
import re
import threading
import uuid
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import redis
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from arcontent.models import ARContent, ViewFlushBatch, ViewSession
from arcontent.tests.factories import make_content
from arcontent.viewer import hotpath
from arcontent.viewer.events import decode, events_key
from arcontent.viewer.flush import flush
from arcontent.viewer.recording import apply_events
from arcontent.viewer.snapshot import build_snapshot
from arvlite.core import redis as shared_redis
from arvlite.core.tenancy import scopes_disabled
from videos.models import DateRule, Playback, VideoSchedule
from videos.tests.factories import make_video

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"


@pytest.fixture(autouse=True)
def _company_scope(company: Any) -> Any:
    with scopes_disabled():  # the viewer runs outside any tenant scope
        yield


@pytest.fixture
def content(company: Any) -> ARContent:
    made = make_content(
        company,
        status=ARContent.Status.ACTIVE,
        expires_at=timezone.now() + timedelta(days=30),
        published_at=timezone.now(),
    )
    make_video(made, title="First")
    return made


def manifest(content: ARContent, client: Client | None = None, **extra: Any) -> Any:
    return (client or Client()).get(f"/api/viewer/ar/{content.unique_id}/manifest", **extra)


def redis_client() -> redis.Redis:
    """The shared Redis, which these tests need."""
    client = shared_redis.client()
    assert client is not None, "Redis is not reachable"
    return client


def buffered() -> int:
    return redis_client().llen(events_key())


def test_a_cached_scan_makes_no_sql_query(content: ARContent) -> None:
    client = Client(HTTP_USER_AGENT=PHONE)
    assert manifest(content, client).status_code == 200  # builds and caches the snapshot
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert manifest(content, client).status_code == 200
            assert client.get(f"/api/viewer/ar/{content.unique_id}/check").json() == {
                "content_available": True
            }
            assert client.get(f"/api/viewer/ar/{content.unique_id}/active-video").status_code == 200
    assert list(queries) == []
    assert buffered() == 4  # every manifest counted, in Redis only
    content.refresh_from_db()
    assert content.view_count == 0


def test_unknown_ids_are_remembered_without_sql(db: None) -> None:
    missing = uuid.uuid4()
    Client().get(f"/api/viewer/ar/{missing}/check")
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(f"/api/viewer/ar/{missing}/check").json()["reason"] == "not_found"
    assert list(queries) == []


def test_flush_writes_views_with_device_and_visitor(content: ARContent) -> None:
    phone, desktop = (
        Client(HTTP_USER_AGENT=PHONE),
        Client(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"),
    )
    for client in (phone, phone, desktop):
        manifest(content, client, QUERY_STRING="c=copy-7")
    report = flush()
    assert (report.events, buffered()) == (3, 0)
    content.refresh_from_db()
    assert content.view_count == 3
    rows = list(ViewSession.objects.filter(content=content).order_by("id"))
    assert [row.device_type for row in rows] == ["mobile", "mobile", "desktop"]
    assert rows[0].os == "Android"
    assert rows[0].browser.startswith("Chrome")
    assert rows[2].browser == "Firefox"
    assert rows[0].visitor_hash == rows[1].visitor_hash != rows[2].visitor_hash
    assert all(row.copy == "copy-7" and row.company_id == content.company_id for row in rows)
    assert "127.0.0.1" not in rows[0].visitor_hash
    assert flush().events == 0  # nothing left, nothing counted twice


def test_no_view_is_lost_when_the_flush_runs_during_traffic(content: ARContent) -> None:
    hotpath.lookup(str(content.unique_id), None)  # cached
    per_thread, threads = 60, 4

    def scan() -> None:
        client = Client()
        for _ in range(per_thread):
            assert manifest(content, client).status_code == 200

    workers = [threading.Thread(target=scan) for _ in range(threads)]
    for worker in workers:
        worker.start()
    flushed = 0
    while any(worker.is_alive() for worker in workers):
        flushed += flush(chunk=7).events
    for worker in workers:
        worker.join()
    flushed += flush(chunk=7).events
    content.refresh_from_db()
    assert flushed == content.view_count == per_thread * threads
    assert ViewSession.objects.filter(content=content).count() == per_thread * threads


def test_an_interrupted_flush_is_finished_once(content: ARContent) -> None:
    for _ in range(5):
        manifest(content)
    client = redis_client()
    # A flush renamed the list, wrote its first chunk, then died before deleting the list.
    pending = shared_redis.key("viewer:events:flushing", "crashed")
    client.rename(events_key(), pending)
    with scopes_disabled():
        apply_events([decode(raw) for raw in client.lrange(pending, 0, 1)])
        ViewFlushBatch.objects.create(batch_id="crashed:0", events=2)
    manifest(content)  # traffic meanwhile goes to a fresh list
    assert flush(chunk=2).events == 4  # 3 left of the crashed batch + 1 new
    content.refresh_from_db()
    assert content.view_count == 6


@pytest.mark.parametrize("change", ["content", "video", "schedule", "playback", "date_rule", "company"])
def test_changes_show_up_at_once(content: ARContent, change: str) -> None:
    uid = str(content.unique_id)
    first = manifest(content).json()
    assert first["video"]["title"] == "First"
    second = make_video(content, title="Second", order=5)  # a new video invalidates too
    if change == "content":
        content.status = ARContent.Status.PAUSED
        content.save()
        assert Client().get(f"/api/viewer/ar/{uid}/check").json()["reason"] == "content_not_active"
        return
    if change == "video":
        # The project's default mode is cyclic, so the second scan plays the second video.
        second.title = "Renamed"
        second.save()
        assert manifest(content).json()["video"]["title"] == "Renamed"
        return
    if change == "schedule":
        VideoSchedule.objects.create(
            company=content.company, content=content, video=second,
            starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now() + timedelta(hours=1),
        )  # fmt: skip
        assert manifest(content).json()["video"]["title"] == "Second"
        return
    playback, _ = Playback.objects.update_or_create(  # processing may have made the row
        content=content,
        defaults={"company": content.company, "mode": Playback.Mode.MANUAL, "active_video": second},
    )
    if change == "playback":
        assert manifest(content).json()["video"]["selection_source"] == "active_default"
        return
    if change == "date_rule":
        local = timezone.now().astimezone(ZoneInfo(content.company.time_zone)).date()  # the company's today
        DateRule.objects.create(
            company=content.company, playback=playback, video=content.videos.get(title="First"),
            month=local.month, day=local.day,
        )  # fmt: skip
        assert manifest(content).json()["video"]["selection_source"] == "date_rule"
        return
    content.company.name = "Renamed Studio"
    content.company.save()
    assert manifest(content).json()["company"]["name"] == "Renamed Studio"


def test_throttled_per_client_ip_in_the_error_format(content: ARContent, settings: Any) -> None:
    settings.VIEWER_THROTTLE_PER_MINUTE = 3
    client = Client(REMOTE_ADDR="203.0.113.5")
    answers = [client.get(f"/api/viewer/ar/{content.unique_id}/check").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    throttled = client.get(f"/api/viewer/ar/{content.unique_id}/manifest")
    assert throttled.status_code == 429
    assert throttled.json()["code"] == "throttled"
    assert int(throttled["Retry-After"]) >= 1
    # another address is not affected
    assert (
        Client(REMOTE_ADDR="203.0.113.6").get(f"/api/viewer/ar/{content.unique_id}/check").status_code == 200
    )


def test_forwarded_for_counts_only_behind_a_trusted_proxy(content: ARContent, settings: Any) -> None:
    settings.VIEWER_THROTTLE_PER_MINUTE = 1
    path = f"/api/viewer/ar/{content.unique_id}/check"
    # Untrusted: the header is ignored, so changing it does not escape the limit.
    spoofer = Client(REMOTE_ADDR="198.51.100.9")
    assert spoofer.get(path, HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 200
    assert spoofer.get(path, HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429
    # Behind the trusted proxy every client has its own allowance.
    settings.VIEWER_TRUSTED_PROXIES = ["10.0.0.0/8"]
    proxy = Client(REMOTE_ADDR="10.1.2.3")
    assert proxy.get(path, HTTP_X_FORWARDED_FOR="203.0.113.1, 10.9.9.9").status_code == 200
    assert proxy.get(path, HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 200
    assert proxy.get(path, HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.1").status_code == 429


def test_without_redis_the_database_answers(content: ARContent, settings: Any) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    settings.REDIS_RETRY_SECONDS = 60
    uid = str(content.unique_id)
    assert Client().get(f"/api/viewer/ar/{uid}/check").json() == {"content_available": True}
    body = manifest(content, Client(HTTP_USER_AGENT=PHONE)).json()
    assert body["video"]["title"] == "First"
    content.refresh_from_db()
    assert content.view_count == 1  # written at once instead of buffered
    assert ViewSession.objects.filter(content=content, device_type="mobile").count() == 1
    content.status = ARContent.Status.PAUSED
    content.save()  # invalidation cannot reach Redis: no error, and the database is read
    assert Client().get(f"/api/viewer/ar/{uid}/check").json()["reason"] == "content_not_active"
    assert flush().events == 0


def test_sequential_cursor_falls_back_to_the_view_count(company: Any, settings: Any) -> None:
    content = make_content(
        company, status=ARContent.Status.ACTIVE, expires_at=timezone.now() + timedelta(days=3)
    )
    videos = [make_video(content, title=f"v{n}", order=n) for n in range(3)]
    Playback.objects.create(company=company, content=content, mode=Playback.Mode.CYCLIC)
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    played = [manifest(content).json()["video"]["id"] for _ in range(4)]
    assert played == [videos[0].pk, videos[1].pk, videos[2].pk, videos[0].pk]


def test_redis_errors_midway_fall_back(content: ARContent, monkeypatch: Any) -> None:
    """A Redis that fails on a call (not only on connect) trips the breaker."""

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise redis.ConnectionError("gone")

    monkeypatch.setattr(redis.client.Pipeline, "execute", broken)
    assert manifest(content).status_code == 200
    assert shared_redis.client() is None  # skipped for a while
    content.refresh_from_db()
    assert content.view_count == 1


def test_deleting_content_forgets_its_snapshot_and_cursor(company: Any) -> None:
    content = make_content(
        company, status=ARContent.Status.ACTIVE, expires_at=timezone.now() + timedelta(days=3)
    )
    make_video(content)
    Playback.objects.create(company=company, content=content, mode=Playback.Mode.CYCLIC)
    manifest(content)
    client = redis_client()
    cursor = shared_redis.key(hotpath.CURSOR_KEY, content.pk)
    assert client.exists(hotpath.snapshot_key(str(content.unique_id)), cursor) == 2
    uid = content.unique_id
    content.delete()
    assert client.exists(hotpath.snapshot_key(str(uid)), cursor) == 0
    assert Client().get(f"/api/viewer/ar/{uid}/check").json()["reason"] == "not_found"
    assert flush().events == 0  # the buffered view of deleted content is dropped


def test_an_unreadable_cached_snapshot_is_rebuilt(content: ARContent) -> None:
    key = hotpath.snapshot_key(str(content.unique_id))
    redis_client().set(key, b"\x80\x05garbage")
    assert manifest(content).status_code == 200
    cached = redis_client().get(key)
    assert isinstance(cached, bytes)
    assert cached != b"\x80\x05garbage"
    rebuilt = pickle.loads(cached)  # noqa: S301 - written by the view
    fresh = build_snapshot(str(content.unique_id))
    # Signed links carry their expiry second, so two builds a second apart differ only there.
    assert _unsigned(rebuilt) == _unsigned(fresh)


def _unsigned(snapshot: object) -> str:
    return re.sub(r"expires=\d+&signature=[0-9a-f]+", "signed", repr(snapshot))
