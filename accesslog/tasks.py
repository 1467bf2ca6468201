from __future__ import annotations

from celery import shared_task

from accesslog.services import access_log_prune


@shared_task(name="accesslog.prune")
def access_log_prune_task() -> int:
    """Daily (beat): delete access records past ACCESS_LOG_DAYS. Safe to run twice."""
    return access_log_prune()
