"""Request rates counted per scope and client, one count for every web process.

Counted with `limits` (the library behind Flask-Limiter) in Redis whenever REDIS_URL is set, so
every web process shares the count. Why not DRF's SimpleRateThrottle: it keeps each client's
history as a pickled list in the cache, read and written back in two round trips (two
requests arriving together both read the old list, so a burst can exceed the rate), and
every request pays for the pickling. `limits`' moving window is one Lua script in Redis per request: atomic, exact over the last period, and
one round trip. Without REDIS_URL (the embedded first run), counts live in the process.

If Redis cannot be reached, requests are let through and the failure is logged: the API stays
up and the broker's own health check reports Redis.
"""

from __future__ import annotations

import logging
import time
from functools import cache

from django.conf import settings
from limits import RateLimitItem, RateLimitItemPerSecond
from limits.errors import StorageError
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter

logger = logging.getLogger(__name__)

KEY_PREFIX = "tracker-throttle"
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@cache
def _storage() -> Storage:
    if settings.REDIS_URL:
        return RedisStorage(settings.REDIS_URL, key_prefix=KEY_PREFIX, wrap_exceptions=True)
    return MemoryStorage()


@cache
def _limiter() -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(_storage())


@cache
def rate_item(rate: str) -> RateLimitItem:
    """DRF's rate notation ("1200/min", "20/hour", "5/s"): a number of requests per period."""
    try:
        number, period = rate.split("/")
        return RateLimitItemPerSecond(int(number), PERIODS[period.strip()[0]])
    except (ValueError, KeyError, IndexError):
        raise ValueError(f"Rate {rate!r} is not of the form '<requests>/<s|min|hour|day>'.") from None


def rate_hit(*, scope: str, rate: str, ident: str) -> float | None:
    """Count one request of `ident` in `scope`: None if within `rate`, else the seconds until
    the oldest counted request leaves the window (for Retry-After)."""
    item = rate_item(rate)
    try:
        if _limiter().hit(item, scope, ident):
            return None
        reset_at, _ = _limiter().get_window_stats(item, scope, ident)
    except StorageError:
        logger.warning("Rate limit storage unreachable: request let through (%s %s)", scope, ident)
        return None
    return max(1.0, reset_at - time.time())


def throttle_counts_reset() -> None:
    """Forget every client's count (tests; an operator lifting a block)."""
    _storage().reset()
