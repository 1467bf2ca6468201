"""Thin tasks: a primary key in, one service call.

Limits, per render (the issue's "bound each render"):
- time: a soft limit raises inside the render, which marks the dossier failed with a sentence;
  the hard limit kills the child if even that does not return (the row is then failed by the
  beat sweep `dossiers_fail_stale_task` or the next request, see `services.dossiers_fail_stale`).
- memory: `worker_max_memory_per_child` only replaces a child *after* a task, so it cannot stop
  one runaway render (a case with 50,000 events, a huge table). Here the child's address space
  may grow by at most DOSSIER_MEMORY_LIMIT_MB during the render (RLIMIT_AS): past it, allocation
  fails with MemoryError, the dossier is marked failed, and the limit is lifted again for the
  next task. RLIMIT_AS counts address space, not resident memory, which is why it is set as a
  budget on top of what the child already maps rather than as an absolute figure.
"""

from __future__ import annotations

import contextlib
import gc
import resource
from collections.abc import Iterator

from celery import shared_task
from django.conf import settings

from documents import services
from documents.dossier.render import without_cyclic_gc


def _address_space() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


@contextlib.contextmanager
def memory_budget(megabytes: int) -> Iterator[None]:
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _address_space() + megabytes * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@shared_task(
    name="documents.dossier_render_task",
    soft_time_limit=settings.DOSSIER_SOFT_TIME_LIMIT,
    time_limit=settings.DOSSIER_TIME_LIMIT,
    acks_late=True,
)
def dossier_render_task(dossier_id: int) -> str | None:
    # Without the cycle collector until the dossier is stored and shown as ready (see
    # documents.dossier.render.without_cyclic_gc): the render's garbage is collected after that.
    with memory_budget(settings.DOSSIER_MEMORY_LIMIT_MB), without_cyclic_gc():
        dossier = services.dossier_render(dossier_id=dossier_id)
    gc.collect()
    return dossier.state if dossier is not None else None


@shared_task(name="documents.dossiers_fail_stale")
def dossiers_fail_stale_task() -> int:
    """Beat, every five minutes: renders whose worker died are failed so users may ask again."""
    return services.dossiers_fail_stale()
