"""Buffered viewer events → PostgreSQL, in batches (the periodic `arcontent.flush_views` task).

Views and session events are appended to one Redis list by the hot path. A flush renames
that list (atomic: events arriving meanwhile start a fresh list, so none is lost), writes it
in chunks, each in one transaction that also records the chunk's id, and deletes it. A flush
that died half-way leaves its renamed list behind; the next one finishes it and skips the
chunks already recorded, so nothing is counted twice.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from arcontent.models import ARContent, ViewFlushBatch, ViewSession
from arcontent.viewer.hotpath import events_key
from arcontent.viewer.useragent import classify
from arvlite.core import redis as shared_redis
from arvlite.core.tenancy import scopes_disabled

logger = structlog.get_logger(__name__)

CHUNK = 5000
LOCK_KEY = "viewer:flush-lock"
PENDING_PREFIX = "viewer:events:flushing"
# A session event without a known session is joined to the visitor's latest view within this.
SESSION_JOIN_WINDOW = timedelta(minutes=30)
BATCH_RECORDS_KEPT = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class FlushReport:
    events: int
    batches: int


def flush(chunk: int = CHUNK) -> FlushReport:
    redis = shared_redis.client()
    if redis is None:
        return FlushReport(0, 0)  # without Redis every view is written when it happens
    token = uuid.uuid4().hex
    lock = shared_redis.key(LOCK_KEY)
    if not redis.set(lock, token, nx=True, ex=600):
        logger.info("viewer.flush_skipped", reason="another flush is running")
        return FlushReport(0, 0)
    try:
        pending = list(redis.scan_iter(match=shared_redis.key(PENDING_PREFIX, "*"), count=100))
        fresh = shared_redis.key(PENDING_PREFIX, token)
        try:
            redis.rename(events_key(), fresh)
            pending.append(fresh.encode())
        except shared_redis.RedisError as error:
            if "no such key" not in str(error).lower():
                raise
        events = batches = 0
        for name in pending:
            written, chunks = _drain(redis, name.decode(), chunk)
            events += written
            batches += chunks
        with scopes_disabled():
            ViewFlushBatch.objects.filter(flushed_at__lt=timezone.now() - BATCH_RECORDS_KEPT).delete()
    finally:
        if redis.get(lock) == token.encode():
            redis.delete(lock)
    if events:
        logger.info("viewer.flushed", events=events, batches=batches)
    return FlushReport(events, batches)


def _drain(redis: Any, name: str, chunk: int) -> tuple[int, int]:
    length = redis.llen(name)
    suffix = name.rsplit(":", 1)[-1]
    written = chunks = 0
    for start in range(0, length, chunk):
        batch_id = f"{suffix}:{start}"
        if ViewFlushBatch.objects.filter(batch_id=batch_id).exists():
            continue
        raw = redis.lrange(name, start, start + chunk - 1)
        events = [event for event in map(_decode, raw) if event is not None]
        with transaction.atomic(), scopes_disabled():
            written += apply_events(events)
            ViewFlushBatch.objects.create(batch_id=batch_id, events=len(raw))
        chunks += 1
    redis.delete(name)
    return written, chunks


def _decode(raw: bytes) -> dict[str, Any] | None:
    try:
        event = json.loads(raw)
    except ValueError:
        logger.warning("viewer.flush_bad_event", raw=raw[:200])
        return None
    return event if isinstance(event, dict) and isinstance(event.get("c"), int) else None


def apply_events(events: list[dict[str, Any]]) -> int:
    """Write views and session events; call inside a transaction with scopes disabled.
    Events of content deleted meanwhile are dropped. Returns how many were written."""
    existing = set(ARContent.objects.filter(pk__in={e["c"] for e in events}).values_list("pk", flat=True))
    live = [event for event in events if event["c"] in existing]
    _apply_views([e for e in live if e.get("k") == "view"])
    _apply_sessions([e for e in live if e.get("k") == "session"])
    return len(live)


def _moment(event: dict[str, Any]) -> datetime:
    return datetime.fromtimestamp(float(event["ts"]), tz=UTC)


def _agent_fields(event: dict[str, Any]) -> dict[str, Any]:
    agent = classify(str(event.get("ua") or "")[:500])
    source = event.get("src") or ("app" if agent.is_app else ("web" if agent.browser else "other"))
    return {
        "device_type": agent.device_type,
        "os": agent.os,
        "browser": agent.browser,
        "source": source if source in ViewSession.Source.values else ViewSession.Source.OTHER,
    }


def _apply_views(views: list[dict[str, Any]]) -> None:
    if not views:
        return
    rows = [
        ViewSession(
            company_id=event["co"],
            project_id=event["p"],
            content_id=event["c"],
            started_at=_moment(event),
            session_id=_uuid(event.get("sid")),
            visitor_hash=str(event.get("vh") or "")[:32],
            country=str(event.get("cc") or "")[:2],
            copy=str(event.get("cp") or "")[:40],
            video_id=event.get("v") if isinstance(event.get("v"), int) else None,
            **_agent_fields(event),
        )
        for event in views
    ]
    # A client that fetched the manifest twice under one session id keeps one session.
    ViewSession.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    per_content = Counter(event["c"] for event in views)
    by_amount: dict[int, list[int]] = defaultdict(list)
    for content_id, amount in per_content.items():
        by_amount[amount].append(content_id)
    for amount, content_ids in by_amount.items():
        ARContent.objects.filter(pk__in=content_ids).update(view_count=F("view_count") + amount)


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _apply_sessions(events: list[dict[str, Any]]) -> None:
    """Merge each session's events (in time order) and write the session once."""
    merged: dict[tuple[int, uuid.UUID], dict[str, Any]] = {}
    for event in sorted(events, key=lambda e: float(e["ts"])):
        session_id = _uuid(event.get("session_id"))
        if session_id is None:
            continue
        state = merged.setdefault((event["c"], session_id), {"first": event, "duration": 0, "played": False})
        state["duration"] = max(state["duration"], int(event.get("duration_seconds") or 0))
        state["played"] = state["played"] or bool(event.get("video_played"))
        for field in ("video_id", "device_model", "os", "app_version", "tracking_quality"):
            if event.get(field) not in (None, ""):
                state[field] = event[field]
        if event.get("event") == "end":
            state["ended_at"] = _moment(event)
    for (content_id, session_id), state in merged.items():
        try:
            with transaction.atomic():
                _write_session(content_id, session_id, state)
        except IntegrityError:  # the same session written by a concurrent direct write
            with transaction.atomic():
                _write_session(content_id, session_id, state)


