"""Show times in the viewer's zone: the one chosen on the preferences page (session), else the
one the browser reported (the `tz` cookie set by static/web/js/tz.js), else the site default."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from functools import lru_cache

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

SESSION_KEY = "web_time_zone"
COOKIE_NAME = "tz"


@lru_cache(maxsize=1)
def known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def viewer_zone_name(request: HttpRequest) -> str | None:
    for name in (request.session.get(SESSION_KEY), request.COOKIES.get(COOKIE_NAME)):
        if name and name in known_zones():
            return str(name)
    return None


class TimezoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = viewer_zone_name(request)
        if name:
            timezone.activate(zoneinfo.ZoneInfo(name))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
