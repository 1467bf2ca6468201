"""Subscriptions to a case's hearings: subscribe (double opt-in), confirm, change the settings,
unsubscribe."""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db import connection as db_connection
from django.utils import timezone
from django.utils.translation import gettext

from cases.models import Case, Hearing
from cases.selectors import case_user_is_member
from reminders.models import (
    DEFAULT_OFFSETS_MINUTES,
    OPEN_STATES,
    ConfirmationSend,
    DeliveryState,
    Notice,
    Reminder,
    Subscription,
    new_token,
    subscriber_email_hash,
)
from reminders.services.scheduling import reminders_sync
from tracker.validation import time_zone_from_name

logger = logging.getLogger(__name__)

MAX_OFFSET_MINUTES = 60 * 24 * 60  # 60 days
MAX_OFFSETS = 6


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
            reminders_sync(hearing=hearing, subscriptions=[subscription], now=now)
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
            reminders_sync(hearing=hearing, subscriptions=[subscription], now=now)
    return subscription
