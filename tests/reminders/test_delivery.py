"""Claiming and sending single rows (unit level: locmem mail or a failing connection; the real
worker and SMTP server are in test_pipeline.py)."""

import datetime as dt
import email
import email.policy
import smtplib
import threading
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.core import mail
from django.db import connection, transaction

from actions import hearings as hearing_actions
from reminders import selectors
from reminders.emails import reminder_message
from reminders.models import Notice, Reminder
from reminders.services import delivery
from tests.factories import CaseFactory, CourtFactory, PartyFactory, SubscriptionFactory

MSK = ZoneInfo("Europe/Moscow")
HEARING_AT = dt.datetime(2019, 10, 21, 10, 0, tzinfo=MSK)
SEVEN_DAYS_BEFORE = HEARING_AT - dt.timedelta(days=7)


@pytest.fixture
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_BASE_URL = "https://tracker.example.org"
    return settings


def hearing_with_subscriber(**subscription):
    # the case in both languages; the court's address in English only (a fallback, marked)
    case = CaseFactory(title_en="Popova v. Moscow", title_ru="Попова против ГУ МВД", slug="popova-v-moscow")
    PartyFactory(case=case, name_en="Alena Popova", name_ru="Алёна Попова")
    PartyFactory(case=case, role="defendant", name_en="Moscow Police", name_ru="ГУ МВД по г. Москве")
    SubscriptionFactory(case=case, email="ann@example.net", **subscription)
    court = CourtFactory(
        name_en="Savyolovsky District Court",
        name_ru="Савёловский районный суд",
        address_en="Moscow, Ulitsa Butyrskaya 7",
    )
    with time_machine.travel(dt.datetime(2019, 10, 1, tzinfo=dt.UTC), tick=False):
        return hearing_actions.hearing_schedule(case=case, court=court, starts_at=HEARING_AT, courtroom="412")


@pytest.mark.django_db
def test_claim_takes_due_rows_and_expired_leases_only(django_capture_on_commit_callbacks, settings):
    settings.REMINDERS_SEND_LEASE_SECONDS = 600
    hearing = hearing_with_subscriber()
    now = SEVEN_DAYS_BEFORE + dt.timedelta(minutes=1)
    # given: the 7-day reminder is due, the 1-day one is not; a notice is stuck in `sending` for
    # 11 minutes (its worker died) and another was claimed a minute ago
    stuck = Notice.objects.create(
        subscription=hearing.case.subscriptions.get(),
        hearing=hearing,
        kind="moved",
        due_at=now,
        state="sending",
        claimed_at=now - dt.timedelta(minutes=11),
    )
    Notice.objects.create(
        subscription=stuck.subscription,
        hearing=hearing,
        kind="moved",
        due_at=now,
        state="sending",
        claimed_at=now - dt.timedelta(minutes=1),
    )
    with django_capture_on_commit_callbacks() as callbacks:
        claimed = delivery.deliveries_claim_due(now=now)
    seven_days = Reminder.objects.get(offset_minutes=10080)
    assert (claimed.reminder_ids, claimed.notice_ids, len(callbacks)) == ([seven_days.pk], [stuck.pk], 1)
    assert sorted(Reminder.objects.values_list("offset_minutes", "state", "claimed_at")) == [
        (120, "pending", None),
        (1440, "pending", None),
        (10080, "sending", now),
    ]
    # and a second tick finds nothing more
    assert len(delivery.deliveries_claim_due(now=now)) == 0


@pytest.mark.django_db
def test_an_idle_tick_is_one_statement_without_a_transaction_or_locks(django_assert_num_queries, settings):
    settings.REMINDERS_SEND_LEASE_SECONDS = 600
    hearing = hearing_with_subscriber()
    now = SEVEN_DAYS_BEFORE - dt.timedelta(minutes=1)
    # given reminders not yet due, one sent, and a notice whose lease is still live
    Reminder.objects.filter(offset_minutes=120).update(state="sent", due_at=now - dt.timedelta(days=1))
    Notice.objects.create(
        subscription=hearing.case.subscriptions.get(), hearing=hearing, kind="moved", due_at=now, state="sending",
        claimed_at=now - dt.timedelta(minutes=9),
    )  # fmt: skip
    before = sorted(Reminder.objects.values_list("pk", "state", "claimed_at", "updated_at"))
    with django_assert_num_queries(1) as queries:
        claimed = delivery.deliveries_claim_due(now=now)
    assert len(claimed) == 0
    assert queries.captured_queries[0]["sql"].startswith("SELECT EXISTS")
    assert sorted(Reminder.objects.values_list("pk", "state", "claimed_at", "updated_at")) == before


