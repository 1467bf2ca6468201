"""Subscribers' addresses are kept no longer than needed (reminders/retention.py): erased after
SUBSCRIBER_RETENTION_DAYS when unsubscribed or never confirmed, and deleted at once through the
link in every email."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from reminders import services
from reminders.emails import reminder_message
from reminders.models import DeliveryState, Reminder, Subscription, subscriber_email_hash
from reminders.retention import ERASED, subscribers_erase
from tests.factories import CaseFactory, HearingFactory, SubscriptionFactory

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


def aged(subscription: Subscription, **fields: dt.datetime | None) -> Subscription:
    Subscription.objects.filter(pk=subscription.pk).update(**fields)
    subscription.refresh_from_db()
    return subscription


@pytest.fixture
def subscribers(db):
    case = CaseFactory()
    long_ago, lately = NOW - dt.timedelta(days=31), NOW - dt.timedelta(days=29)
    old_unsubscribed = aged(SubscriptionFactory(case=case, email="left@example.net"), unsubscribed_at=long_ago)
    new_unsubscribed = aged(SubscriptionFactory(case=case, email="left-lately@example.net"), unsubscribed_at=lately)
    never_confirmed = aged(
        SubscriptionFactory(case=case, email="never@example.net", confirmed_at=None),
        created_at=long_ago,
        confirmation_sent_at=long_ago,
    )
    recently_asked = aged(
        SubscriptionFactory(case=case, email="asked@example.net", confirmed_at=None),
        created_at=long_ago,
        confirmation_sent_at=lately,
    )
    active = aged(SubscriptionFactory(case=case, email="active@example.net"), created_at=long_ago)
    return {
        "case": case,
        "old_unsubscribed": old_unsubscribed,
        "new_unsubscribed": new_unsubscribed,
        "never_confirmed": never_confirmed,
        "recently_asked": recently_asked,
        "active": active,
    }


@pytest.mark.django_db
def test_addresses_unsubscribed_or_unconfirmed_past_the_retention_are_erased(subscribers, settings):
    settings.SUBSCRIBER_RETENTION_DAYS = 30
    # given a failed reminder whose error names the address
    hearing = HearingFactory(case=subscribers["case"])
    failed = Reminder.objects.create(
        subscription=subscribers["old_unsubscribed"],
        hearing=hearing,
        offset_minutes=60,
        hearing_starts_at=hearing.starts_at,
        due_at=NOW - dt.timedelta(days=40),
        state=DeliveryState.FAILED,
        last_error="(550, 'left@example.net: mailbox unavailable')",
    )

    # when the retention runs (twice: the second finds nothing)
    assert subscribers_erase(now=NOW) == 2
    assert subscribers_erase(now=NOW) == 0

    # then those two are erased, address and hash, and the others untouched
    erased = {s.pk for s in Subscription.objects.exclude(erased_at=None)}
    assert erased == {subscribers["old_unsubscribed"].pk, subscribers["never_confirmed"].pk}
    for key in ("old_unsubscribed", "never_confirmed"):
        row = Subscription.objects.get(pk=subscribers[key].pk)
        assert (row.email, row.email_hash, row.erased_at) == ("", "", NOW)
    for key in ("new_unsubscribed", "recently_asked", "active"):
        assert Subscription.objects.get(pk=subscribers[key].pk).email == subscribers[key].email
    # and the delivery log keeps no address
    failed.refresh_from_db()
    assert failed.last_error == f"(550, '{ERASED}: mailbox unavailable')"
    with connection.cursor() as cursor:
        cursor.execute("SELECT email, email_hash FROM reminders_subscription WHERE id = %s", [failed.subscription_id])
        assert cursor.fetchone() == ("", "")


@pytest.mark.django_db
def test_an_erased_subscriptions_links_no_longer_work_and_the_address_can_subscribe_anew(subscribers, client):
    old = subscribers["never_confirmed"]
    subscribers_erase(now=NOW, days=30)
    assert client.get(reverse("reminders:confirm", args=[old.confirm_token])).status_code == 404
    assert client.post(reverse("reminders:confirm", args=[old.confirm_token])).status_code == 404
    assert client.get(reverse("reminders:settings", args=[old.unsubscribe_token])).status_code == 404
    with pytest.raises(Subscription.DoesNotExist):
        services.subscription_confirm(token=old.confirm_token)

    result = services.subscription_subscribe(case=subscribers["case"], email="never@example.net")
    assert result.subscription.pk != old.pk
    assert result.subscription.email_hash == subscriber_email_hash("never@example.net")


@pytest.mark.django_db
def test_the_erase_command_uses_the_setting_or_days_and_refuses_negative_days(subscribers, settings):
    settings.SUBSCRIBER_RETENTION_DAYS = 100000
    out = io.StringIO()
    call_command("erase_subscribers", stdout=out)
    assert out.getvalue() == "Erased 0 subscriber address(es) older than 100000 day(s).\n"
    call_command("erase_subscribers", "--days", "0", stdout=out)
    # every unsubscribed or unconfirmed one, however recent; never the active one
    assert "Erased 4 subscriber address(es) older than 0 day(s)." in out.getvalue()
    assert Subscription.objects.get(pk=subscribers["active"].pk).email == "active@example.net"
    with pytest.raises(CommandError, match="--days cannot be negative"):
        call_command("erase_subscribers", "--days", "-1")


def test_the_beat_erases_every_six_hours(settings):
    assert settings.CELERY_BEAT_SCHEDULE["subscribers-erase"]["task"] == "reminders.subscribers_erase"
    assert settings.SUBSCRIBER_RETENTION_DAYS == 30


@pytest.mark.django_db
def test_a_subscriber_deletes_themselves_with_one_link(subscribers, client):
    subscription = subscribers["active"]
    HearingFactory(case=subscription.case)
    url = reverse("reminders:delete", args=[subscription.unsubscribe_token])

    # GET asks (mail scanners follow links) and changes nothing
    page = client.get(url)
    assert page.status_code == 200 and b'<form method="post">' in page.content
    assert Subscription.objects.filter(pk=subscription.pk).exists()

    # POST deletes the row, its address and its reminders
    done = client.post(url)
    assert done.status_code == 200
    assert not Subscription.objects.filter(pk=subscription.pk).exists()
    assert not Reminder.objects.filter(subscription_id=subscription.pk).exists()
    # and the link is dead afterwards
    assert client.post(url).status_code == 404
    assert client.get(reverse("reminders:delete", args=["no-such-token"])).status_code == 404


@pytest.mark.django_db
def test_every_reminder_carries_the_delete_link():
    subscription = SubscriptionFactory(case=CaseFactory(is_public=True))
    hearing = HearingFactory(case=subscription.case)
    reminder = Reminder.objects.create(
        subscription=subscription,
        hearing=hearing,
        hearing_starts_at=hearing.starts_at,
        offset_minutes=60,
        due_at=NOW,
    )
    body = reminder_message(reminder).body
    assert reverse("reminders:delete", args=[subscription.unsubscribe_token]) in body
    assert "Delete your address and this subscription" in body
