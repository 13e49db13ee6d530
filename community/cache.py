"""A Redis cache that degrades to "no cache" while Redis is unreachable.

Django's RedisCache raises on a connection error, which would turn a Redis outage into a
site outage (sessions, rate limits and every cached fragment go through the cache). Here a
failed call is logged and answered as if there were no cache (a miss; a write that keeps
nothing), so pages keep working, slower, until Redis is back. After a failure the cache stays quiet
for a few seconds instead of paying a connection timeout on every call.

Rate limits count in the cache, so while it is down they let every request through: an
outage must not read as "limit reached", which would refuse every sign-in.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
T = TypeVar("T")
_OUTAGE = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_AFTER_SECONDS = 5.0


def _degrading(method: Callable[..., T], fallback: T) -> Callable[..., T]:
    @wraps(method)
    def wrapper(self: ResilientRedisCache, *args: Any, **kwargs: Any) -> T:
        return self._guard(lambda: method(self, *args, **kwargs), fallback)

    return wrapper


class ResilientRedisCache(RedisCache):
    """RedisCache whose calls answer as a miss (or a no-op) while Redis is down."""

    # Shared by every instance in the process: one outage, one back-off window.
    _down_until = 0.0

    def _guard(self, call: Callable[[], T], fallback: T) -> T:
        if time.monotonic() < ResilientRedisCache._down_until:
            return fallback
        try:
            return call()
        except _OUTAGE as error:
            ResilientRedisCache._down_until = time.monotonic() + RETRY_AFTER_SECONDS
            logger.warning(
                "cache unavailable, serving without it (rate limits are off until it "
                "answers; next try in %.0f s): %s",
                RETRY_AFTER_SECONDS,
                error,
            )
            return fallback

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._guard(lambda: RedisCache.get(self, key, default, version), default)

    # add answers True, as DummyCache does: callers take it as "the key was free, go on".
    # allauth takes its rate-limit lock with add and answers 429 when it cannot, so False
    # refused every sign-in, sign-up and password reset for the whole outage. (allauth's
    # one-time TOTP codes are marked used with add too: while Redis is down, a code could
    # be used twice within its period.)
    add = _degrading(RedisCache.add, True)
    set = _degrading(RedisCache.set, None)
    touch = _degrading(RedisCache.touch, False)
    delete = _degrading(RedisCache.delete, False)
    get_many = _degrading(RedisCache.get_many, {})
    has_key = _degrading(RedisCache.has_key, False)
    set_many = _degrading(RedisCache.set_many, [])
    delete_many = _degrading(RedisCache.delete_many, None)
    # RedisCache.clear returns flushdb()'s bool; its stub keeps BaseCache's None.
    clear = _degrading(RedisCache.clear, False)  # type: ignore[arg-type]
    # incr keeps its own behaviour on a miss (ValueError); during an outage it reports 0
    # so a rate limit (community/ratelimit.py) lets the request through.
    incr = _degrading(RedisCache.incr, 0)
