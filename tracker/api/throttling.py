"""Request rates per API token (or logged-in user) and per anonymous address. Counted in the
Django cache, which is Redis whenever REDIS_URL is set, so every web process shares the count."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from apitokens.models import ApiToken

if TYPE_CHECKING:
    from rest_framework.views import APIView


class SettingsRateMixin:
    """Read the rate when asked (DRF copies the settings once at import), so a deployment's
    settings and a test's override_settings both apply."""

    scope: str

    def get_rate(self) -> str | None:
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        return None if rate is None else str(rate)


class TokenRateThrottle(SettingsRateMixin, SimpleRateThrottle):
    scope = "token"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            return None  # anonymous: AnonAddressThrottle counts it
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AnonAddressThrottle(SettingsRateMixin, AnonRateThrottle):
    scope = "anon"
