"""The viewer's event contract (arcontent/viewer/events.py): the wire form round-trips,
what the previous release buffered still decodes, malformed entries are refused (and the
flush drops and counts them), and recording.apply_events writes views and merges sessions."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arcontent.models import ARContent, ViewFlushBatch, ViewSession
from arcontent.tests.factories import make_content
from arcontent.viewer.events import (
    MAX_DURATION_SECONDS,
    SESSION_EVENTS,
    MalformedEventError,
    SessionEvent,
    SessionReport,
    ViewEvent,
    decode,
    encode,
    events_key,
)
from arcontent.viewer.flush import flush
from arcontent.viewer.recording import apply_events
from arvlite.core import redis as shared_redis
from arvlite.core.tenancy import scopes_disabled
from companies.models import Company

PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"
APP = "ARVlite/2.3 (iPhone; iOS 17.5)"
SID = "6f1c2a8e-3b5d-4c7e-9f10-2a3b4c5d6e7f"
# Exactly what the hot path of the previous release pushed (json.dumps of its dicts).
OLD_VIEW = (
    b'{"k":"view","c":123456,"co":42,"p":777,"ts":1796226654.397,'
    b'"vh":"0123456789abcdef0123456789abcdef","ua":"' + PHONE.encode() + b'","cc":"RU",'
    b'"cp":"copy-7","sid":"6f1c2a8e-3b5d-4c7e-9f10-2a3b4c5d6e7f","src":"app","v":991}'
)
OLD_SESSION = (
    b'{"k":"session","c":123456,"co":42,"p":777,"ts":1796226654.397,'
    b'"vh":"0123456789abcdef0123456789abcdef","ua":"' + PHONE.encode() + b'","cc":"RU",'
    b'"session_id":"6f1c2a8e-3b5d-4c7e-9f10-2a3b4c5d6e7f","event":"heartbeat",'
    b'"duration_seconds":12,"video_played":true}'
)

ids = st.integers(min_value=1, max_value=2**63 - 1)
moments = st.floats(min_value=0, max_value=253402300799, allow_nan=False, allow_infinity=False)
view_events = st.builds(
    ViewEvent,
    content_id=ids,
    company_id=ids,
    project_id=ids,
    at=moments,
    visitor_hash=st.text(),
    user_agent=st.text(),
    country=st.text(),
    copy=st.text(),
    session_id=st.text(),
    source=st.text(),
    video_id=st.none() | ids,
)
reports = st.builds(
    SessionReport,
    session_id=st.uuids().map(str),
    event=st.sampled_from(SESSION_EVENTS),
    duration_seconds=st.none() | st.integers(min_value=0, max_value=MAX_DURATION_SECONDS),
    video_id=st.none() | ids,
    video_played=st.none() | st.booleans(),
    device_model=st.none() | st.text(),
    os=st.none() | st.text(),
    app_version=st.none() | st.text(),
    tracking_quality=st.none() | st.text(),
)
session_events = st.builds(
    SessionEvent,
    content_id=ids,
    company_id=ids,
    project_id=ids,
    at=moments,
    report=reports,
    visitor_hash=st.text(),
    user_agent=st.text(),
    country=st.text(),
)

# The machine running the tests is shared: a draw stalled by another process is not slow data.
PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(view_events)
def test_a_view_event_survives_the_wire(event: ViewEvent) -> None:
    assert decode(encode(event)) == event
    assert decode(encode(event).encode()) == event  # Redis hands back bytes


@PROPERTY
@given(session_events)
def test_a_session_event_survives_the_wire(event: SessionEvent) -> None:
    assert decode(encode(event)) == event


@PROPERTY
@given(reports)
def test_what_was_not_reported_stays_off_the_wire(report: SessionReport) -> None:
    event = SessionEvent(content_id=1, company_id=2, project_id=3, at=1.5, report=report)
    wire = json.loads(encode(event))
    absent = {name for name in SessionReport.__slots__ if getattr(report, name) is None}
    assert absent.isdisjoint(wire)


def test_the_previous_releases_view_decodes() -> None:
    assert decode(OLD_VIEW) == ViewEvent(
        content_id=123456,
        company_id=42,
        project_id=777,
        at=1796226654.397,
        visitor_hash="0123456789abcdef0123456789abcdef",
        user_agent=PHONE,
        country="RU",
        copy="copy-7",
        session_id=SID,
        source="app",
        video_id=991,
    )


def test_the_previous_releases_session_event_decodes() -> None:
    event = decode(OLD_SESSION)
    assert isinstance(event, SessionEvent)
    assert (event.content_id, event.company_id, event.project_id) == (123456, 42, 777)
    assert event.report == SessionReport(
        session_id=SID, event="heartbeat", duration_seconds=12, video_played=True
    )


def test_encoding_writes_the_previous_releases_form() -> None:
    """Byte for byte, so a previous release's flush still reads what this one buffers."""
    assert encode(decode(OLD_VIEW)) == OLD_VIEW.decode()
    assert encode(decode(OLD_SESSION)) == OLD_SESSION.decode()


