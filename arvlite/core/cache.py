"""Django's Redis cache, failing open when Redis is down.

The cache holds nothing that must not be lost: rate-limit buckets, analytics figures, the
viewer's dropped-snapshot markers. Django's backend raises redis-py's errors to the caller,
so with Redis stopped every throttled API request answered 500. Here a failed call logs
one line and answers as an empty cache would (a miss; a write that did not happen); a lost
connection or a timeout also trips the breaker of ``arvlite.core.redis``, so the next
``REDIS_RETRY_SECONDS`` skip Redis at once instead of each waiting for a timeout. Rate limits are then not enforced
for those seconds: serving people beats refusing everyone.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import redis
import structlog
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

from arvlite.core import redis as shared_redis

logger = structlog.get_logger(__name__)


def _fail_open(fallback: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Run the client call unless the breaker is open; on a Redis error, trip it and answer
    ``fallback(*args)`` (given the call's own arguments)."""

    def wrap(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def guarded(self: RedisCacheClient, *args: Any) -> Any:
            if not shared_redis.available():
                return fallback(*args)
            try:
                return method(self, *args)
            except (redis.ConnectionError, redis.TimeoutError) as error:
                shared_redis.mark_down(error)  # Redis is away: skip it for a few seconds
                return fallback(*args)
            except redis.RedisError as error:  # it answered, with an error (full, wrong type)
                logger.warning("cache.error", error=str(error))
                return fallback(*args)

        return guarded

    return wrap


def _missing_key(key: Any, delta: Any) -> Any:
    raise ValueError(f"Key {key!r} not found (the cache is unavailable).")


class FailOpenRedisCacheClient(RedisCacheClient):
    """Every call Django's cache makes, each answering like an empty cache when Redis fails."""

    add = _fail_open(lambda key, value, timeout: False)(RedisCacheClient.add)
    get = _fail_open(lambda key, default: default)(RedisCacheClient.get)
    set = _fail_open(lambda key, value, timeout: None)(RedisCacheClient.set)
    touch = _fail_open(lambda key, timeout: False)(RedisCacheClient.touch)
    delete = _fail_open(lambda key: False)(RedisCacheClient.delete)
    get_many = _fail_open(lambda keys: {})(RedisCacheClient.get_many)
    has_key = _fail_open(lambda key: False)(RedisCacheClient.has_key)
    incr = _fail_open(_missing_key)(RedisCacheClient.incr)
    set_many = _fail_open(lambda data, timeout: None)(RedisCacheClient.set_many)
    delete_many = _fail_open(lambda keys: None)(RedisCacheClient.delete_many)
    clear = _fail_open(lambda: False)(RedisCacheClient.clear)


class FailOpenRedisCache(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` on FailOpenRedisCacheClient."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = FailOpenRedisCacheClient
