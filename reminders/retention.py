"""Keeping subscribers' addresses no longer than needed (issue 20; 152-FZ art. 5(7), GDPR art.
5(1)(e)): an address unsubscribed, or never confirmed, for SUBSCRIBER_RETENTION_DAYS is erased
with its keyed hash, and the delivery rows keep no trace of it; a subscriber may delete their
subscription at once through the link in every email.

The keyed hash goes with the address: kept, it would still let anyone holding FIELD_HASH_KEY
confirm that this person once followed this case. Re-subscribing afterwards is a new request
with its own double opt-in and resend limit, as for any new address.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from reminders.models import Notice, Reminder, Subscription

ERASED = "[address erased]"
BATCH = 500


def _scrub(text: str, email: str) -> str:
    return text.replace(email, ERASED) if email and email in text else text


def _erase(subscription: Subscription, *, now: dt.datetime) -> None:
    """Erase one subscription's address, and the address from its delivery rows' errors."""
    email = subscription.email
    model: Any
    for model in (Reminder, Notice):
        rows = model.objects.filter(subscription=subscription).exclude(last_error="").only("pk", "last_error")
        changed = [row for row in rows if _scrub(row.last_error, email) != row.last_error]
        for row in changed:
            row.last_error = _scrub(row.last_error, email)
        model.objects.bulk_update(changed, ["last_error"])
    subscription.email = ""
    subscription.erased_at = now
    subscription.save(update_fields=["email", "erased_at", "updated_at"])


def subscribers_erase(*, now: dt.datetime | None = None, days: int | None = None) -> int:
    """Erase the addresses unsubscribed, or asked for and never confirmed, more than `days`
    (SUBSCRIBER_RETENTION_DAYS) ago. Returns how many. Safe to run twice."""
    now = now or timezone.now()
    days = settings.SUBSCRIBER_RETENTION_DAYS if days is None else days
    cutoff = now - dt.timedelta(days=days)
    due = (
        Subscription.objects.filter(erased_at=None)
        .filter(
            Q(unsubscribed_at__lte=cutoff)
            | (
                Q(confirmed_at=None, created_at__lte=cutoff)
                & (Q(confirmation_sent_at=None) | Q(confirmation_sent_at__lte=cutoff))
            )
        )
        .order_by("pk")
    )
    erased = 0
    while True:
        with transaction.atomic():
            batch = list(due.select_for_update(skip_locked=True)[:BATCH])
            for subscription in batch:
                _erase(subscription, now=now)
        erased += len(batch)
        if len(batch) < BATCH:
            return erased


@transaction.atomic
def subscription_delete(*, token: str) -> None:
    """The subscriber deletes their subscription (the unsubscribe token is the credential): the
    row, its address, its reminders and notices are gone at once. Raises
    Subscription.DoesNotExist for an unknown token."""
    subscription = Subscription.objects.select_for_update().get(unsubscribe_token=token)
    subscription.delete()