def _write_session(content_id: int, session_id: uuid.UUID, state: dict[str, Any]) -> None:
    first = state["first"]
    started = _moment(first)
    row = ViewSession.objects.filter(content_id=content_id, session_id=session_id).first()
    if row is None and first.get("vh"):
        row = (
            ViewSession.objects.filter(
                content_id=content_id,
                session_id__isnull=True,
                visitor_hash=first["vh"],
                started_at__gte=started - SESSION_JOIN_WINDOW,
                started_at__lte=started + timedelta(minutes=1),
            )
            .order_by("-started_at")
            .first()
        )
        if row is not None:
            row.session_id = session_id
    if row is None:
        row = ViewSession(
            company_id=first["co"],
            project_id=first["p"],
            content_id=content_id,
            session_id=session_id,
            started_at=started,
            counted_view=False,
            visitor_hash=str(first.get("vh") or "")[:32],
            country=str(first.get("cc") or "")[:2],
            **_agent_fields(first),
        )
    row.duration_seconds = max(row.duration_seconds, state["duration"])
    row.video_played = row.video_played or state["played"]
    if state.get("video_id") is not None:
        row.video_id = int(state["video_id"])
    if state.get("os"):
        row.os = str(state["os"])[:40]
    if state.get("device_model"):
        row.device_model = str(state["device_model"])[:80]
    if state.get("app_version"):
        row.app_version = str(state["app_version"])[:40]
        row.source = ViewSession.Source.APP
    if state.get("tracking_quality"):
        row.tracking_quality = str(state["tracking_quality"])[:20]
    if state.get("ended_at"):
        row.ended_at = state["ended_at"]
    row.save()
