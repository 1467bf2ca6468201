"""Every write to subscriptions, reminders and notices.

`cases.services` calls `reminders_hearing_changed` and `notices_ruling_recorded` inside its own
transaction, so a hearing change and the messages it causes commit (or roll back) together.
The delivery side (`deliveries_claim_due`, `reminder_deliver`, `notice_deliver`) is what the
Celery tasks call.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import smtplib
import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db import connection as db_connection
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext

from cases.models import Case, Hearing, Ruling
from cases.selectors import case_user_is_member
from reminders.models import (
    DEFAULT_OFFSETS_MINUTES,
    ConfirmationSend,
    DeadlineReminder,
    Delivery,
    DeliveryState,
    Notice,
    Reminder,
    Subscription,
    new_token,
    subscriber_email_hash,
)
from reminders.selectors import (
    deliveries_claimable_exist,
    subscription_ids_receiving,
    subscription_receives,
    subscriptions_receiving,
)
from tracker.validation import time_zone_from_name

logger = logging.getLogger(__name__)

MAX_OFFSET_MINUTES = 60 * 24 * 60  # 60 days
MAX_OFFSETS = 6
OPEN_STATES = (DeliveryState.PENDING, DeliveryState.SENDING)


# --- Subscriptions --------------------------------------------------------------------------


def _clean_offsets(offsets_minutes: Sequence[int] | None) -> list[int]:
    if offsets_minutes is None:
        return list(DEFAULT_OFFSETS_MINUTES)
    offsets = sorted({int(offset) for offset in offsets_minutes}, reverse=True)
    if not offsets:
        raise ValidationError({"offsets_minutes": "Choose at least one reminder time."})
    if len(offsets) > MAX_OFFSETS:
        raise ValidationError({"offsets_minutes": f"Choose at most {MAX_OFFSETS} reminder times."})
    if offsets[-1] < 1 or offsets[0] > MAX_OFFSET_MINUTES:
        raise ValidationError({"offsets_minutes": "Each reminder is between 1 minute and 60 days before a hearing."})
    return offsets


def _clean_subscription_input(*, email: str, language: str, time_zone: str) -> tuple[str, zoneinfo.ZoneInfo]:
    email = email.strip().lower()
    max_length = Subscription._meta.get_field("email").max_length or 254
    if len(email) > max_length:  # the validator allows 320 (RFC 3696), the column 254 (RFC 5321)
        raise ValidationError({"email": gettext("No more than %(max)s characters, please.") % {"max": max_length}})
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": "Enter a valid email address."}) from exc
    if language not in Subscription.Language.values:
        raise ValidationError({"language": f"Choose one of: {', '.join(Subscription.Language.values)}."})
    try:
        zone = time_zone_from_name(time_zone)
    except ValidationError as exc:
        raise ValidationError({"time_zone": exc.messages}) from exc
    return email, zone


def _confirmation_allowance_take(*, email: str, now: dt.datetime) -> bool:
    """Count one confirmation to `email` if it has had fewer than the day's allowance (every case,
    every requester). Concurrent subscriptions of one address wait for each other here."""
    digest = subscriber_email_hash(email)  # the same keyed hash the subscriptions are found by
    if db_connection.vendor == "postgresql":
        with db_connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"confirmation:{digest}"])
    day_ago = now - dt.timedelta(days=1)
    ConfirmationSend.objects.filter(sent_at__lte=day_ago).delete()
    if ConfirmationSend.objects.filter(address_digest=digest, sent_at__gt=day_ago).count() >= (
        settings.SUBSCRIPTION_CONFIRMATIONS_PER_ADDRESS_PER_DAY
    ):
        return False
    ConfirmationSend.objects.create(address_digest=digest, sent_at=now)
    return True


@dataclass(frozen=True)
class SubscribeResult:
    subscription: Subscription
    confirmation_queued: bool


@transaction.atomic
def subscription_subscribe(
    *,
    case: Case,
    email: str,
    language: str = Subscription.Language.ENGLISH,
    time_zone: str = "UTC",
    offsets_minutes: Sequence[int] | None = None,
    user: User | None = None,
    now: dt.datetime | None = None,
) -> SubscribeResult:
    """Subscribe an address to a case: an idempotent upsert, never an error for a repeat.

    Double opt-in: a new (or lapsed) subscription only gets a confirmation email, and nothing
    else is sent until it is confirmed. A repeat for an active subscription changes nothing, so
    nobody can alter someone else's settings by knowing their address. The confirmation email
    is resent at most once per `REMINDERS_CONFIRMATION_RESEND_SECONDS`, so the form cannot be
    used to flood an inbox.
    """
    now = now or timezone.now()
    email, zone = _clean_subscription_input(email=email, language=language, time_zone=time_zone)
    offsets = _clean_offsets(offsets_minutes)
    if not case.is_public and not (user is not None and case_user_is_member(user=user, case=case)):
        raise ValidationError({"case": "Only members of the organization may follow this case."})

    email_hash = subscriber_email_hash(email)
    subscription = Subscription.objects.select_for_update().filter(case=case, email_hash=email_hash).first()
    if subscription is None:
        try:
            with transaction.atomic():
                subscription = Subscription.objects.create(
                    case=case, email=email, language=language, time_zone=zone, offsets_minutes=offsets, user=user
                )
        except IntegrityError:
            # A concurrent request created it first; continue as a repeat.
            subscription = Subscription.objects.select_for_update().get(case=case, email_hash=email_hash)
    elif subscription.is_active:
        return SubscribeResult(subscription=subscription, confirmation_queued=False)
    else:
        subscription.language = language
        subscription.time_zone = zone
        subscription.offsets_minutes = offsets
        subscription.user = user or subscription.user
        subscription.unsubscribed_at = None
        subscription.confirmed_at = None

    resend_after = dt.timedelta(seconds=settings.REMINDERS_CONFIRMATION_RESEND_SECONDS)
    queue = subscription.confirmation_sent_at is None or subscription.confirmation_sent_at <= now - resend_after
    if queue and not _confirmation_allowance_take(email=email, now=now):
        # The same answer to the requester (it must not tell who is subscribed), but no email.
        logger.warning(
            "Confirmation not sent for subscription #%s: its address already had %s today",
            subscription.pk,
            settings.SUBSCRIPTION_CONFIRMATIONS_PER_ADDRESS_PER_DAY,
        )
        queue = False
    if queue:
        subscription.confirmation_sent_at = now
    subscription.save()
    if queue:
        from reminders.tasks import subscription_confirmation_send_task

        subscription_confirmation_send_task.delay_on_commit(subscription.pk)
    return SubscribeResult(subscription=subscription, confirmation_queued=queue)


@transaction.atomic
def subscription_confirm(*, token: str, now: dt.datetime | None = None) -> Subscription:
    """Follow the emailed link: the subscription becomes active and reminders are scheduled for
    the case's upcoming hearings (only offsets still ahead). Confirming twice changes nothing."""
    now = now or timezone.now()
    subscription = Subscription.objects.select_for_update().select_related("case").get(confirm_token=token)
    if subscription.unsubscribed_at is not None or subscription.erased_at is not None:
        raise Subscription.DoesNotExist("This subscription was cancelled; subscribe again.")
    if subscription.confirmed_at is None:
        subscription.confirmed_at = now
        subscription.save(update_fields=["confirmed_at", "updated_at"])
        hearings = Hearing.objects.filter(
            case=subscription.case, status=Hearing.Status.SCHEDULED, starts_at__gt=now
        ).select_for_update()
        for hearing in hearings:
            _reminders_sync(hearing=hearing, subscriptions=[subscription], now=now)
    return subscription


