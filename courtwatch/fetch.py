"""Fetching a court's case card: allow-listed hosts, public addresses only, polite. Issue 23,
being written."""

from __future__ import annotations


def url_check(url: str) -> str:
    """The URL's host when the URL may be watched (https or http, host on COURT_WATCH_HOSTS);
    otherwise django.core.exceptions.ValidationError({"url": sentence})."""
    raise NotImplementedError
