"""The dispatcher: one task delivers to several claimed endpoints at once.

Delivery time is mostly waiting (the receiver's answer), so a process keeps a small pool of
threads, each running one claimed endpoint at a time (its batches strictly in order), and the
task claims another endpoint whenever a thread comes free. Each thread keeps its own database
connection and the process shares one urllib3 pool manager, so a busy receiver's connection
is reused from batch to batch.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from django.conf import settings
from django.db import close_old_connections

from webhooks.delivery import Claim, endpoint_run, endpoints_claim_due, endpoints_next_due_in
from webhooks.transport import Transport

_POOL: tuple[int, ThreadPoolExecutor, Transport] | None = None


def _pool() -> tuple[ThreadPoolExecutor, Transport]:
    """This process's threads and connection pools (made after a fork, never inherited)."""
    global _POOL
    if _POOL is None or _POOL[0] != os.getpid():
        size = settings.WEBHOOKS_CONCURRENCY
        _POOL = (
            os.getpid(),
            ThreadPoolExecutor(max_workers=size, thread_name_prefix="webhooks"),
            Transport(max_connections_per_host=size),
        )
    return _POOL[1], _POOL[2]


def _run(claim: Claim, transport: Transport, until: float) -> int:
    close_old_connections()  # this thread's connection: reused while healthy (CONN_HEALTH_CHECKS)
    try:
        return endpoint_run(claim=claim, transport=transport, until=until)
    finally:
        close_old_connections()


def webhooks_dispatch(*, budget_seconds: float) -> int:
    """Claim due endpoints and deliver to them, WEBHOOKS_CONCURRENCY at a time, until none is
    due or the budget is spent (then the endpoints in hand finish their turn). An endpoint
    pausing to gather its next batch (WEBHOOKS_COALESCE_SECONDS) is waited for, so a stream of
    changes is followed without a new message per change. Returns the batches delivered."""
    executor, transport = _pool()
    until = time.monotonic() + budget_seconds
    running: set[Future[int]] = set()
    delivered = 0
    while True:
        free = settings.WEBHOOKS_CONCURRENCY - len(running)
        if free > 0 and time.monotonic() < until:
            for claim in endpoints_claim_due(limit=free):
                running.add(executor.submit(_run, claim, transport, until))
        if running:
            # Wake when a thread comes free, or shortly to claim endpoints whose pause is over.
            done, running = wait(
                running, timeout=settings.WEBHOOKS_COALESCE_SECONDS or None, return_when=FIRST_COMPLETED
            )
            delivered += sum(future.result() for future in done)
            continue
        due_in = endpoints_next_due_in()
        if due_in is None or due_in > settings.WEBHOOKS_COALESCE_SECONDS or time.monotonic() + due_in >= until:
            return delivered
        time.sleep(due_in + 0.01)
