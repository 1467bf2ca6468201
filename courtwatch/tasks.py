"""Thin tasks. The rows say what is due (courtwatch/schedule.py); the broker only carries "go
look" messages, each safe to run twice (courtwatch/rounds.py)."""

from __future__ import annotations

import datetime as dt
import time

from celery import Task, shared_task
from django.conf import settings
from django.utils import timezone

from courtwatch import notices, rounds, schedule

TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}
# A round whose host is still busy when its turn comes (the previous request ran late) waits
# for the host this many times, then goes back to the schedule.
HOST_WAITS = 5


@shared_task(name="courtwatch.tick", **TASK_OPTIONS)
def court_watch_tick_task() -> int:
    """The beat's tick: claim the due watches, batch after batch within half a tick, and queue
    each round to start at its court host's turn. Returns the rounds queued."""
    deadline = time.monotonic() + settings.COURT_WATCH_TICK_SECONDS / 2
    queued = 0
    while True:
        plan = schedule.watches_claim_due()
        now = timezone.now()
        for claim in plan.claimed:
            court_watch_round_task.apply_async(
                args=[claim.watch_id, claim.claimed_at.isoformat()],
                countdown=max((claim.starts_at - now).total_seconds(), 0.0),
            )
        queued += len(plan.claimed)
        if len(plan.claimed) + plan.deferred < settings.COURT_WATCH_CLAIM_BATCH or time.monotonic() >= deadline:
            return queued


@shared_task(
    name="courtwatch.round",
    bind=True,
    # The fetch has its own deadline; this is the backstop for a site that trickles its headers.
    soft_time_limit=settings.COURT_WATCH_TOTAL_TIMEOUT_SECONDS + 30,
    time_limit=settings.COURT_WATCH_TOTAL_TIMEOUT_SECONDS + 60,
    **TASK_OPTIONS,
)
def court_watch_round_task(self: Task, watch_id: int, claimed_at: str) -> str:
    """One round of a claimed watch. `claimed_at` (ISO) is the claim the tick made: a copy of
    this message run again, or run after the lease went to another tick, does nothing."""
    may_wait = self.request.retries < HOST_WAITS
    result = rounds.watch_round(
        watch_id=watch_id,
        claimed_at=dt.datetime.fromisoformat(claimed_at),
        wait_for_host_up_to=settings.COURT_WATCH_TICK_SECONDS if may_wait else 0.0,
    )
    if result.outcome is rounds.Outcome.HOST_BUSY and not result.released:
        raise self.retry(countdown=result.wait_seconds, max_retries=HOST_WAITS)
    if result.notice_due:
        court_watch_failure_notice_task.delay(watch_id)
    return result.outcome.value


@shared_task(name="courtwatch.failure_notice", **TASK_OPTIONS)
def court_watch_failure_notice_task(watch_id: int) -> int:
    """Tell the case's lawyers that its card could not be read (once per run of failures)."""
    return notices.watch_failure_notify(watch_id=watch_id)
