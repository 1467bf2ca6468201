"""One request per court host at a time, across every worker (court-sites.md, "Being a good
guest": court sites are slow, several answer a burst with a captcha or a 403).

A host's row (`CourtHost`) holds the earliest time of its next request. Taking the host's turn
is one conditional UPDATE (`next_request_at <= now`, then set to now + the interval): two
workers that try at once are serialised by the row's lock, and the second finds the time moved
and takes nothing. Times are the database's clock (`Now()`), so workers whose clocks differ
still keep the interval.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest, Now

from courtwatch.models import CourtHost


def _interval() -> dt.timedelta:
    return dt.timedelta(seconds=settings.COURT_WATCH_HOST_INTERVAL)


def host_turn_take(*, host: str) -> float:
    """Take the host's turn: 0.0 when the caller may send its request now (the host is not
    free again for COURT_WATCH_HOST_INTERVAL seconds), else the seconds until it is free."""
    for _attempt in range(3):
        if CourtHost.objects.filter(host=host, next_request_at__lte=Now()).update(next_request_at=Now() + _interval()):
            return 0.0
        row = (
            CourtHost.objects.filter(host=host).annotate(db_now=Now()).values_list("next_request_at", "db_now").first()
        )
        if row is None:
            try:
                with transaction.atomic():
                    CourtHost.objects.create(host=host, next_request_at=Now() + _interval())
                return 0.0
            except IntegrityError:
                continue  # another worker created it first: its turn, unless it is over already
        wait = (row[0] - row[1]).total_seconds()
        if wait > 0:
            return wait
    return settings.COURT_WATCH_HOST_INTERVAL  # lost every race: the others are using the host


@transaction.atomic
def host_answered(*, host: str, slow_down: bool = False, retry_after: float | None = None) -> None:
    """After a request to the host: the next one no sooner than the interval after this answer
    (slow sites get the interval between requests, not between their starts); after a 429, 503
    or timeout (`slow_down`) the host waits longer, doubling from COURT_WATCH_HOST_BACKOFF_SECONDS
    up to the maximum, or the Retry-After it gave if longer. Any other answer ends the backoff."""
    hosts = CourtHost.objects.filter(host=host)
    if not slow_down:
        hosts.update(backoff_seconds=0, next_request_at=Greatest(F("next_request_at"), Now() + _interval()))
        return
    row = hosts.select_for_update().first()
    if row is None:
        return
    backoff = min(
        max(row.backoff_seconds * 2, settings.COURT_WATCH_HOST_BACKOFF_SECONDS),
        settings.COURT_WATCH_HOST_BACKOFF_MAX_SECONDS,
    )
    wait = max(float(backoff), retry_after or 0.0, settings.COURT_WATCH_HOST_INTERVAL)
    hosts.update(backoff_seconds=backoff, next_request_at=Now() + dt.timedelta(seconds=wait))


def host_free_at(*, host: str) -> dt.datetime | None:
    return CourtHost.objects.filter(host=host).values_list("next_request_at", flat=True).first()