def test_a_view_without_a_video_session_or_source_decodes() -> None:
    raw = b'{"k":"view","c":1,"co":2,"p":3,"ts":1700000000,"vh":"","ua":"","cc":"","cp":"","sid":"","src":"","v":null}'
    event = decode(raw)
    assert isinstance(event, ViewEvent)
    assert (event.video_id, event.session_id, event.source, event.at) == (None, "", "", 1700000000.0)


def test_unknown_extra_keys_are_ignored() -> None:
    wire = {**json.loads(OLD_VIEW), "future_field": [1, 2]}
    assert decode(json.dumps(wire)) == decode(OLD_VIEW)


_DROP = object()


def _changed(raw: bytes, **changes: Any) -> str:
    """OLD_VIEW or OLD_SESSION with some keys changed (or dropped: _DROP)."""
    wire = json.loads(raw)
    for key, value in changes.items():
        if value is _DROP:
            del wire[key]
        else:
            wire[key] = value
    return json.dumps(wire)


@pytest.mark.parametrize(
    "raw",
    [
        b"{nope",
        b"\xff\xfe",
        b"[]",
        b'"view"',
        b"null",
        _changed(OLD_VIEW, k=_DROP),
        _changed(OLD_VIEW, k="click"),
        _changed(OLD_VIEW, c=_DROP),
        _changed(OLD_VIEW, c="123456"),
        _changed(OLD_VIEW, c=True),
        _changed(OLD_VIEW, c=0),
        _changed(OLD_VIEW, co=-4),
        _changed(OLD_VIEW, p=2**63),
        _changed(OLD_VIEW, p=None),
        _changed(OLD_VIEW, ts=_DROP),
        _changed(OLD_VIEW, ts="1796226654.397"),
        _changed(OLD_VIEW, ts=-1),
        _changed(OLD_VIEW, ts=1e300),
        _changed(OLD_VIEW, ts=float("nan")),  # json writes NaN, which json.loads accepts
        _changed(OLD_VIEW, ts=float("inf")),
        _changed(OLD_VIEW, vh=17),
        _changed(OLD_VIEW, ua=None),
        _changed(OLD_VIEW, v="991"),
        _changed(OLD_VIEW, v=0),
        _changed(OLD_SESSION, session_id=_DROP),
        _changed(OLD_SESSION, session_id="not-a-uuid"),
        _changed(OLD_SESSION, session_id=12),
        _changed(OLD_SESSION, event="jump"),
        _changed(OLD_SESSION, event=_DROP),
        _changed(OLD_SESSION, duration_seconds=-1),
        _changed(OLD_SESSION, duration_seconds=MAX_DURATION_SECONDS + 1),
        _changed(OLD_SESSION, duration_seconds=True),
        _changed(OLD_SESSION, duration_seconds=1.5),
        _changed(OLD_SESSION, video_played="yes"),
        _changed(OLD_SESSION, video_id="3"),
        _changed(OLD_SESSION, os=14),
    ],
)
def test_malformed_entries_are_refused(raw: bytes | str) -> None:
    with pytest.raises(MalformedEventError):
        decode(raw)


# --- writing ---------------------------------------------------------------------------------


@pytest.fixture
def content(company: Company) -> Iterator[ARContent]:
    made = make_content(
        company, status=ARContent.Status.ACTIVE, expires_at=timezone.now() + timedelta(days=3)
    )
    with scopes_disabled():  # the flush writes outside any tenant scope
        yield made