@transaction.atomic
def subscription_unsubscribe(*, token: str, now: dt.datetime | None = None) -> Subscription:
    """One click, no login: stop everything still owed to this subscription. Idempotent."""
    now = now or timezone.now()
    subscription = Subscription.objects.select_for_update().get(unsubscribe_token=token)
    if subscription.unsubscribed_at is None:
        subscription.unsubscribed_at = now
        # An old confirmation link must not resubscribe someone who left.
        subscription.confirm_token = new_token()
        subscription.save(update_fields=["unsubscribed_at", "confirm_token", "updated_at"])
    for model in (Reminder, Notice):
        model.objects.filter(subscription=subscription, state__in=OPEN_STATES).update(
            state=DeliveryState.CANCELLED, last_error="Unsubscribed.", claimed_at=None, updated_at=now
        )
    return subscription


@transaction.atomic
def subscription_settings_change(
    *,
    token: str,
    language: str,
    time_zone: str,
    offsets_minutes: Sequence[int],
    now: dt.datetime | None = None,
) -> Subscription:
    """The subscriber changes their language, time zone or reminder times, through the link in
    their emails (the unsubscribe token is the credential, as for one-click unsubscribe).

    Messages are built when sent, so a new language or zone applies to every message still owed.
    New reminder times are scheduled for the upcoming hearings (only those still ahead); reminders
    still owed at a time no longer wanted are cancelled. Raises Subscription.DoesNotExist for an
    unknown token and ValidationError for bad input or a cancelled subscription (nothing changes).
    """
    now = now or timezone.now()
    subscription = Subscription.objects.select_for_update().select_related("case").get(unsubscribe_token=token)
    if subscription.unsubscribed_at is not None:
        raise ValidationError("This subscription was cancelled; subscribe again on the case's page.")
    _, zone = _clean_subscription_input(email=subscription.email, language=language, time_zone=time_zone)
    offsets = _clean_offsets(offsets_minutes)
    subscription.language, subscription.time_zone, subscription.offsets_minutes = language, zone, offsets
    subscription.save(update_fields=["language", "time_zone", "offsets_minutes", "updated_at"])
    Reminder.objects.filter(subscription=subscription, state__in=OPEN_STATES).exclude(
        offset_minutes__in=offsets
    ).update(
        state=DeliveryState.CANCELLED,
        last_error="The subscriber no longer wants a reminder at this time.",
        claimed_at=None,
        updated_at=now,
    )
    if subscription.is_active:
        hearings = Hearing.objects.filter(
            case=subscription.case, status=Hearing.Status.SCHEDULED, starts_at__gt=now
        ).select_for_update()
        for hearing in hearings:
            _reminders_sync(hearing=hearing, subscriptions=[subscription], now=now)
    return subscription


