"""Thin tasks: primary keys in, one service call, safe to run twice.

`acks_late` + `reject_on_worker_lost` (also the project defaults) put a message back when a
worker dies mid-task; the database lease in `deliveries_claim_due` covers the cases the broker
cannot (a restarted Redis, a message stuck unacked)."""

from __future__ import annotations

import time

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection

from reminders import deadline_reminders, services

TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}


@shared_task(name="reminders.dispatch_due", **TASK_OPTIONS)
def reminders_dispatch_due_task() -> int:
    """The beat tick (every minute): claim due rows in batches until none is left, within a
    time budget so ticks do not pile up behind each other."""
    deadline = time.monotonic() + settings.REMINDERS_TICK_BUDGET_SECONDS
    total = 0
    while time.monotonic() < deadline:
        claimed = len(services.deliveries_claim_due())  # hearing reminders, notices, deadline reminders
        total += claimed
        if claimed == 0:
            break
    return total


def _ids(ids: int | list[int]) -> list[int]:
    return [ids] if isinstance(ids, int) else list(ids)


@shared_task(name="reminders.reminder_send", **TASK_OPTIONS)
def reminder_send_task(reminder_ids: int | list[int]) -> None:
    """Send a batch of claimed reminders over one SMTP connection, each in its own transaction."""
    connection = get_connection(fail_silently=False)
    try:
        services.reminders_deliver(reminder_ids=_ids(reminder_ids), connection=connection)
    finally:
        connection.close()


@shared_task(name="reminders.notice_send", **TASK_OPTIONS)
def notice_send_task(notice_ids: int | list[int]) -> None:
    connection = get_connection(fail_silently=False)
    try:
        for pk in _ids(notice_ids):
            services.notice_deliver(notice_id=pk, connection=connection)
    finally:
        connection.close()


@shared_task(name="reminders.deadline_reminder_send", **TASK_OPTIONS)
def deadline_reminder_send_task(deadline_reminder_ids: int | list[int]) -> None:
    """Send a batch of claimed deadline reminders (to lawyers) over one SMTP connection."""
    connection = get_connection(fail_silently=False)
    try:
        for pk in _ids(deadline_reminder_ids):
            deadline_reminders.deadline_reminder_deliver(deadline_reminder_id=pk, connection=connection)
    finally:
        connection.close()


@shared_task(
    name="reminders.confirmation_send",
    autoretry_for=(OSError,),
    retry_backoff=5,
    retry_backoff_max=60,
    max_retries=5,
    **TASK_OPTIONS,
)
def subscription_confirmation_send_task(subscription_id: int) -> None:
    # A short in-memory retry is enough here: a lost confirmation is recovered by subscribing again.
    services.subscription_confirmation_send(subscription_id=subscription_id)


@shared_task(name="reminders.subscribers_erase", **TASK_OPTIONS)
def subscribers_erase_task() -> int:
    """Every six hours (beat): erase addresses past SUBSCRIBER_RETENTION_DAYS (reminders/retention.py)."""
    from reminders.retention import subscribers_erase

    return subscribers_erase()
