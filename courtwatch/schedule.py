"""The schedule: the beat's tick claims the watches that are due and plans their rounds on their
court hosts' turns (courtwatch/hosts.py).

A watch is due when it is not paused, its `next_check_at` has passed and no round holds it
(`claimed_at` empty, or older than COURT_WATCH_LEASE_SECONDS: its worker died or its message was
lost). The tick takes the due watches oldest first with SKIP LOCKED, so two ticks side by side
never take the same one nor wait for each other, and gives the first ones of each host the
host's next turns, COURT_WATCH_HOST_INTERVAL apart, within this tick's period: those are claimed
and their rounds queued to start at their turn. The others of a busy host (or of a host waiting
after a 429/503) are not claimed: their `next_check_at` moves to their turn, so a backlog on
one court's site neither starves the others nor is scanned again every tick. The rounds take
the host's turn again before fetching (`host_turn_take`): the plan spaces them, the host row
enforces the interval.

On PostgreSQL the claim is one statement over the batch (a lock-free probe first, so an idle
tick writes nothing); on SQLite (`make run`: no row locks, one writer at a time) the same plan
is made in Python under the write lock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from courtwatch.fetch import url_host
from courtwatch.models import CourtHost, CourtWatch


@dataclass(frozen=True)
class Claim:
    """A claimed watch: the round that starts at `starts_at` holds it by `claimed_at`."""

    watch_id: int
    claimed_at: dt.datetime
    starts_at: dt.datetime


@dataclass(frozen=True)
class Plan:
    claimed: list[Claim]
    deferred: int  # due, left for their host's later turn


def watches_due(*, now: dt.datetime) -> QuerySet[CourtWatch]:
    lease_over = now - dt.timedelta(seconds=settings.COURT_WATCH_LEASE_SECONDS)
    return CourtWatch.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=lease_over), paused=False, next_check_at__lte=now
    )


# The claim's statements are written out whole (no text assembled; values are parameters).
_PROBE_SQL = """
SELECT 1 FROM courtwatch_courtwatch w
WHERE NOT w.paused AND w.next_check_at <= %(now)s AND (w.claimed_at IS NULL OR w.claimed_at < %(lease_over)s)
ORDER BY w.next_check_at LIMIT 1
"""
# due: the oldest due watches, locked (SKIP LOCKED: another tick's are not ours to wait for),
# with their host as url_host() reads it from a URL that passed url_check (no user name, no
# IPv6 literal); planned: each host's turns, from when it is next free, one interval apart, in
# due order; then those whose turn falls within this tick are claimed, the others wait for it.
# (The UPDATE repeats `next_check_at <= now`, true of every row planned, so that the planner
# finds them through the index instead of scanning the table: its time stays with the due rows.)
_CLAIM_SQL = """
WITH due AS (
    SELECT w.id, w.next_check_at, lower(substring(w.url from '^[A-Za-z][A-Za-z0-9+.-]*://([^/?#:]+)')) AS host
    FROM courtwatch_courtwatch w
    WHERE NOT w.paused AND w.next_check_at <= %(now)s AND (w.claimed_at IS NULL OR w.claimed_at < %(lease_over)s)
    ORDER BY w.next_check_at, w.id
    LIMIT %(limit)s
    FOR UPDATE OF w SKIP LOCKED
), planned AS (
    SELECT due.id,
           GREATEST(COALESCE(h.next_request_at, %(now)s), %(now)s)
             + (row_number() OVER (PARTITION BY due.host ORDER BY due.next_check_at, due.id) - 1)
               * make_interval(secs => %(interval)s::double precision) AS turn
    FROM due LEFT JOIN courtwatch_courthost h ON h.host = due.host
)
UPDATE courtwatch_courtwatch AS w
SET claimed_at = CASE WHEN planned.turn < %(horizon)s THEN %(now)s ELSE NULL END,
    next_check_at = CASE WHEN planned.turn < %(horizon)s THEN w.next_check_at ELSE planned.turn END