# --- Scheduling, called from cases.services in the hearing's transaction ---------------------


def _reminders_sync(*, hearing: Hearing, subscriptions: Sequence[Subscription], now: dt.datetime) -> None:
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
        _reminders_sync(hearing=hearing, subscriptions=subscriptions, now=now)
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
# SQL: compiling them through the ORM costs about 1 ms of CPU each, a fifth of a message's whole
# budget at 200 messages/s on two processes. Table names come from the models, values are bound.
_DELIVERY_FIELDS = ["state", "due_at", "claimed_at", "attempts", "last_error", "sent_at"]
_LOCK_REMINDER_SQL = (
    f"SELECT attempts FROM {Reminder._meta.db_table} "  # noqa: S608
    "WHERE id = %s AND state = %s AND generation = %s AND hearing_starts_at = %s"
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


def _deliver(
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


def _finish(row: Delivery, state: str, reason: str) -> None:
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


def _reminder_locked(reminder: Reminder) -> bool:
    """Lock the row if it is still this send's to do: `sending`, for the hearing time and
    generation the batch read, and not locked by another send. Call inside a transaction."""
    # SQLite (`make run`) has no row locks; Django's select_for_update() leaves them out there too.
    lock = " FOR UPDATE SKIP LOCKED" if db_connection.features.has_select_for_update_skip_locked else ""
    with db_connection.cursor() as cursor:
        cursor.execute(
            _LOCK_REMINDER_SQL + lock,
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
            _deliver(reminder, functools.partial(reminder_message, reminder, parts=parts), now, connection)
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
        _finish(notice, DeliveryState.CANCELLED, "The subscription no longer receives messages for this case.")
    elif notice.kind != Notice.Kind.RULING and times and max(times) <= now:
        _finish(notice, DeliveryState.SKIPPED, "The hearing's time had passed when the notice could be sent.")
    else:
        _deliver(notice, lambda: notice_message(notice), now, connection)
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
