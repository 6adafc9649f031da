"""A scan, answered from Redis: one round trip for the rate limit and the cached snapshot,
one more for the view event (and the playback cursor). No SQL and no database write while
the snapshot is cached; on a miss the snapshot is built from the database and stored.

With Redis unreachable (or not configured, in the embedded run) the same answers come from
the database: the snapshot is built per request and the view is written directly.
"""

from __future__ import annotations

import hashlib
import hmac
import pickle
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

from arcontent.models import ARContent
from arcontent.viewer import snapshot as snapshots
from arcontent.viewer.events import Event, SessionEvent, SessionReport, ViewEvent, encode, events_key
from arcontent.viewer.recording import apply_events
from arcontent.viewer.snapshot import Snapshot
from arvlite.core import redis as shared_redis
from arvlite.core.tenancy import scopes_disabled

# The number is the Snapshot layout's version: bump it when the dataclass changes, so a
# deployment never unpickles the previous release's snapshots.
SNAPSHOT_KEY = "viewer:snap:3"
CURSOR_KEY = "viewer:cursor"
RATE_KEY = "viewer:rate"
_NOT_FOUND = b"-"


def snapshot_key(unique_id: str) -> str:
    return shared_redis.key(SNAPSHOT_KEY, unique_id)


@dataclass(slots=True)
class Lookup:
    snapshot: Snapshot | None
    throttled: bool = False
    retry_after: int = 0


def lookup(unique_id: str, client_ip: str | None) -> Lookup:
    """The snapshot of `unique_id` (None: no such content), counting the request against the
    client's per-minute allowance when `client_ip` is given."""
    redis = shared_redis.client()
    if redis is None:
        return Lookup(snapshots.build_snapshot(unique_id))
    now = time.time()
    window = int(now // 60)
    try:
        pipe = redis.pipeline(transaction=False)
        if client_ip is not None:
            rate_key = shared_redis.key(RATE_KEY, client_ip, window)
            pipe.incr(rate_key)
            pipe.expire(rate_key, 61, nx=True)
        pipe.get(snapshot_key(unique_id))
        replies = pipe.execute()
    except shared_redis.RedisError as error:
        shared_redis.mark_down(error)
        return Lookup(snapshots.build_snapshot(unique_id))
    if client_ip is not None and replies[0] > settings.VIEWER_THROTTLE_PER_MINUTE:
        return Lookup(None, throttled=True, retry_after=max(1, 60 - int(now) % 60))
    cached = replies[-1]
    if cached == _NOT_FOUND:
        return Lookup(None)
    if cached is not None:
        try:
            return Lookup(pickle.loads(cached))  # noqa: S301 - our own bytes, written below
        except (pickle.UnpicklingError, AttributeError, TypeError, ValueError, EOFError):
            pass  # unreadable (e.g. written by another release): rebuilt below
    built = snapshots.build_snapshot(unique_id)
    _store(redis, unique_id, built)
    return Lookup(built)


def _store(redis: Any, unique_id: str, built: Snapshot | None) -> None:
    if built is None:
        value, ttl = _NOT_FOUND, settings.VIEWER_NOT_FOUND_CACHE_SECONDS
    else:
        value, ttl = pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL), settings.VIEWER_CACHE_SECONDS
    try:
        redis.set(snapshot_key(unique_id), value, ex=ttl)
    except shared_redis.RedisError as error:
        shared_redis.mark_down(error)


def forget(unique_ids: list[str], *, cursors_of: list[int] | None = None) -> None:
    """Drop cached snapshots (called after commit when their rows change), and the playback
    cursors of deleted contents."""
    redis = shared_redis.client()
    keys = [snapshot_key(unique_id) for unique_id in unique_ids]
    keys += [shared_redis.key(CURSOR_KEY, content_id) for content_id in cursors_of or []]
    if redis is None or not keys:
        return
    try:
        redis.delete(*keys)
    except shared_redis.RedisError as error:
        shared_redis.mark_down(error)


@dataclass(frozen=True, slots=True)
class Visit:
    """What a view event records about the visitor: nothing that identifies a person."""

    visitor_hash: str
    user_agent: str
    country: str = ""
    copy: str = ""
    session_id: str = ""
    source: str = ""


def visitor_hash(client_ip: str, user_agent: str, day: str) -> str:
    """Salted with the secret key and the day: the same visitor hashes alike within a day
    (unique visitors) and differently the next day, and the IP cannot be recovered."""
    secret = f"{settings.SECRET_KEY}:visitor:{day}".encode()
    return hmac.new(secret, f"{client_ip}|{user_agent}".encode(), hashlib.sha256).hexdigest()[:32]


def next_scan_index(snapshot: Snapshot) -> int:
    """Move the sequential/cyclic cursor for a counted view; returns this scan's index.
    Atomic in Redis (INCR), so parallel web workers never hand out one index twice."""
    if not snapshot.counts_scans:
        return 0
    redis = shared_redis.client()
    if redis is not None:
        try:
            return int(redis.incr(shared_redis.key(CURSOR_KEY, snapshot.content_id))) - 1
        except shared_redis.RedisError as error:
            shared_redis.mark_down(error)
    return _views_so_far(snapshot)


def scan_index(snapshot: Snapshot) -> int:
    """The cursor as it stands, for answers that do not count a view (check, active-video)."""
    if not snapshot.counts_scans:
        return 0
    redis = shared_redis.client()
    if redis is not None:
        try:
            value = redis.get(shared_redis.key(CURSOR_KEY, snapshot.content_id))
            return max(0, int(value) - 1) if value is not None else 0
        except shared_redis.RedisError as error:
            shared_redis.mark_down(error)
    return max(0, _views_so_far(snapshot) - 1)


def _views_so_far(snapshot: Snapshot) -> int:
    """Without Redis the cursor is the view count, which views then write directly."""
    with scopes_disabled():
        count = ARContent.objects.filter(pk=snapshot.content_id).values_list("view_count", flat=True).first()
    return count or 0


def record_view(snapshot: Snapshot, visit: Visit, video_id: int | None, selection_source: str = "") -> None:
    """Count one view: appended to the Redis buffer, which arcontent.viewer.flush writes to
    PostgreSQL in batches. Without Redis: written at once."""
    _buffer(
        ViewEvent(
            content_id=snapshot.content_id,
            company_id=snapshot.company_id,
            project_id=snapshot.project_id,
            at=round(time.time(), 3),
            visitor_hash=visit.visitor_hash,
            user_agent=visit.user_agent,
            country=visit.country,
            copy=visit.copy,
            session_id=visit.session_id,
            source=visit.source,
            video_id=video_id,
            selection_source=selection_source,
        )
    )


def record_session_event(snapshot: Snapshot, visit: Visit, report: SessionReport) -> None:
    """Buffer one session event (start/heartbeat/end) reported by an app or the web page."""
    _buffer(
        SessionEvent(
            content_id=snapshot.content_id,
            company_id=snapshot.company_id,
            project_id=snapshot.project_id,
            at=round(time.time(), 3),
            report=report,
            visitor_hash=visit.visitor_hash,
            user_agent=visit.user_agent,
            country=visit.country,
        )
    )


def _buffer(event: Event) -> None:
    redis = shared_redis.client()
    if redis is not None:
        try:
            redis.rpush(events_key(), encode(event))
            return
        except shared_redis.RedisError as error:
            shared_redis.mark_down(error)
    with transaction.atomic(), scopes_disabled():
        apply_events([event])