@pytest.mark.parametrize(
    ("model", "state", "due_in", "claimed_ago", "claimable"),
    [
        (Reminder, "pending", dt.timedelta(0), None, True),
        (Reminder, "pending", dt.timedelta(seconds=1), None, False),
        (Reminder, "sending", -dt.timedelta(hours=1), dt.timedelta(seconds=601), True),
        (Reminder, "sending", -dt.timedelta(hours=1), dt.timedelta(seconds=599), False),
        (Reminder, "sent", -dt.timedelta(hours=1), None, False),
        (Notice, "pending", dt.timedelta(0), None, True),
        (Notice, "pending", dt.timedelta(seconds=1), None, False),
        (Notice, "sending", -dt.timedelta(hours=1), dt.timedelta(seconds=601), True),
        (Notice, "sending", -dt.timedelta(hours=1), dt.timedelta(seconds=599), False),
    ],
)
@pytest.mark.django_db
def test_the_tick_claims_only_when_the_pre_check_finds_a_due_row_or_an_expired_lease(
    model, state, due_in, claimed_ago, claimable, settings
):
    settings.REMINDERS_SEND_LEASE_SECONDS = 600
    hearing = hearing_with_subscriber(offsets_minutes=[60])
    Reminder.objects.all().delete()
    now = SEVEN_DAYS_BEFORE
    fields = {"state": state, "due_at": now + due_in, "claimed_at": claimed_ago and now - claimed_ago}
    if model is Reminder:
        row = Reminder.objects.create(
            subscription=hearing.case.subscriptions.get(), hearing=hearing, offset_minutes=60,
            hearing_starts_at=hearing.starts_at, **fields,
        )  # fmt: skip
    else:
        row = Notice.objects.create(
            subscription=hearing.case.subscriptions.get(), hearing=hearing, kind="moved", **fields
        )
    lease_over = now - dt.timedelta(seconds=600)
    assert selectors.deliveries_claimable_exist(models=delivery.CLAIMABLE, now=now, lease_over=lease_over) is claimable
    claimed = delivery.deliveries_claim_due(now=now)
    assert (claimed.reminder_ids + claimed.notice_ids) == ([row.pk] if claimable else [])


@pytest.mark.django_db(transaction=True)
def test_claim_skips_a_row_locked_by_a_send_in_progress():
    hearing = hearing_with_subscriber()
    now = SEVEN_DAYS_BEFORE + dt.timedelta(minutes=1)
    seven_days = Reminder.objects.get(offset_minutes=10080)
    Reminder.objects.filter(pk=seven_days.pk).update(state="sending", claimed_at=now - dt.timedelta(hours=1))
    Reminder.objects.filter(offset_minutes=1440).update(due_at=now)
    locked, release = threading.Event(), threading.Event()

    def hold_lock():  # another worker, in its own connection, in the middle of sending
        with transaction.atomic():
            list(Reminder.objects.select_for_update().filter(pk=seven_days.pk))
            locked.set()
            release.wait(10)
        connection.close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    assert locked.wait(10)
    try:
        claimed = delivery.deliveries_claim_due(now=now)
    finally:
        release.set()
        holder.join()
    one_day = Reminder.objects.get(offset_minutes=1440)
    assert claimed.reminder_ids == [one_day.pk]
    assert hearing.pk == one_day.hearing_id


