"""The beat's heartbeat: the scheduler records when it last ran its loop, and /readyz tells a
load balancer or an operator when that is too long ago.

Why: a dead or wedged beat fails silently; no reminder, deadline reminder or pruning is sent
again and nothing else notices. The scheduler itself records the tick (not a task run by a
worker), so the check says "the beat is alive" whatever the workers' state; the cache is the
shared Redis in production (any web host reads it) and a file cache under `make run`.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache
from django_celery_beat.schedulers import DatabaseScheduler

BEAT_TICK_KEY = "beat:last-tick"
# The beat loops every few seconds; writing the time once per this many seconds is plenty for a
# check whose limit is minutes.
RECORD_EVERY_SECONDS = 15


def beat_tick_record(*, at: float | None = None) -> None:
    # Kept a day: long enough to say "stopped N minutes ago", short enough to vanish with the beat.
    cache.set(BEAT_TICK_KEY, time.time() if at is None else at, timeout=24 * 3600)


def beat_tick_age_seconds() -> float | None:
    """Seconds since the beat's last recorded tick, or None when none is recorded."""
    last = cache.get(BEAT_TICK_KEY)
    return None if last is None else max(0.0, time.time() - float(last))


class HeartbeatScheduler(DatabaseScheduler):
    """django-celery-beat's scheduler, recording each loop (CELERY_BEAT_SCHEDULER)."""

    _last_recorded = 0.0

    def tick(self, *args: Any, **kwargs: Any) -> float:
        interval = super().tick(*args, **kwargs)
        now = time.monotonic()
        if now - self._last_recorded >= RECORD_EVERY_SECONDS:
            beat_tick_record()
            self._last_recorded = now
        return interval
