"""The reminders and notices a hearing or ruling calls for. Each function must run inside the
transaction that changed the hearing or ruling, so a change and the messages it causes commit
(or roll back) together."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from cases.models import Hearing, Ruling
from reminders.models import (
    OPEN_STATES,
    DeliveryState,
    Notice,
    Reminder,
    Subscription,
)
from reminders.selectors import (
    subscriptions_receiving,
)

# --- Scheduling, in the transaction of the change -------------------------------------------


def reminders_sync(*, hearing: Hearing, subscriptions: Sequence[Subscription], now: dt.datetime) -> None:
    """Make the reminder rows of one scheduled hearing match its current start time.

    Rows already made for this start time are left alone (a due row that waited through an
    outage still goes out). Rows made for another time move: to pending at the new due time if
    that is still ahead (a new generation, so a new Message-ID, if one was already sent), or
    skipped if the offset has passed: a hearing moved close to its date causes no burst.
    """
    existing = {
        (row.subscription_id, row.offset_minutes): row
        for row in Reminder.objects.select_for_update().filter(
            hearing=hearing, subscription__in=[s.pk for s in subscriptions]
        )
    }
    to_create: list[Reminder] = []
    to_update: list[Reminder] = []
    for subscription in subscriptions:
        for offset in subscription.offsets_minutes:
            due_at = hearing.starts_at - dt.timedelta(minutes=offset)
            row = existing.get((subscription.pk, offset))
            if row is None:
                if due_at > now:
                    to_create.append(
                        Reminder(
                            subscription=subscription,
                            hearing=hearing,
                            offset_minutes=offset,
                            due_at=due_at,
                            hearing_starts_at=hearing.starts_at,
                        )
                    )
                continue
            if row.hearing_starts_at == hearing.starts_at and row.state != DeliveryState.CANCELLED:
                continue
            if due_at > now:
                if row.state in (DeliveryState.SENT, DeliveryState.FAILED):
                    row.generation += 1
                row.state, row.due_at, row.claimed_at = DeliveryState.PENDING, due_at, None
                row.attempts, row.last_error, row.sent_at = 0, "", None
            elif row.state in OPEN_STATES or row.state == DeliveryState.CANCELLED:
                row.state, row.claimed_at = DeliveryState.SKIPPED, None
                row.last_error = "The hearing moved; this reminder's time had already passed."
            row.hearing_starts_at = hearing.starts_at
            row.updated_at = now
            to_update.append(row)
    Reminder.objects.bulk_create(to_create, ignore_conflicts=True)
    Reminder.objects.bulk_update(
        to_update,
        [
            "state",
            "due_at",
            "claimed_at",
            "attempts",
            "last_error",
            "sent_at",
            "generation",
            "hearing_starts_at",
            "updated_at",
        ],
    )


def _reminders_close(*, hearing: Hearing, reason: str, now: dt.datetime) -> None:
    Reminder.objects.filter(hearing=hearing, state__in=OPEN_STATES).update(
        state=DeliveryState.CANCELLED, last_error=reason, claimed_at=None, updated_at=now
    )


def _notices_queue(
    *,
    hearing: Hearing,
    kind: str,
    previous_starts_at: dt.datetime | None,
    subscriptions: Sequence[Subscription],
    now: dt.datetime,
) -> None:
    """One notice per subscriber per change. A change still unsent is folded into the new one
    (moved twice before the first notice went out: one notice, from the first time to the last)."""
    unsent = {
        notice.subscription_id: notice
        for notice in Notice.objects.select_for_update().filter(
            hearing=hearing,
            kind__in=[Notice.Kind.MOVED, Notice.Kind.POSTPONED, Notice.Kind.CANCELLED],
            state=DeliveryState.PENDING,
        )
    }
    to_create = []
    for subscription in subscriptions:
        notice = unsent.pop(subscription.pk, None)
        if notice is not None:
            previous = notice.previous_starts_at
            if kind == Notice.Kind.MOVED and previous == hearing.starts_at:
                notice.state, notice.last_error = DeliveryState.CANCELLED, "Moved back to the original time."
            else:
                notice.kind, notice.new_starts_at, notice.due_at = kind, hearing.starts_at, now
            notice.save()
            continue
        to_create.append(
            Notice(
                subscription=subscription,
                hearing=hearing,
                kind=kind,
                previous_starts_at=previous_starts_at,
                new_starts_at=hearing.starts_at,
                due_at=now,
            )
        )
    Notice.objects.bulk_create(to_create)


def reminders_hearing_changed(
    *,
    hearing: Hearing,
    previous_starts_at: dt.datetime | None = None,
    previous_status: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Schedule, move or drop the reminders of a hearing just created or changed, and queue the
    notices the change calls for. Must run inside the transaction that changed the hearing."""
    now = now or timezone.now()
    created = previous_status is None
    moved = not created and previous_starts_at != hearing.starts_at
    status_changed = not created and previous_status != hearing.status
    if hearing.status != Hearing.Status.SCHEDULED:
        _reminders_close(hearing=hearing, reason=f"The hearing is {hearing.get_status_display().lower()}.", now=now)
    if not (created or moved or status_changed):
        return
    subscriptions = list(subscriptions_receiving(case=hearing.case))
    if hearing.status == Hearing.Status.SCHEDULED:
        reminders_sync(hearing=hearing, subscriptions=subscriptions, now=now)
    if created or not subscriptions:
        return
    still_relevant = hearing.starts_at > now or (previous_starts_at is not None and previous_starts_at > now)
    if not still_relevant:
        return
    kind = {
        Hearing.Status.CANCELLED: Notice.Kind.CANCELLED,
        Hearing.Status.POSTPONED: Notice.Kind.POSTPONED,
    }.get(hearing.status)  # type: ignore[call-overload]
    if kind is None and moved and hearing.status == Hearing.Status.SCHEDULED:
        kind = Notice.Kind.MOVED
    if kind is None:
        return
    if status_changed and hearing.status == Hearing.Status.SCHEDULED and not moved:
        return
    _notices_queue(
        hearing=hearing, kind=kind, previous_starts_at=previous_starts_at, subscriptions=subscriptions, now=now
    )


def notices_ruling_recorded(*, ruling: Ruling, now: dt.datetime | None = None) -> None:
    """One notice with the outcome to each subscriber of the case."""
    now = now or timezone.now()
    Notice.objects.bulk_create(
        [
            Notice(subscription=subscription, kind=Notice.Kind.RULING, ruling=ruling, due_at=now)
            for subscription in subscriptions_receiving(case=ruling.case)
        ]
    )
