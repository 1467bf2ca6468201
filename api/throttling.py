"""Request rates per API token (or logged-in user) and per anonymous address.

Counted with `limits` (the library behind Flask-Limiter) in Redis whenever REDIS_URL is set, so
every web process shares the count. Why not DRF's SimpleRateThrottle: it keeps each client's
history as a pickled list in the cache, read and written back in two round trips (two
requests arriving together both read the old list, so a burst can exceed the rate), and
bench/api.py measured those two round trips and the pickling in every API request. `limits`'
moving window is one Lua script in Redis per request: atomic, exact over the last period, and
one round trip. Without REDIS_URL (the embedded first run), counts live in the process.

If Redis cannot be reached, requests are let through and the failure is logged: the API stays
up and the broker's own health check reports Redis.
"""

from __future__ import annotations

import logging
import time
from abc import ABC, abstractmethod
from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings
from limits import RateLimitItem, RateLimitItemPerSecond
from limits.errors import StorageError
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from apitokens.models import ApiToken
from tracker.client_address import client_address

if TYPE_CHECKING:
    from rest_framework.views import APIView

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
    the oldest counted request leaves the window (for Retry-After). Pages call it too."""
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


class WindowRateThrottle(BaseThrottle, ABC):
    """At most `rate` requests per period for each client (`ident`) in this `scope`; a refused
    request gets 429 with Retry-After (DRF's `wait`), the seconds until the oldest counted
    request leaves the window."""

    scope: str
    rate: str | None = None  # None: the scope's rate in REST_FRAMEWORK's DEFAULT_THROTTLE_RATES

    def __init__(self) -> None:
        self.retry_after: float | None = None

    def get_rate(self) -> str | None:
        # Read when asked (DRF copies its settings once at import), so a deployment's settings
        # and a test's override_settings both apply.
        if self.rate is not None:
            return self.rate
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        return None if rate is None else str(rate)

    @abstractmethod
    def ident(self, request: Request, view: APIView) -> str | None:
        """Who is counted; None: this throttle does not apply to the request."""

    def get_ident(self, request: Request) -> str:
        # Not DRF's: it believes X-Forwarded-For from anyone (tracker/client_address.py).
        return client_address(request)

    def allow_request(self, request: Request, view: APIView) -> bool:
        rate, ident = self.get_rate(), self.ident(request, view)
        if rate is None or ident is None:
            return True
        self.retry_after = rate_hit(scope=self.scope, rate=rate, ident=ident)
        return self.retry_after is None

    def wait(self) -> float | None:
        return self.retry_after


class TokenRateThrottle(WindowRateThrottle):
    scope = "token"

    def ident(self, request: Request, view: APIView) -> str | None:
        if isinstance(request.auth, ApiToken):
            return f"token-{request.auth.pk}"
        if request.user and request.user.is_authenticated:
            return f"user-{request.user.pk}"
        return None  # anonymous: AnonAddressThrottle counts it


class AnonAddressThrottle(WindowRateThrottle):
    """Anonymous callers, per client address (X-Forwarded-For only from TRUSTED_PROXIES)."""

    scope = "anon"

    def ident(self, request: Request, view: APIView) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return self.get_ident(request)
