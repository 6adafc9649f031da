"""Buffered viewer events → PostgreSQL, in batches (the periodic `arcontent.flush_views` task).

Views and session events are appended to one Redis list by the hot path. A flush renames
that list (atomic: events arriving meanwhile start a fresh list, so none is lost), writes it
in chunks, each in one transaction that also records the chunk's id, and deletes it. A flush
that died half-way leaves its renamed list behind; the next one finishes it and skips the
chunks already recorded, so nothing is counted twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import structlog
from django.db import transaction
from django.utils import timezone

from arcontent.models import ViewFlushBatch
from arcontent.viewer.events import EVENTS_KEY, Event, MalformedEventError, decode, events_key
from arcontent.viewer.recording import apply_events
from arvlite.core import redis as shared_redis
from arvlite.core.tenancy import scopes_disabled

logger = structlog.get_logger(__name__)

CHUNK = 5000
LOCK_KEY = "viewer:flush-lock"
PENDING_PREFIX = f"{EVENTS_KEY}:flushing"
BATCH_RECORDS_KEPT = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class FlushReport:
    events: int
    batches: int
    dropped: int = 0  # entries that did not fit the event contract


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
        drained = [_drain(redis, name.decode(), chunk) for name in pending]
        with scopes_disabled():
            ViewFlushBatch.objects.filter(flushed_at__lt=timezone.now() - BATCH_RECORDS_KEPT).delete()
    finally:
        if redis.get(lock) == token.encode():
            redis.delete(lock)
    total = FlushReport(
        sum(part.events for part in drained),
        sum(part.batches for part in drained),
        sum(part.dropped for part in drained),
    )
    if total.events or total.dropped:
        logger.info("viewer.flushed", events=total.events, batches=total.batches, dropped=total.dropped)
    return total


def _drain(redis: Any, name: str, chunk: int) -> FlushReport:
    length = redis.llen(name)
    suffix = name.rsplit(":", 1)[-1]
    written = chunks = dropped = 0
    for start in range(0, length, chunk):
        batch_id = f"{suffix}:{start}"
        if ViewFlushBatch.objects.filter(batch_id=batch_id).exists():
            continue
        raw = redis.lrange(name, start, start + chunk - 1)
        events = _decode_all(raw)
        dropped += len(raw) - len(events)
        with transaction.atomic(), scopes_disabled():
            written += apply_events(events)
            ViewFlushBatch.objects.create(batch_id=batch_id, events=len(raw))
        chunks += 1
    redis.delete(name)
    return FlushReport(written, chunks, dropped)


def _decode_all(raw: list[bytes]) -> list[Event]:
    """The well-formed events of a chunk; each malformed entry is logged and left out."""
    events = []
    for entry in raw:
        try:
            events.append(decode(entry))
        except MalformedEventError as error:
            logger.warning("viewer.flush_bad_event", reason=str(error), raw=entry[:200])
    return events
