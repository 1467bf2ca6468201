"""Request rates per API token (or logged-in user) and per anonymous address, counted by
tracker/rate_limits.py.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from apitokens.models import ApiToken
from tracker.client_address import client_address
from tracker.rate_limits import rate_hit

if TYPE_CHECKING:
    from rest_framework.views import APIView


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
