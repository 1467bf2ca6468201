"""Thin tasks. The broker only carries "go look" messages: what is due is in the rows
(webhooks/models.py), so a lost or repeated message loses or repeats nothing."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from webhooks import delivery, services
from webhooks.dispatch import webhooks_dispatch

WAKE_KEY = "webhooks:wake"


@shared_task(name="webhooks.dispatch", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def webhooks_dispatch_task() -> int:
    """The periodic tick and the wake-up after a committed change: deliver what is due."""
    cache.delete(WAKE_KEY)  # from here on, a new commit asks again (services.dispatch_soon)
    return webhooks_dispatch(budget_seconds=settings.WEBHOOKS_DISPATCH_BUDGET_SECONDS)


@shared_task(name="webhooks.disabled_notify", acks_late=True, ignore_result=True)
def endpoint_disabled_notify_task(endpoint_id: int) -> int:
    return delivery.endpoint_disabled_notify(endpoint_id=endpoint_id)


@shared_task(name="webhooks.deliveries_prune", ignore_result=True)
def webhook_deliveries_prune_task() -> int:
    """Daily: the attempts log keeps WEBHOOKS_DELIVERY_LOG_DAYS."""
    return services.deliveries_prune(older_than=dt.timedelta(days=settings.WEBHOOKS_DELIVERY_LOG_DAYS))
