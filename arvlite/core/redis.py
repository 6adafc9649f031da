"""A redis-py client for the data that is not a Django cache entry: the viewer's snapshots,
counters, rate limits and event buffer.

Short socket timeouts and a breaker: when Redis stops answering, the first call pays one
timeout and the next ``REDIS_RETRY_SECONDS`` skip Redis at once, so the callers' database
fallback stays fast instead of waiting on every request.
"""

from __future__ import annotations

import threading
import time

import redis
import structlog
from django.conf import settings

logger = structlog.get_logger(__name__)

# What a failed Redis call raises; callers catch exactly this and fall back.
RedisError = redis.RedisError

_lock = threading.Lock()
_client: redis.Redis | None = None
_client_url: str | None = None
_down_until = 0.0


def key(*parts: object) -> str:
    """A key under this deployment's (or test run's) prefix."""
    return ":".join((settings.CACHE_KEY_PREFIX, *map(str, parts)))


def client() -> redis.Redis | None:
    """The shared client, or None when no Redis is configured or it failed a moment ago."""
    global _client, _client_url
    url = settings.REDIS_URL
    if not url or time.monotonic() < _down_until:
        return None
    if _client is None or _client_url != url:
        with _lock:
            if _client is None or _client_url != url:
                _client = redis.Redis.from_url(
                    url,
                    socket_connect_timeout=settings.REDIS_SOCKET_TIMEOUT,
                    socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
                    health_check_interval=30,
                )
                _client_url = url
    return _client


def available() -> bool:
    """False for the few seconds after a failed call (see mark_down)."""
    return time.monotonic() >= _down_until


def mark_down(error: Exception) -> None:
    """Remember that Redis failed, so callers skip it for a few seconds."""
    global _down_until
    _down_until = time.monotonic() + settings.REDIS_RETRY_SECONDS
    logger.warning("redis.unavailable", error=str(error), retry_in_s=settings.REDIS_RETRY_SECONDS)


def reset_breaker() -> None:
    global _down_until
    _down_until = 0.0
