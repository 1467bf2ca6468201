"""Subscriptions to a case's hearings, and every message owed to a subscriber as a row.

A reminder or a notice is a row with a due time and a state; the beat tick claims due rows
(`reminders.services.deliveries_claim_due`) and the broker only carries "send row N". So a
lost broker message, a killed worker or a restarted Redis delays a message but never loses it.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from timezone_field import TimeZoneField

from cases.models import Case, Hearing, Ruling
from tracker.crypto import keyed_hash
from tracker.fields import EncryptedEmailField

DEFAULT_OFFSETS_MINUTES = [7 * 24 * 60, 24 * 60, 2 * 60]


def new_token() -> str:
    return secrets.token_urlsafe(32)


def default_offsets() -> list[int]:
    return list(DEFAULT_OFFSETS_MINUTES)


class Subscription(models.Model):
    """One address following one case. Addresses are private: never shown outside the back office."""

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        RUSSIAN = "ru", "Русский"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="subscriptions")
    # Encrypted at rest; found and kept unique by its keyed hash (tracker/crypto.py). Both are
    # erased (set to "") SUBSCRIBER_RETENTION_DAYS after an unsubscription or an unconfirmed
    # request (reminders/retention.py).
    email = EncryptedEmailField(help_text="Stored lower-cased; one subscription per address and case.")
    email_hash = models.CharField(max_length=64, blank=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subscriptions",
        help_text="Set for members of the organization; needed to follow a private case.",
    )
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.ENGLISH)
    time_zone = TimeZoneField(default="UTC")
    offsets_minutes = models.JSONField(
        default=default_offsets, help_text="Minutes before a hearing at which to remind, e.g. [10080, 1440, 120]."
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirm_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    unsubscribe_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    feed_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    erased_at = models.DateTimeField(null=True, blank=True, help_text="When the address was erased.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "email_hash"],
                condition=~Q(email_hash=""),
                name="subscription_one_per_email_and_case",
            ),
        ]
        indexes = [models.Index(fields=["email_hash"], name="subscription_email_hash")]

    def __str__(self) -> str:
        return f"Subscription #{self.pk} to {self.case}"

    def save(self, *args: object, **kwargs: object) -> None:
        # Not a business rule but the column's definition: the hash is a function of the address
        # (as a generated column would be, which PostgreSQL cannot compute without the key).
        self.email_hash = subscriber_email_hash(self.email) if self.email else ""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "email" in update_fields:  # type: ignore[operator]
            kwargs["update_fields"] = {*update_fields, "email_hash"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


def subscriber_email_hash(email: str) -> str:
    """The keyed hash a subscriber's address is found by (addresses are stored lower-cased)."""
    return keyed_hash(email.strip().lower())


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Skipped (too late)"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


# The states of a row still owed: a change that makes it moot cancels (or skips) it.
OPEN_STATES = (DeliveryState.PENDING, DeliveryState.SENDING)


class Delivery(models.Model):
    """What reminders and notices share: the delivery state machine.

    pending --claim--> sending --SMTP ok--> sent
                          |--transient error--> pending (due later) ... --> failed (after the limit)
                          |--hearing started / no longer relevant--> skipped / cancelled
    A row left in `sending` by a dead worker is claimed again once its lease is over.
    """

    state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    due_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Reminder(Delivery):
    """One reminder of one hearing at one offset for one subscription."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="reminders")
    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="reminders")
    offset_minutes = models.PositiveIntegerField()
    # The hearing time this reminder was scheduled for: a reminder already sent for an old time
    # is sent again (as a new message, a new generation) once the hearing moves.
    hearing_starts_at = models.DateTimeField()
    generation = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "hearing", "offset_minutes"], name="reminder_one_per_offset"
            ),
        ]
        indexes = [
            # The beat tick's two queries: due pending rows, and expired `sending` leases.
            models.Index(fields=["due_at"], condition=Q(state="pending"), name="reminder_pending_due"),
            models.Index(fields=["claimed_at"], condition=Q(state="sending"), name="reminder_sending_claimed"),
            models.Index(fields=["hearing", "state"]),
        ]

    def __str__(self) -> str:
        return f"Reminder #{self.pk} ({self.offset_minutes} min before hearing #{self.hearing_id}, {self.state})"


class Notice(Delivery):
    """A one-off message about a change: a hearing moved, postponed or cancelled, a ruling recorded."""

    class Kind(models.TextChoices):
        MOVED = "moved", "Hearing moved"
        POSTPONED = "postponed", "Hearing postponed"
        CANCELLED = "cancelled", "Hearing cancelled"
        RULING = "ruling", "Ruling recorded"

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, null=True, blank=True, related_name="notices")
    ruling = models.ForeignKey(Ruling, on_delete=models.CASCADE, null=True, blank=True, related_name="notices")
    previous_starts_at = models.DateTimeField(null=True, blank=True)
    new_starts_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["due_at"], condition=Q(state="pending"), name="notice_pending_due"),
            models.Index(fields=["claimed_at"], condition=Q(state="sending"), name="notice_sending_claimed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="ruling", ruling__isnull=False) | (~Q(kind="ruling") & Q(hearing__isnull=False)),
                name="notice_has_its_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"Notice #{self.pk} ({self.kind}, {self.state})"


class MemberReminderSettings(models.Model):
    """A member's own reminder settings: the language of their deadline reminders and the
    secret address of their private calendar feed (the organization's hearings and deadlines).

    Made on first use (`reminders.deadline_reminders.member_settings_get`). Without a row, or
    with no language chosen, reminders are in the site's default language."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_settings")
    language = models.CharField(max_length=5, choices=Subscription.Language.choices, blank=True)
    feed_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "member's reminder settings"
        verbose_name_plural = "members' reminder settings"

    def __str__(self) -> str:
        return f"Reminder settings of {self.user}"


class DeadlineReminder(Delivery):
    """One reminder of one procedural deadline to one lawyer or owner of the case's organization,
    `offset_days` before its due date (0: on the day), at 09:00 in the ruling's court's zone."""

    deadline = models.ForeignKey("deadlines.Deadline", on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deadline_reminders")
    offset_days = models.PositiveSmallIntegerField()
    # The due date this reminder was scheduled for: when the date moves (recomputed, overridden)
    # the row moves, and one already sent is sent again as a new message (a new generation).
    due_on = models.DateField()
    generation = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "user", "offset_days"], name="deadline_reminder_one_per_offset"
            ),
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=Q(state="pending"), name="deadline_rem_pending_due"),
            models.Index(fields=["claimed_at"], condition=Q(state="sending"), name="deadline_rem_sending_claimed"),
        ]

    def __str__(self) -> str:
        return (
            f"Deadline reminder #{self.pk} ({self.offset_days} days before deadline #{self.deadline_id}, {self.state})"
        )


class ConfirmationSend(models.Model):
    """One confirmation email queued to an address, whichever case it was for and whoever asked:
    at most `SUBSCRIPTION_CONFIRMATIONS_PER_ADDRESS_PER_DAY` a day go to one inbox, so the
    subscribe form cannot be turned on someone's mailbox from many addresses. The address is
    kept as a keyed hash (`subscriber_email_hash`): this is a count,
    not a second list of who follows what; rows older than a day are deleted as new ones come."""

    address_digest = models.CharField(max_length=64)
    sent_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["address_digest", "sent_at"], name="confirmation_send_address"),
            models.Index(fields=["sent_at"], name="confirmation_send_sent_at"),
        ]

    def __str__(self) -> str:
        return f"Confirmation #{self.pk} at {self.sent_at:%Y-%m-%d %H:%M}"