def _view(content: ARContent, at: float, **fields: Any) -> ViewEvent:
    values: dict[str, Any] = {
        "content_id": content.pk,
        "company_id": content.company_id,
        "project_id": content.project_id,
        "visitor_hash": "a" * 32,
        "user_agent": PHONE,
        "country": "RU",
        **fields,
    }
    return ViewEvent(at=at, **values)


def _session(content: ARContent, at: float, event: str, **report: Any) -> SessionEvent:
    return SessionEvent(
        content_id=content.pk,
        company_id=content.company_id,
        project_id=content.project_id,
        at=at,
        report=SessionReport(**{"session_id": SID, "event": event, **report}),
        visitor_hash="a" * 32,
        user_agent=PHONE,
        country="RU",
    )


@pytest.mark.django_db
def test_apply_events_writes_views_and_counts_them(content: ARContent) -> None:
    now = timezone.now().timestamp()
    written = apply_events(
        [
            _view(content, now, copy="copy-7", source="web", video_id=5),
            _view(content, now + 1, user_agent=APP),
            _view(content, now, content_id=content.pk + 10_000),  # content deleted meanwhile
        ]
    )
    assert written == 2
    content.refresh_from_db()
    assert content.view_count == 2
    first, second = ViewSession.objects.filter(content=content).order_by("started_at")
    assert (first.copy, first.source, first.video_id, first.device_type, first.os) == (
        "copy-7",
        "web",
        5,
        "mobile",
        "Android",
    )
    assert first.started_at == datetime.fromtimestamp(now, tz=UTC)
    assert (first.visitor_hash, first.country, first.counted_view) == ("a" * 32, "RU", True)
    assert second.source == "app"  # guessed from the app's User-Agent


@pytest.mark.django_db
def test_session_events_join_the_visitors_view_and_merge(content: ARContent) -> None:
    now = timezone.now().timestamp()
    apply_events([_view(content, now)])
    apply_events(
        [
            _session(content, now + 30, "end", duration_seconds=12, video_played=False),
            _session(content, now + 2, "start", os="Android 14", app_version="2.3"),
            _session(content, now + 10, "heartbeat", duration_seconds=40, video_played=True, video_id=9),
        ]
    )
    row = ViewSession.objects.get(content=content)  # joined, not a second row
    assert row.session_id == uuid.UUID(SID)
    assert (row.duration_seconds, row.video_played, row.video_id) == (40, True, 9)
    assert (row.os, row.app_version, row.source) == ("Android 14", "2.3", "app")
    assert row.ended_at == datetime.fromtimestamp(now + 30, tz=UTC)
    assert row.counted_view is True
    # A repeated event changes nothing; a later one only adds.
    apply_events([_session(content, now + 40, "heartbeat", duration_seconds=12)])
    row.refresh_from_db()
    assert (row.duration_seconds, row.video_played) == (40, True)


@pytest.mark.django_db
def test_a_session_without_a_view_is_a_session_of_its_own(content: ARContent) -> None:
    apply_events([_session(content, timezone.now().timestamp(), "start", tracking_quality="good")])
    row = ViewSession.objects.get(content=content)
    assert (row.counted_view, row.tracking_quality, row.device_type) == (False, "good", "mobile")
    content.refresh_from_db()
    assert content.view_count == 0


@pytest.mark.django_db
def test_the_flush_writes_old_and_new_entries_and_drops_malformed_ones(content: ARContent) -> None:
    now = round(timezone.now().timestamp(), 3)
    old = json.loads(OLD_VIEW) | {
        "c": content.pk,
        "co": content.company_id,
        "p": content.project_id,
        "ts": now,
    }
    client = shared_redis.client()
    assert client is not None
    client.rpush(
        events_key(),
        json.dumps(old, separators=(",", ":")),
        encode(_view(content, now)),
        b"{nope",
        _changed(OLD_VIEW, k="click"),
        encode(_session(content, now + 1, "end", duration_seconds=3)),
    )
    report = flush()
    assert (report.events, report.dropped, report.batches) == (3, 2, 1)
    content.refresh_from_db()
    assert content.view_count == 2
    assert ViewSession.objects.filter(content=content).count() == 2
    assert ViewSession.objects.get(content=content, session_id=SID).duration_seconds == 3
    assert ViewFlushBatch.objects.get().events == 5  # the batch records every entry it took
    assert client.llen(events_key()) == 0
