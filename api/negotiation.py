"""Content negotiation with a short way for what nearly every REST client sends.

DRF's default parses the Accept header into media types and matches each renderer against
them on every request, a measurable part of a case-list request (bench/RESULTS.md). A client
that sends no Accept header, `*/*` or plain `application/json` (and no `?format=`) gets what
DRF would give it, the JSON renderer, without the parsing; everything else (a browser asking
for HTML, media type parameters, `?format=api`) takes DRF's own path.
tests/api/test_negotiation.py checks both give the same answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request

PLAIN_JSON_ACCEPTS = frozenset({None, "", "*/*", "application/json"})


class JsonFirstContentNegotiation(DefaultContentNegotiation):
    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderers = list(renderers)
        first: Any = renderers[0] if renderers else None
        if (
            first is not None
            and first.media_type == "application/json"
            and not format_suffix
            and request.META.get("HTTP_ACCEPT") in PLAIN_JSON_ACCEPTS
            and self.settings.URL_FORMAT_OVERRIDE not in request.query_params
        ):
            return first, first.media_type
        return super().select_renderer(request, renderers, format_suffix)
