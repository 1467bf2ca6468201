"""Delivery: the beat tick claims due rows (`deliveries_claim_due`) and the Celery tasks send
them (`reminder_deliver`, `notice_deliver`, `subscription_confirmation_send`)."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import smtplib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Field
from django.utils import timezone

from cases.models import Hearing
from reminders.models import (
    DeadlineReminder,
    Delivery,
    DeliveryState,
    Notice,
    Reminder,
    Subscription,
)
from reminders.selectors import (
    deliveries_claimable_exist,
    subscription_ids_receiving,
    subscription_receives,
)

logger = logging.getLogger(__name__)


# --- Delivery -------------------------------------------------------------------------------


# The rows the beat tick claims: hearing reminders, notices, and lawyers' deadline reminders
# (reminders/deadline_reminders.py). One pre-check covers all three, so an idle tick stays one
# statement however many kinds of row there are.
CLAIMABLE: tuple[type[Delivery], ...] = (Reminder, Notice, DeadlineReminder)


@dataclass(frozen=True)
class Claimed:
    reminder_ids: list[int]
    notice_ids: list[int]
    deadline_reminder_ids: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.reminder_ids) + len(self.notice_ids) + len(self.deadline_reminder_ids)


def deliveries_claim_due(*, now: dt.datetime | None = None, limit: int | None = None) -> Claimed:
    """Claim due rows and queue their send tasks, after commit.

    `skip_locked` lets two ticks (or a tick and a send in progress, which holds its row's lock)
    run side by side without waiting or claiming the same row. A row still `sending` after the
    lease was claimed by a worker that died or by a broker that lost the message: claim it again
    (a send holding the row's lock is skipped, so a slow send is never doubled).

    Most ticks find nothing: one lock-free statement over the three tables answers that, before
    any transaction or row lock (a row falling due just after it waits for the next tick).
    """
    from reminders.tasks import deadline_reminder_send_task, notice_send_task, reminder_send_task

    now = now or timezone.now()
    limit = limit or settings.REMINDERS_CLAIM_BATCH
    lease_over = now - dt.timedelta(seconds=settings.REMINDERS_SEND_LEASE_SECONDS)
    if not deliveries_claimable_exist(models=CLAIMABLE, now=now, lease_over=lease_over):
        return Claimed(reminder_ids=[], notice_ids=[])
    claimed: dict[type, list[int]] = {}
    with transaction.atomic():
        for model in CLAIMABLE:
            rows = model._default_manager.select_for_update(skip_locked=True)
            due = list(
                rows.filter(state=DeliveryState.PENDING, due_at__lte=now)
                .order_by("due_at")
                .values_list("pk", flat=True)[:limit]
            )
            stale = list(
                rows.filter(state=DeliveryState.SENDING, claimed_at__lt=lease_over)
                .order_by("claimed_at")
                .values_list("pk", flat=True)[:limit]
            )
            pks = due + stale
            if pks:
                model._default_manager.filter(pk__in=pks).update(
                    state=DeliveryState.SENDING, claimed_at=now, updated_at=now
                )
            claimed[model] = pks
        result = Claimed(
            reminder_ids=claimed[Reminder],
            notice_ids=claimed[Notice],
            deadline_reminder_ids=claimed[DeadlineReminder],
        )

        def enqueue() -> None:
            # One broker message, one SMTP connection and one read of the rows per batch. Each
            # message commits on its own, so a worker's death repeats at most one, whatever the size.
            size = settings.REMINDERS_SEND_BATCH
            for task, ids in (
                (reminder_send_task, result.reminder_ids),
                (notice_send_task, result.notice_ids),
                (deadline_reminder_send_task, result.deadline_reminder_ids),
            ):
                for start in range(0, len(ids), size):
                    task.delay(ids[start : start + size])

        transaction.on_commit(enqueue)
    return result


# SMTP reply codes 4xx are temporary (RFC 5321 section 4.2.1); so are a dropped or refused connection.
def _is_transient(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError | OSError)


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=settings.REMINDERS_RETRY_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0))


def _send(message: EmailMessage, connection: BaseEmailBackend | None) -> None:
    if connection is None:
        with get_connection(fail_silently=False) as own:
            own.send_messages([message])
        return
    # A connection shared by a batch: opened here, so a refused connect counts against this row.
    try:
        if getattr(connection, "connection", True) is None:
            connection.open()
        connection.send_messages([message])
    except Exception:
        connection.close()  # never reuse a connection in an unknown state
        raise


# The two statements every message runs (lock its row, record the result) are written out in
# SQL: compiling them through the ORM was a large part of a message's CPU (bench/RESULTS.md).
# Table names come from the models, values are bound.
_DELIVERY_FIELDS = ["state", "due_at", "claimed_at", "attempts", "last_error", "sent_at"]
_LOCK_REMINDER_SQL = (
    "SELECT attempts{asynchronous_commit} FROM " + Reminder._meta.db_table + " "  # noqa: S608
    "WHERE id = %s AND state = %s AND generation = %s AND hearing_starts_at = %s{lock}"
)


def _db_value(row: Delivery, column: str) -> Any:
    # As the ORM would write it (SQLite, under `make run`, stores datetimes as naive UTC text).
    field = row._meta.get_field(column)
    assert isinstance(field, Field)  # noqa: S101 (one of the delivery columns)
    return field.get_db_prep_save(getattr(row, column), db_connection)


def _record(row: Delivery) -> None:
    """Write a send's outcome to its row (an UPDATE of the delivery columns only)."""
    row.updated_at = timezone.now()
    columns = [*_DELIVERY_FIELDS, "updated_at"]
    assignments = ", ".join(f"{column} = %s" for column in columns)
    values = [_db_value(row, column) for column in columns]
    with db_connection.cursor() as cursor:
        cursor.execute(f"UPDATE {row._meta.db_table} SET {assignments} WHERE id = %s", [*values, row.pk])  # noqa: S608


def delivery_send(
    row: Delivery, build: Callable[[], EmailMessage], now: dt.datetime, connection: BaseEmailBackend | None
) -> None:
    """Send one row's message while its row lock is held, and record the result."""
    row.attempts += 1
    try:
        _send(build(), connection)
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}"[:1000]
        if _is_transient(exc) and row.attempts < settings.REMINDERS_MAX_ATTEMPTS:
            row.state, row.due_at = DeliveryState.PENDING, now + _backoff(row.attempts)
            logger.warning("%s: attempt %s failed, retrying at %s: %s", row, row.attempts, row.due_at, reason)
        else:
            row.state = DeliveryState.FAILED
            logger.error("%s: failed after %s attempts: %s", row, row.attempts, reason)
        row.last_error, row.claimed_at = reason, None
        _record(row)
        return
    row.state, row.sent_at, row.claimed_at, row.last_error = DeliveryState.SENT, timezone.now(), None, ""
    _record(row)


def delivery_finish(row: Delivery, state: str, reason: str) -> None:
    row.state, row.last_error, row.claimed_at = state, reason, None
    _record(row)


def _reminder_not_to_send(reminder: Reminder, *, receiving: set[int], now: dt.datetime) -> tuple[str, str] | None:
    """Why a claimed reminder is closed instead of sent (its new state and the reason), or None."""
    hearing = reminder.hearing
    if reminder.subscription_id not in receiving:
        return DeliveryState.CANCELLED, "The subscription no longer receives messages for this case."
    if hearing.status != Hearing.Status.SCHEDULED:
        return DeliveryState.CANCELLED, f"The hearing is {hearing.get_status_display().lower()}."
    if hearing.starts_at <= now:
        return DeliveryState.SKIPPED, "The hearing had already started when the reminder could be sent."
    return None


# PostgreSQL: the transaction that sends one reminder (its row's lock, the SMTP exchange, the
# result) commits without waiting for its WAL to reach the disk (`synchronous_commit = off`, set
# for that transaction only, in the statement that locks the row): waiting for the flush was
# most of a message's time in the database, and a wait per message (bench/RESULTS.md).
# The guarantees hold: a committed transaction is in PostgreSQL's hands, so a worker SIGKILLed
# after the commit repeats nothing, and one killed before it repeats the one message, as before.
# Only a crash of PostgreSQL itself (or of its machine) can forget the last commits (at most
# 3 x wal_writer_delay, 0.6 s by default); their rows are then back to `sending`, are claimed
# again after the lease and sent again with the same Message-ID: duplicates, never a loss.
# The claim (`deliveries_claim_due`) still commits synchronously.
_ASYNCHRONOUS_COMMIT = ", set_config('synchronous_commit', 'off', true)"


def _reminder_locked(reminder: Reminder) -> bool:
    """Lock the row if it is still this send's to do: `sending`, for the hearing time and
    generation the batch read, and not locked by another send. Call inside a transaction."""
    # SQLite (`make run`) has no row locks; Django's select_for_update() leaves them out there too.
    sql = _LOCK_REMINDER_SQL.format(
        lock=" FOR UPDATE SKIP LOCKED" if db_connection.features.has_select_for_update_skip_locked else "",
        asynchronous_commit=_ASYNCHRONOUS_COMMIT if db_connection.vendor == "postgresql" else "",
    )
    with db_connection.cursor() as cursor:
        cursor.execute(
            sql,
            [reminder.pk, DeliveryState.SENDING, reminder.generation, _db_value(reminder, "hearing_starts_at")],
        )
        locked = cursor.fetchone()
    if locked is not None:
        reminder.attempts = locked[0]
    return locked is not None


@transaction.atomic
def _reminders_finish(*, closing: dict[Reminder, tuple[str, str]], now: dt.datetime) -> list[Reminder]:
    """Close the claimed reminders that are not to be sent, in one transaction, one UPDATE per reason."""
    locked = set(
        Reminder.objects.select_for_update(skip_locked=True)
        .filter(pk__in=[reminder.pk for reminder in closing], state=DeliveryState.SENDING)
        .order_by()
        .values_list("pk", flat=True)
    )
    closed = [reminder for reminder in closing if reminder.pk in locked]
    by_reason: dict[tuple[str, str], list[int]] = {}
    for reminder in closed:
        by_reason.setdefault(closing[reminder], []).append(reminder.pk)
        reminder.state, reminder.last_error = closing[reminder]
        reminder.claimed_at = None
    for (state, reason), pks in by_reason.items():
        Reminder.objects.filter(pk__in=pks).update(state=state, last_error=reason, claimed_at=None, updated_at=now)
    return closed


def reminders_deliver(
    *, reminder_ids: Sequence[int], now: dt.datetime | None = None, connection: BaseEmailBackend | None = None
) -> list[Reminder]:
    """Send a batch of claimed reminders; return the rows it sent or closed.

    The batch is read in two queries (rows with their subscription, case, hearing and court;
    who still receives), and what its messages share (a hearing's .ics, its text in one language
    and zone) is built once. Then each message is sent in its own short transaction that holds
    its row's lock through the SMTP exchange and commits the result before the next message: a
    worker killed mid-batch can repeat only the message the server had accepted when the kill
    came (with the same Message-ID), and `deliveries_claim_due` never re-claims a row whose send
    is in progress. Under the lock the row must still be `sending` for the hearing time and
    generation the batch read, so a row cancelled, moved or sent elsewhere since is left alone.
    Safe to run twice or concurrently. `connection=None` opens one connection per message.
    """
    from reminders.emails import MessageParts, reminder_message

    now = now or timezone.now()
    batch = list(
        Reminder.objects.filter(pk__in=list(reminder_ids), state=DeliveryState.SENDING)
        .select_related("subscription__case", "hearing__court", "hearing__case")
        # The messages name the parties (reminders/emails.py): one read for the batch's cases.
        .prefetch_related("hearing__case__parties")
    )
    receiving = subscription_ids_receiving(subscription_ids={reminder.subscription_id for reminder in batch})
    closing: dict[Reminder, tuple[str, str]] = {}
    to_send: list[Reminder] = []
    for reminder in batch:
        outcome = _reminder_not_to_send(reminder, receiving=receiving, now=now)
        if outcome is None:
            to_send.append(reminder)
        else:
            closing[reminder] = outcome
    done = _reminders_finish(closing=closing, now=now) if closing else []
    parts = MessageParts()
    for reminder in to_send:
        with transaction.atomic():
            if not _reminder_locked(reminder):
                continue
            delivery_send(reminder, functools.partial(reminder_message, reminder, parts=parts), now, connection)
        done.append(reminder)
    return done


def reminder_deliver(
    *, reminder_id: int, now: dt.datetime | None = None, connection: BaseEmailBackend | None = None
) -> Reminder | None:
    """Send one claimed reminder: a batch of one (see `reminders_deliver`). None if there was
    nothing to do (already sent, no longer claimed, or being sent by another worker)."""
    done = reminders_deliver(reminder_ids=[reminder_id], now=now, connection=connection)
    return done[0] if done else None


@transaction.atomic
def notice_deliver(
    *, notice_id: int, now: dt.datetime | None = None, connection: BaseEmailBackend | None = None
) -> Notice | None:
    """Send one claimed notice; the same guarantees as `reminder_deliver`."""
    from reminders.emails import notice_message

    now = now or timezone.now()
    notice = (
        Notice.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("subscription__case__organization", "hearing__court", "hearing__case", "ruling__court")
        .filter(pk=notice_id, state=DeliveryState.SENDING)
        .first()
    )
    if notice is None:
        return None
    times = [t for t in (notice.previous_starts_at, notice.new_starts_at) if t is not None]
    if not subscription_receives(subscription=notice.subscription):
        delivery_finish(notice, DeliveryState.CANCELLED, "The subscription no longer receives messages for this case.")
    elif notice.kind != Notice.Kind.RULING and times and max(times) <= now:
        delivery_finish(notice, DeliveryState.SKIPPED, "The hearing's time had passed when the notice could be sent.")
    else:
        delivery_send(notice, lambda: notice_message(notice), now, connection)
    return notice


def subscription_confirmation_send(*, subscription_id: int) -> bool:
    """Email the confirmation link. Sent straight away (no row): if it is lost, subscribing
    again sends another one."""
    from reminders.emails import confirmation_message

    subscription = Subscription.objects.select_related("case").filter(pk=subscription_id).first()
    if subscription is None or subscription.is_active or subscription.unsubscribed_at is not None:
        return False
    confirmation_message(subscription).send(fail_silently=False)
    return True