@pytest.mark.django_db
def test_send_delivers_once_and_a_second_run_does_nothing(locmem):
    hearing_with_subscriber()
    reminder = Reminder.objects.get(offset_minutes=10080)
    Reminder.objects.filter(pk=reminder.pk).update(state="sending")
    now = SEVEN_DAYS_BEFORE
    delivery.reminder_deliver(reminder_id=reminder.pk, now=now)
    delivery.reminder_deliver(reminder_id=reminder.pk, now=now)
    reminder.refresh_from_db()
    assert (len(mail.outbox), reminder.state, reminder.attempts, reminder.last_error) == (1, "sent", 1, "")
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<reminder-{reminder.pk}.1@tracker.example.org>"


@pytest.mark.django_db
def test_a_reminder_whose_hearing_has_started_is_skipped_not_sent(locmem):
    hearing_with_subscriber()
    reminder = Reminder.objects.get(offset_minutes=120)
    Reminder.objects.filter(pk=reminder.pk).update(state="sending")
    delivery.reminder_deliver(reminder_id=reminder.pk, now=HEARING_AT + dt.timedelta(minutes=5))
    reminder.refresh_from_db()
    assert (len(mail.outbox), reminder.state, reminder.last_error) == (
        0,
        "skipped",
        "The hearing had already started when the reminder could be sent.",
    )


class RefusingConnection:
    def __init__(self, exc):
        self.exc = exc

    def __enter__(self):
        return self

    def __exit__(self, *args):
        return False

    def send_messages(self, messages):
        raise self.exc


@pytest.mark.django_db
def test_a_transient_smtp_error_is_retried_with_backoff_then_fails_with_the_reason(monkeypatch, settings):
    settings.REMINDERS_MAX_ATTEMPTS = 3
    settings.REMINDERS_RETRY_BACKOFF_SECONDS = 60
    monkeypatch.setattr(
        delivery,
        "get_connection",
        lambda **kw: RefusingConnection(smtplib.SMTPDataError(451, b"4.3.0 Mailbox busy, try later")),
    )
    hearing_with_subscriber()
    reminder = Reminder.objects.get(offset_minutes=10080)
    now = SEVEN_DAYS_BEFORE
    seen = []
    for _ in range(3):
        Reminder.objects.filter(pk=reminder.pk).update(state="sending")
        delivery.reminder_deliver(reminder_id=reminder.pk, now=now)
        reminder.refresh_from_db()
        seen.append((reminder.state, reminder.attempts, reminder.due_at - now))
    assert seen == [
        ("pending", 1, dt.timedelta(seconds=60)),
        ("pending", 2, dt.timedelta(seconds=120)),
        ("failed", 3, dt.timedelta(seconds=120)),
    ]
    assert reminder.last_error == "SMTPDataError: (451, b'4.3.0 Mailbox busy, try later')"


@pytest.mark.django_db
def test_a_permanent_refusal_fails_at_once(monkeypatch):
    refused = smtplib.SMTPRecipientsRefused({"ann@example.net": (550, b"5.1.1 No such user")})
    monkeypatch.setattr(delivery, "get_connection", lambda **kw: RefusingConnection(refused))
    hearing_with_subscriber()
    reminder = Reminder.objects.get(offset_minutes=10080)
    Reminder.objects.filter(pk=reminder.pk).update(state="sending")
    delivery.reminder_deliver(reminder_id=reminder.pk, now=SEVEN_DAYS_BEFORE)
    reminder.refresh_from_db()
    assert (reminder.state, reminder.attempts) == ("failed", 1)


