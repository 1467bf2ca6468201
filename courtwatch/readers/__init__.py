"""Readers of the published case-card layouts (court-sites.md). Issue 23, being written."""

from __future__ import annotations

from courtwatch.reading import CardReading


def card_read(body: bytes, *, content_type: str = "") -> CardReading:
    """The card in `body` (bytes as fetched; `content_type` the HTTP header, which may omit or
    misstate the charset), read whole, or CardUnreadable (captcha, unknown layout, ...)."""
    raise NotImplementedError