FROM planned
WHERE w.id = planned.id AND w.next_check_at <= %(now)s
RETURNING w.id, planned.turn, planned.turn < %(horizon)s
"""


def watches_claim_due(
    *, now: dt.datetime | None = None, limit: int | None = None, horizon: dt.timedelta | None = None
) -> Plan:
    """Claim the due watches whose host's turn comes within `horizon` (default: the tick's
    period) and move the others' `next_check_at` to their turn. Queues nothing: the caller
    (the tick's task, the command) runs or queues the rounds."""
    now = now or timezone.now()
    limit = limit or settings.COURT_WATCH_CLAIM_BATCH
    horizon = horizon if horizon is not None else dt.timedelta(seconds=settings.COURT_WATCH_TICK_SECONDS)
    lease_over = now - dt.timedelta(seconds=settings.COURT_WATCH_LEASE_SECONDS)
    if connection.vendor != "postgresql":
        return _claim_portable(now=now, limit=limit, horizon=horizon)
    params = {
        "now": now,
        "lease_over": lease_over,
        "limit": limit,
        "interval": float(settings.COURT_WATCH_HOST_INTERVAL),
        "horizon": now + horizon,
    }
    with connection.cursor() as cursor:
        cursor.execute(_PROBE_SQL, params)
        if cursor.fetchone() is None:
            return Plan(claimed=[], deferred=0)
        cursor.execute(_CLAIM_SQL, params)
        rows = cursor.fetchall()
    claimed = sorted(
        (Claim(pk, now, turn) for pk, turn, taken in rows if taken), key=lambda c: (c.starts_at, c.watch_id)
    )
    return Plan(claimed=claimed, deferred=sum(1 for row in rows if not row[2]))


def _claim_portable(*, now: dt.datetime, limit: int, horizon: dt.timedelta) -> Plan:
    """The same plan without SKIP LOCKED (SQLite: one writer at a time, so the write lock taken
    by the first UPDATE keeps another tick out until this one commits)."""
    due = list(watches_due(now=now).order_by("next_check_at", "pk").values_list("pk", "url", "next_check_at")[:limit])
    if not due:
        return Plan(claimed=[], deferred=0)  # no write: an idle tick never takes the write lock
    interval = dt.timedelta(seconds=settings.COURT_WATCH_HOST_INTERVAL)
    with transaction.atomic():
        # Still due under the write lock: another tick may have taken some meanwhile.
        still = set(
            watches_due(now=now).filter(pk__in=[pk for pk, _url, _at in due]).select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )  # fmt: skip
        hosts = {url_host(url) for pk, url, _at in due if pk in still}
        free = dict(CourtHost.objects.filter(host__in=hosts).values_list("host", "next_request_at"))
        turns: dict[str, dt.datetime] = {}
        claimed: list[Claim] = []
        deferred: dict[int, dt.datetime] = {}
        for pk, url, _at in due:
            if pk not in still:
                continue
            host = url_host(url)
            turn = turns.get(host) or max(free.get(host) or now, now)
            turns[host] = turn + interval
            if turn < now + horizon:
                claimed.append(Claim(pk, now, turn))
            else:
                deferred[pk] = turn
        if claimed:
            CourtWatch.objects.filter(pk__in=[c.watch_id for c in claimed]).update(claimed_at=now)
        if deferred:
            waiting = [CourtWatch(pk=pk, claimed_at=None, next_check_at=turn) for pk, turn in deferred.items()]
            CourtWatch.objects.bulk_update(waiting, ["claimed_at", "next_check_at"])
    claimed.sort(key=lambda c: (c.starts_at, c.watch_id))
    return Plan(claimed=claimed, deferred=len(deferred))


def watch_claim(*, watch_id: int, now: dt.datetime | None = None) -> Claim | None:
    """Claim one watch whatever its schedule (a round by hand), unless a round holds it now."""
    now = now or timezone.now()
    lease_over = now - dt.timedelta(seconds=settings.COURT_WATCH_LEASE_SECONDS)
    taken = (
        CourtWatch.objects.filter(pk=watch_id)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=lease_over))
        .update(claimed_at=now)
    )
    return Claim(watch_id, now, now) if taken else None


def watch_release(*, claim: Claim, due_at: dt.datetime) -> bool:
    """Give a claimed watch back without a round, due again at `due_at` (its host is busy)."""
    return bool(
        CourtWatch.objects.filter(pk=claim.watch_id, claimed_at=claim.claimed_at).update(
            claimed_at=None, next_check_at=due_at
        )
    )