@pytest.mark.django_db
def test_the_reminder_is_in_russian_with_both_time_zones_the_court_and_an_ics(locmem):
    hearing = hearing_with_subscriber(language="ru", time_zone=ZoneInfo("Asia/Yekaterinburg"))
    reminder = Reminder.objects.get(offset_minutes=1440)
    message = email.message_from_bytes(reminder_message(reminder).message().as_bytes(), policy=email.policy.default)
    token = reminder.subscription.unsubscribe_token
    # (Django folds long headers right after the name; the parser keeps that one space)
    assert message["Subject"].strip() == (
        "Напоминание: заседание по существу по делу «Попова против ГУ МВД», Понедельник, 21 октября 2019, 12:00"
    )
    assert message["List-Unsubscribe"].strip() == f"<https://tracker.example.org/reminders/unsubscribe/{token}/>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"].strip() == f"<reminder-{reminder.pk}.1@tracker.example.org>"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert body.splitlines()[:11] == [
        "До заседания, за которым вы следите, осталось 1 день.",
        "",
        "Дело: Попова против ГУ МВД",
        "Стороны: Алёна Попова (истец / заявитель); ГУ МВД по г. Москве (ответчик)",
        "Что: заседание по существу",
        "Когда (ваш часовой пояс): Понедельник, 21 октября 2019, 12:00 (Asia/Yekaterinburg)",
        "Когда (часовой пояс суда): Понедельник, 21 октября 2019, 10:00 (Europe/Moscow)",
        "Суд: Савёловский районный суд",
        "Адрес: Moscow, Ulitsa Butyrskaya 7 (на английском)",
        "Зал: 412",
        "Страница дела: https://tracker.example.org/public/popova-v-moscow/",
    ]
    assert f"Отписаться (одним нажатием): https://tracker.example.org/reminders/unsubscribe/{token}/" in body
    assert (
        f"Изменить язык, часовой пояс или время напоминаний: https://tracker.example.org/reminders/settings/{token}/"
        in body
    )
    (attachment,) = message.iter_attachments()
    assert attachment.get_filename() == "hearing.ics"
    event = icalendar.Calendar.from_ical(attachment.get_content()).walk("VEVENT")[0]
    assert (str(event["UID"]), event.decoded("DTSTART"), str(event["STATUS"])) == (
        f"hearing-{hearing.pk}@tracker.example.org",
        HEARING_AT,
        "CONFIRMED",
    )
    # and the calendar entry is in Russian too, the English-only address marked as such
    assert str(event["SUMMARY"]) == "Заседание (По существу): Попова против ГУ МВД"
    assert event["SUMMARY"].params["LANGUAGE"] == "ru"
    assert str(event["LOCATION"]) == "Савёловский районный суд, Moscow, Ulitsa Butyrskaya 7 (на английском), зал 412"


@pytest.mark.django_db
def test_the_english_reminder_reads_in_english(locmem):
    hearing_with_subscriber(language="en", time_zone=ZoneInfo("America/New_York"))
    reminder = Reminder.objects.get(offset_minutes=120)
    message = reminder_message(reminder)
    assert message.subject == "Reminder: hearing on the merits in Popova v. Moscow, Monday, 21 October 2019, 03:00"
    assert message.body.splitlines()[0] == "A hearing you follow is in 2 hours."
    assert "When (court's time zone): Monday, 21 October 2019, 10:00 (Europe/Moscow)" in message.body


@pytest.mark.django_db
def test_a_moved_hearing_notice_names_the_case_court_and_parties_in_the_subscribers_language(locmem):
    from reminders.emails import notice_message

    hearing = hearing_with_subscriber(language="ru", time_zone=ZoneInfo("Europe/Moscow"))
    with time_machine.travel(dt.datetime(2019, 10, 1, tzinfo=dt.UTC), tick=False):
        hearing_actions.hearing_reschedule(hearing=hearing, starts_at=HEARING_AT + dt.timedelta(days=7))
    notice = Notice.objects.get(kind="moved")
    message = notice_message(notice)
    assert message.subject == "Заседание перенесено: «Попова против ГУ МВД»"
    lines = message.body.splitlines()
    assert "Дело: Попова против ГУ МВД" in lines
    assert "Стороны: Алёна Попова (истец / заявитель); ГУ МВД по г. Москве (ответчик)" in lines
    assert "Суд: Савёловский районный суд" in lines
    # and in English for an English subscriber of the same case
    notice.subscription.language = "en"
    english = notice_message(notice)
    assert english.subject == "Hearing moved: Popova v. Moscow"
    assert "Parties: Alena Popova (plaintiff / applicant); Moscow Police (defendant / respondent)" in english.body
    assert "Court: Savyolovsky District Court" in english.body.splitlines()
