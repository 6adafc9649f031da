"""The viewer's scan buffer for /metrics (arvlite.core.metrics): scans and sessions waiting
in Redis for the next flush to PostgreSQL. Growing for minutes means beat or the flush task
is not running, and scans would be lost if Redis went away."""

from __future__ import annotations

from django.conf import settings

from arcontent.viewer.events import events_key
from arvlite.core import redis as shared_redis
from arvlite.core.metrics import Reading


def scan_buffer() -> list[Reading]:
    if not settings.REDIS_URL:  # the embedded run writes every scan at once: no buffer
        return []
    client = shared_redis.client()
    if client is None:
        raise shared_redis.RedisError("Redis is not reachable")
    length = client.llen(events_key())
    return [
        Reading(
            "arvlite_viewer_buffered_events",
            "Scans and sessions waiting to be written to PostgreSQL.",
            float(length),
        )
    ]
