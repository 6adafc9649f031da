"""A shared rate limit in Redis for work spread over several workers (e.g. Telegram's
messages per chat and per bot): a fixed window counted by one server-side script, so
two workers never both take the last slot."""

from __future__ import annotations

from arvlite.core import redis as shared_redis

# KEYS[1] the window's counter; ARGV[1] the limit, ARGV[2] the window in ms.
# Answers 0 when a slot was taken, else the ms until the window ends.
_SCRIPT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if n <= tonumber(ARGV[1]) then return 0 end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]); left = tonumber(ARGV[2]) end
if left < 1 then left = 1 end
return left
"""


def acquire(name: str, *, limit: int, window_seconds: float) -> float:
    """Take one slot of ``limit`` per ``window_seconds`` under ``name``: 0.0 when taken,
    else the seconds to wait. Without Redis it allows (the remote side's own limit, e.g. a
    429 with retry_after, is the backstop)."""
    client = shared_redis.client()
    if client is None:
        return 0.0
    try:
        wait_ms = client.eval(
            _SCRIPT, 1, shared_redis.key("ratelimit", name), limit, int(window_seconds * 1000)
        )
    except shared_redis.RedisError as error:
        shared_redis.mark_down(error)
        return 0.0
    return int(wait_ms) / 1000.0
