"""Reminder rows and notices written by the hearing services, in the hearing's transaction."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from actions import hearings as hearing_actions
from actions import rulings as ruling_actions
from cases.models import Hearing
from reminders.models import Notice, Reminder, Subscription, subscriber_email_hash
from tests.factories import CaseFactory, CourtFactory, MembershipFactory, SubscriptionFactory, UserFactory

MSK = ZoneInfo("Europe/Moscow")
UTC = dt.UTC
HEARING_AT = dt.datetime(2019, 10, 21, 10, 0, tzinfo=MSK)
NOW = dt.datetime(2019, 10, 1, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def schedule(case, starts_at=HEARING_AT, **fields):
    return hearing_actions.hearing_schedule(case=case, court=CourtFactory(), starts_at=starts_at, **fields)


def due_times(hearing):
    return sorted(
        (r.subscription.email, r.offset_minutes, r.due_at, r.state) for r in Reminder.objects.filter(hearing=hearing)
    )


def test_scheduling_a_hearing_creates_one_reminder_per_offset_for_active_subscribers_only(now):
    # given a case with a confirmed, a pending and an unsubscribed subscription
    case = CaseFactory()
    SubscriptionFactory(case=case, email="a@example.net")
    SubscriptionFactory(case=case, email="pending@example.net", confirmed_at=None)
    SubscriptionFactory(case=case, email="gone@example.net", unsubscribed_at=NOW)
    # when a hearing is scheduled
    hearing = schedule(case)
    # then only the confirmed one gets reminders: 7 days, 1 day and 2 hours before
    assert due_times(hearing) == [
        ("a@example.net", 120, HEARING_AT - dt.timedelta(hours=2), "pending"),
        ("a@example.net", 1440, HEARING_AT - dt.timedelta(days=1), "pending"),
        ("a@example.net", 10080, HEARING_AT - dt.timedelta(days=7), "pending"),
    ]
    assert Notice.objects.count() == 0


def test_a_hearing_scheduled_close_to_its_date_gets_only_the_offsets_still_ahead():
    # given it is the evening before the hearing
    case = CaseFactory()
    SubscriptionFactory(case=case, email="a@example.net")
    with time_machine.travel(dt.datetime(2019, 10, 20, 18, 0, tzinfo=MSK), tick=False):
        # when the hearing is logged
        hearing = schedule(case)
    # then no burst of stale 7-day and 1-day reminders: only the 2-hour one
    assert due_times(hearing) == [("a@example.net", 120, HEARING_AT - dt.timedelta(hours=2), "pending")]


def test_reschedule_moves_pending_reminders_and_queues_one_moved_notice(now):
    case = CaseFactory()
    SubscriptionFactory(case=case, email="a@example.net")
    hearing = schedule(case)
    new_time = dt.datetime(2019, 10, 28, 14, 30, tzinfo=MSK)
    # when the court moves the hearing, then moves it again before the notice went out
    hearing = hearing_actions.hearing_reschedule(hearing=hearing, starts_at=dt.datetime(2019, 10, 25, 9, 0, tzinfo=MSK))
    hearing_actions.hearing_reschedule(hearing=hearing, starts_at=new_time)
    # then the reminders follow the last time
    assert due_times(hearing) == [
        ("a@example.net", 120, new_time - dt.timedelta(hours=2), "pending"),
        ("a@example.net", 1440, new_time - dt.timedelta(days=1), "pending"),
        ("a@example.net", 10080, new_time - dt.timedelta(days=7), "pending"),
    ]
    # and one notice says from the original time to the last one
    notice = Notice.objects.get()
    assert (notice.kind, notice.previous_starts_at, notice.new_starts_at, notice.state, notice.due_at) == (
        "moved",
        HEARING_AT,
        new_time,
        "pending",
        NOW,
    )


def test_reschedule_closer_skips_the_offsets_that_have_passed(now):
    case = CaseFactory()
    SubscriptionFactory(case=case, email="a@example.net")
    hearing = schedule(case)
    # when the hearing is brought forward to tomorrow morning
    soon = dt.datetime(2019, 10, 2, 11, 0, tzinfo=MSK)
    hearing_actions.hearing_reschedule(hearing=hearing, starts_at=soon)
    # then only the 2-hour reminder remains; the others are skipped, not sent in a burst
    assert due_times(hearing) == [
        ("a@example.net", 120, soon - dt.timedelta(hours=2), "pending"),
        ("a@example.net", 1440, HEARING_AT - dt.timedelta(days=1), "skipped"),
        ("a@example.net", 10080, HEARING_AT - dt.timedelta(days=7), "skipped"),
    ]


def test_a_reminder_already_sent_for_the_old_time_is_sent_again_as_a_new_message(now):
    case = CaseFactory()
    SubscriptionFactory(case=case, email="a@example.net")
    hearing = schedule(case)
    Reminder.objects.filter(offset_minutes=10080).update(state="sent", sent_at=NOW)
    # when the hearing moves a month later
    later = dt.datetime(2019, 11, 21, 10, 0, tzinfo=MSK)
    hearing_actions.hearing_reschedule(hearing=hearing, starts_at=later)
    # then the 7-day reminder is due again, as generation 2 (a new Message-ID)
    reminder = Reminder.objects.get(offset_minutes=10080)
    assert (reminder.state, reminder.due_at, reminder.generation, reminder.sent_at) == (
        "pending",
        later - dt.timedelta(days=7),
        2,
        None,
    )


def test_cancel_drops_pending_reminders_and_queues_one_cancelled_notice(now):
    case = CaseFactory()
    SubscriptionFactory(case=case, email="a@example.net")
    SubscriptionFactory(case=case, email="b@example.net")
    hearing = schedule(case)
    Reminder.objects.filter(
        subscription__email_hash=subscriber_email_hash("b@example.net"), offset_minutes=10080
    ).update(state="sent")
    # when the hearing is cancelled
    hearing_actions.hearing_cancel(hearing=hearing, reason="The judge is ill.")
    # then every pending reminder is cancelled, the sent one stays sent
    assert sorted(Reminder.objects.values_list("subscription__email", "offset_minutes", "state")) == [
        ("a@example.net", 120, "cancelled"),
        ("a@example.net", 1440, "cancelled"),
        ("a@example.net", 10080, "cancelled"),
        ("b@example.net", 120, "cancelled"),
        ("b@example.net", 1440, "cancelled"),
        ("b@example.net", 10080, "sent"),
    ]
    # and each subscriber gets one cancellation notice
    assert sorted(Notice.objects.values_list("subscription__email", "kind", "state")) == [
        ("a@example.net", "cancelled", "pending"),
        ("b@example.net", "cancelled", "pending"),
    ]


def test_a_move_then_a_cancellation_before_sending_leaves_only_the_cancellation(now):
    case = CaseFactory()
    SubscriptionFactory(case=case, email="a@example.net")
    hearing = schedule(case)
    hearing = hearing_actions.hearing_reschedule(hearing=hearing, starts_at=HEARING_AT + dt.timedelta(days=1))
    hearing_actions.hearing_cancel(hearing=hearing)
    assert list(Notice.objects.values_list("kind", "state", "previous_starts_at")) == [
        ("cancelled", "pending", HEARING_AT)
    ]


def test_postponing_drops_reminders_and_rescheduling_brings_them_back(now):
    case = CaseFactory()
    SubscriptionFactory(case=case, email="a@example.net")
    hearing = schedule(case)
    hearing = hearing_actions.hearing_postpone(hearing=hearing, reason="Defendant absent")
    assert set(Reminder.objects.values_list("state", flat=True)) == {"cancelled"}
    new_time = dt.datetime(2019, 11, 11, 11, 0, tzinfo=MSK)
    hearing_actions.hearing_reschedule(hearing=hearing, starts_at=new_time)
    assert [r[2:] for r in due_times(hearing)] == [
        (new_time - dt.timedelta(hours=2), "pending"),
        (new_time - dt.timedelta(days=1), "pending"),
        (new_time - dt.timedelta(days=7), "pending"),
    ]
    assert list(Notice.objects.values_list("kind", "previous_starts_at", "new_starts_at")) == [
        ("moved", HEARING_AT, new_time)
    ]


def test_a_change_that_is_not_a_move_sends_nothing(now):
    case = CaseFactory()
    SubscriptionFactory(case=case)
    hearing = schedule(case)
    before = due_times(hearing)
    hearing_actions.hearing_update(hearing=hearing, courtroom="412")
    assert (due_times(hearing), Notice.objects.count()) == (before, 0)


def test_recording_a_ruling_queues_one_notice_per_active_subscriber(now):
    case = CaseFactory(filed_on=dt.date(2019, 9, 2))
    SubscriptionFactory(case=case, email="a@example.net")
    SubscriptionFactory(case=case, email="pending@example.net", confirmed_at=None)
    ruling = ruling_actions.ruling_record(
        case=case, court=CourtFactory(), decided_on=dt.date(2019, 9, 30), outcome="dismissed"
    )
    assert list(Notice.objects.values_list("subscription__email", "kind", "ruling", "state")) == [
        ("a@example.net", "ruling", ruling.pk, "pending")
    ]


def test_private_case_reminders_go_only_to_members(now):
    case = CaseFactory(is_public=False)
    member = MembershipFactory(organization=case.organization, role="viewer").user
    SubscriptionFactory(case=case, email="member@example.org", user=member)
    SubscriptionFactory(case=case, email="former@example.org", user=UserFactory())
    hearing = schedule(case)
    assert {r[0] for r in due_times(hearing)} == {"member@example.org"}


def test_a_hearing_change_that_fails_validation_writes_no_reminders(now):
    case = CaseFactory()
    SubscriptionFactory(case=case)
    hearing = schedule(case)
    before = due_times(hearing)
    with pytest.raises(ValidationError):
        hearing_actions.hearing_reschedule(hearing=hearing, starts_at=dt.datetime(2019, 11, 1, 10, 0))  # naive
    assert (due_times(hearing), Notice.objects.count()) == (before, 0)
    assert Hearing.objects.get(pk=hearing.pk).starts_at == HEARING_AT
    assert Subscription.objects.count() == 1
