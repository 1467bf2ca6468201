"""Every write to subscriptions, reminders and notices, by topic: `subscriptions` (subscribe,
confirm, change, unsubscribe), `scheduling` (the reminders and notices a hearing or ruling calls
for, in the transaction that changed it) and `delivery` (claim due rows, send them).
"""

from reminders.models import OPEN_STATES
from reminders.services.delivery import (
    CLAIMABLE,
    Claimed,
    deliveries_claim_due,
    delivery_finish,
    delivery_send,
    notice_deliver,
    reminder_deliver,
    reminders_deliver,
    subscription_confirmation_send,
)
from reminders.services.scheduling import (
    notices_ruling_recorded,
    reminders_hearing_changed,
    reminders_sync,
)
from reminders.services.subscriptions import (
    MAX_OFFSET_MINUTES,
    MAX_OFFSETS,
    SubscribeResult,
    subscription_confirm,
    subscription_settings_change,
    subscription_subscribe,
    subscription_unsubscribe,
)

__all__ = [
    "CLAIMABLE",
    "Claimed",
    "MAX_OFFSETS",
    "MAX_OFFSET_MINUTES",
    "OPEN_STATES",
    "SubscribeResult",
    "deliveries_claim_due",
    "delivery_finish",
    "delivery_send",
    "notice_deliver",
    "notices_ruling_recorded",
    "reminder_deliver",
    "reminders_deliver",
    "reminders_hearing_changed",
    "reminders_sync",
    "subscription_confirm",
    "subscription_confirmation_send",
    "subscription_settings_change",
    "subscription_subscribe",
    "subscription_unsubscribe",
]
