"""Subscribe (idempotent upsert, double opt-in), confirm and unsubscribe, as services."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from actions import hearings as hearing_actions
from reminders import services
from reminders.models import Notice, Reminder, Subscription
from tests.factories import CaseFactory, CourtFactory, MembershipFactory, SubscriptionFactory, UserFactory

MSK = ZoneInfo("Europe/Moscow")
NOW = dt.datetime(2019, 10, 1, 9, 0, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def subscribe(case, email="Ann@Example.net", **kwargs):
    return services.subscription_subscribe(case=case, email=email, **kwargs)


def test_subscribing_creates_a_pending_subscription_and_queues_one_confirmation(django_capture_on_commit_callbacks):
    case = CaseFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        result = subscribe(case, language="ru", time_zone="Asia/Yekaterinburg", offsets_minutes=[60, 1440, 60])
    subscription = Subscription.objects.get()
    assert (result.subscription, result.confirmation_queued, len(callbacks)) == (subscription, True, 1)
    assert (
        subscription.email,
        subscription.language,
        str(subscription.time_zone),
        subscription.offsets_minutes,
        subscription.confirmed_at,
        subscription.confirmation_sent_at,
    ) == ("ann@example.net", "ru", "Asia/Yekaterinburg", [1440, 60], None, NOW)


def test_subscribing_again_is_an_upsert_and_does_not_resend_within_ten_minutes(django_capture_on_commit_callbacks):
    case = CaseFactory()
    subscribe(case)
    with django_capture_on_commit_callbacks() as callbacks:
        result = subscribe(case, email=" ann@example.NET ", language="ru")
    assert (Subscription.objects.count(), result.confirmation_queued, len(callbacks)) == (1, False, 0)
    assert Subscription.objects.get().language == "ru"
    with time_machine.travel(NOW + dt.timedelta(minutes=11), tick=False), django_capture_on_commit_callbacks() as later:
        assert subscribe(case).confirmation_queued is True
    assert len(later) == 1


def test_subscribing_again_to_an_active_subscription_changes_nothing(django_capture_on_commit_callbacks):
    case = CaseFactory()
    existing = SubscriptionFactory(case=case, email="ann@example.net", language="en")
    with django_capture_on_commit_callbacks() as callbacks:
        result = subscribe(case, language="ru", time_zone="Asia/Tokyo")
    existing.refresh_from_db()
    assert (result.confirmation_queued, len(callbacks), existing.language, str(existing.time_zone)) == (
        False,
        0,
        "en",
        "Europe/Berlin",
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"language": "de"}, "language"),
        ({"offsets_minutes": []}, "offsets_minutes"),
        ({"offsets_minutes": [0]}, "offsets_minutes"),
        ({"offsets_minutes": [1, 2, 3, 4, 5, 6, 7]}, "offsets_minutes"),
    ],
)
def test_bad_input_is_refused_with_a_field_message_and_nothing_is_written(kwargs, field):
    case = CaseFactory()
    with pytest.raises(ValidationError) as error:
        subscribe(case, **kwargs)
    assert list(error.value.message_dict) == [field]
    assert Subscription.objects.count() == 0


def test_only_members_may_subscribe_to_a_private_case():
    case = CaseFactory(is_public=False)
    outsider = UserFactory()
    with pytest.raises(ValidationError) as error:
        subscribe(case, user=outsider)
    assert error.value.message_dict == {"case": ["Only members of the organization may follow this case."]}
    assert Subscription.objects.count() == 0
    member = MembershipFactory(organization=case.organization, role="viewer").user
    assert subscribe(case, user=member).subscription.user == member


def test_confirming_schedules_reminders_for_upcoming_hearings_once():
    case = CaseFactory()
    hearing = hearing_actions.hearing_schedule(
        case=case, court=CourtFactory(), starts_at=dt.datetime(2019, 10, 21, 10, 0, tzinfo=MSK)
    )
    subscription = subscribe(case).subscription
    assert Reminder.objects.count() == 0  # nothing before confirmation
    services.subscription_confirm(token=subscription.confirm_token)
    services.subscription_confirm(token=subscription.confirm_token)
    assert sorted(Reminder.objects.values_list("hearing", "offset_minutes")) == [
        (hearing.pk, 120),
        (hearing.pk, 1440),
        (hearing.pk, 10080),
    ]
    subscription.refresh_from_db()
    assert subscription.confirmed_at == NOW


def test_unsubscribing_cancels_everything_owed_and_the_old_confirm_link_dies():
    case = CaseFactory()
    subscription = SubscriptionFactory(case=case)
    hearing_actions.hearing_schedule(
        case=case, court=CourtFactory(), starts_at=dt.datetime(2019, 10, 21, 10, 0, tzinfo=MSK)
    )
    Notice.objects.create(subscription=subscription, kind="moved", hearing=case.hearings.get(), due_at=NOW)
    old_confirm = subscription.confirm_token
    services.subscription_unsubscribe(token=subscription.unsubscribe_token)
    services.subscription_unsubscribe(token=subscription.unsubscribe_token)  # idempotent
    assert set(Reminder.objects.values_list("state", flat=True)) == {"cancelled"}
    assert set(Notice.objects.values_list("state", flat=True)) == {"cancelled"}
    with pytest.raises(Subscription.DoesNotExist):
        services.subscription_confirm(token=old_confirm)


def test_the_confirmation_email_carries_the_confirm_link_in_the_subscribers_language(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_BASE_URL = "https://tracker.example.org"
    case = CaseFactory(title="Popova v. Moscow")
    subscription = subscribe(case, language="ru").subscription
    assert services.subscription_confirmation_send(subscription_id=subscription.pk) is True
    (message,) = mail.outbox
    assert message.to == ["ann@example.net"]
    assert message.subject == "Подтвердите подписку на заседания по делу «Popova v. Moscow»"
    assert f"https://tracker.example.org/reminders/confirm/{subscription.confirm_token}/" in message.body
    # one click in the mail client withdraws the pending subscription (tests/reminders/test_email_format.py)
    unsubscribe = f"https://tracker.example.org/reminders/unsubscribe/{subscription.unsubscribe_token}/"
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"


def reminder_rows():
    return sorted(Reminder.objects.values_list("offset_minutes", "state", "due_at"))


def test_changing_the_reminder_times_cancels_unwanted_ones_and_schedules_new_ones_still_ahead():
    # given a subscriber of a hearing 20 days ahead, reminded 7 days, 1 day and 2 hours before;
    # the 7-day reminder already went out
    hearing_at = dt.datetime(2019, 10, 21, 10, 0, tzinfo=MSK)
    case = CaseFactory()
    subscription = SubscriptionFactory(case=case, offsets_minutes=[10080, 1440, 120])
    hearing_actions.hearing_schedule(case=case, court=CourtFactory(), starts_at=hearing_at)
    Reminder.objects.filter(offset_minutes=10080).update(state="sent")
    # when they keep 1 day, drop 2 hours and 7 days, add 1 hour and 30 days (30 days is already past)
    changed = services.subscription_settings_change(
        token=subscription.unsubscribe_token, language="ru", time_zone="Asia/Yekaterinburg",
        offsets_minutes=[60, 1440, 43200],
    )  # fmt: skip
    assert (changed.language, str(changed.time_zone), changed.offsets_minutes) == (
        "ru",
        "Asia/Yekaterinburg",
        [43200, 1440, 60],
    )
    # then the sent one is history, 2 hours is cancelled, 1 hour is new, 30 days is not made
    assert reminder_rows() == [
        (60, "pending", hearing_at - dt.timedelta(hours=1)),
        (120, "cancelled", hearing_at - dt.timedelta(hours=2)),
        (1440, "pending", hearing_at - dt.timedelta(days=1)),
        (10080, "sent", hearing_at - dt.timedelta(days=7)),
    ]
    assert Reminder.objects.get(offset_minutes=120).last_error == (
        "The subscriber no longer wants a reminder at this time."
    )
    # and adding 2 hours back brings the cancelled reminder back
    services.subscription_settings_change(
        token=subscription.unsubscribe_token, language="ru", time_zone="Asia/Yekaterinburg", offsets_minutes=[120]
    )
    assert [(offset, state) for offset, state, _ in reminder_rows()] == [
        (60, "cancelled"),
        (120, "pending"),
        (1440, "cancelled"),
        (10080, "sent"),
    ]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"language": "de"}, "language"),
        ({"offsets_minutes": []}, "offsets_minutes"),
        ({"offsets_minutes": [0]}, "offsets_minutes"),
    ],
)
def test_bad_settings_are_refused_with_a_field_message_and_nothing_changes(kwargs, field):
    case = CaseFactory()
    subscription = SubscriptionFactory(case=case, offsets_minutes=[1440])
    hearing_actions.hearing_schedule(
        case=case, court=CourtFactory(), starts_at=dt.datetime(2019, 10, 21, 10, 0, tzinfo=MSK)
    )
    before = reminder_rows()
    values = {"language": "en", "time_zone": "UTC", "offsets_minutes": [60]} | kwargs
    with pytest.raises(ValidationError) as error:
        services.subscription_settings_change(token=subscription.unsubscribe_token, **values)
    assert list(error.value.message_dict) == [field]
    assert reminder_rows() == before
    subscription.refresh_from_db()
    assert (subscription.language, str(subscription.time_zone), subscription.offsets_minutes) == (
        "en",
        "Europe/Berlin",
        [1440],
    )


def test_a_cancelled_subscription_cannot_be_changed_and_an_unknown_token_is_not_found():
    subscription = SubscriptionFactory(unsubscribed_at=NOW)
    with pytest.raises(ValidationError):
        services.subscription_settings_change(
            token=subscription.unsubscribe_token, language="ru", time_zone="UTC", offsets_minutes=[60]
        )
    subscription.refresh_from_db()
    assert (subscription.language, subscription.offsets_minutes) == ("en", [10080, 1440, 120])
    with pytest.raises(Subscription.DoesNotExist):
        services.subscription_settings_change(token="unknown", language="ru", time_zone="UTC", offsets_minutes=[60])
