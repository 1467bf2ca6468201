from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings

from changes.services import change_log_prune


@shared_task(name="changes.change_log_prune")
def change_log_prune_task() -> int:
    """Daily (beat): drop what a fresh sync does not need past the retention window. Safe to
    run twice: a second run finds nothing to drop."""
    return change_log_prune(older_than=dt.timedelta(days=settings.CHANGE_LOG_RETENTION_DAYS))
