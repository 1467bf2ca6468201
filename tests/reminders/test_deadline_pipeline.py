"""Lawyers' deadline reminders end to end with the real parts: a Celery worker process on Redis
and the PostgreSQL test database, the beat's task run through the broker, and mail delivered to
an aiosmtpd server on loopback, read back as it arrived."""

import datetime as dt

import icalendar
import pytest
from django.utils import formats, timezone, translation

from actions import deadlines as deadline_actions
from actions import rulings as ruling_actions
from deadlines.models import Deadline
from reminders import services
from reminders.models import DeadlineReminder, MemberReminderSettings
from reminders.tasks import reminders_dispatch_due_task
from tests.factories import CaseFactory, CourtFactory, MembershipFactory, UserFactory
from tests.reminders.pipeline import celery_worker, smtp_server, wait_until, worker_env
from tracker.celery import app

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pipeline(tmp_path):
    app.control.purge()  # nothing left over from an earlier run on this Redis DB
    with smtp_server() as (mailbox, port):
        env = worker_env(smtp_port=port, var_dir=tmp_path / "var")
        with celery_worker(env, tmp_path / "worker.log"):
            yield mailbox


def tick():
    reminders_dispatch_due_task.delay()


def body(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def test_lawyers_get_the_deadline_reminder_in_their_language_once_after_a_refusal(pipeline):
    mailbox = pipeline
    # given a case whose organization has a lawyer (who reads Russian), an owner and a viewer
    case = CaseFactory(title_en="Popova v. Moscow", title_ru="Попова против ГУ МВД", slug="popova-v-moscow")
    lawyer = MembershipFactory(organization=case.organization, role="lawyer", user=UserFactory(username="anna")).user
    MembershipFactory(organization=case.organization, role="owner", user=UserFactory(username="olga"))
    MembershipFactory(organization=case.organization, role="viewer", user=UserFactory(username="victor"))
    MemberReminderSettings.objects.create(user=lawyer, language="ru")
    # when a ruling is recorded today: its appeal deadline and its reminders are written together
    court = CourtFactory(name_en="Savyolovsky District Court", name_ru="Савёловский районный суд")
    today = timezone.now().astimezone(court.time_zone).date()
    ruling = ruling_actions.ruling_record(
        case=case, court=court, decided_on=today, final_form_on=today, outcome="dismissed"
    )
    deadline = Deadline.objects.get(ruling=ruling, step="appeal")
    assert sorted(DeadlineReminder.objects.values_list("user__username", "offset_days", "state")) == [
        ("anna", 0, "pending"),
        ("anna", 2, "pending"),
        ("anna", 7, "pending"),
        ("olga", 0, "pending"),
        ("olga", 2, "pending"),
        ("olga", 7, "pending"),
    ]
    # and when the 7-day reminders fall due (their 09:00 is weeks away: bring it to now) while the
    # SMTP server refuses the first message with a temporary error
    DeadlineReminder.objects.filter(offset_days=7).update(due_at=timezone.now())
    mailbox.refuse_next = 1
    # then both arrive through the beat tick and the worker, the refused one retried
    wait_until(lambda: len(mailbox.snapshot()) == 2, timeout=60, what="two deadline reminders", every=1, between=tick)
    wait_until(
        lambda: set(DeadlineReminder.objects.filter(offset_days=7).values_list("state", flat=True)) == {"sent"},
        timeout=20,
        what="rows marked sent",
    )
    assert mailbox.refused == 1
    by_to = {str(m["To"]): m for m in mailbox.snapshot()}
    ru, en = by_to["anna@example.org"], by_to["olga@example.org"]
    due = deadline.due_on
    with translation.override("ru"):
        due_ru = formats.date_format(due, "j E Y")  # e.g. "28 декабря 2026"
    assert str(en["Subject"]).strip() == (
        f"Deadline in 7 days: {deadline.rule_title} in Popova v. Moscow, due {due.day} {due:%B %Y}"
    )
    assert str(ru["Subject"]).strip() == (
        "Срок истекает через 7 дней: Апелляционная жалоба на решение суда первой инстанции по гражданскому делу "
        f"(ГПК РФ) по делу «Попова против ГУ МВД» ({due_ru})"
    )
    assert body(ru).splitlines()[0] == "Процессуальный срок истекает через 7 дней."
    assert body(en).splitlines()[0] == "A procedural deadline is due in 7 days."
    assert "Case page: https://tracker.example.org/cases/popova-v-moscow/#deadlines" in body(en).splitlines()
    rows = {r.user.username: r for r in DeadlineReminder.objects.filter(offset_days=7).select_related("user")}
    assert sorted(r.attempts for r in rows.values()) == [1, 2]
    assert en["Message-ID"].strip() == f"<deadline-reminder-{rows['olga'].pk}.1@tracker.example.org>"
    assert ru["Message-ID"].strip() == f"<deadline-reminder-{rows['anna'].pk}.1@tracker.example.org>"
    (attachment,) = en.iter_attachments()
    assert attachment.get_filename() == "deadline.ics"
    (event,) = icalendar.Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (due, due + dt.timedelta(days=1))
    assert str(event["UID"]) == f"deadline-{deadline.pk}@tracker.example.org"
    # when the deadline is closed, its pending reminders are dropped: nothing more is claimed or sent
    deadline_actions.deadline_close(deadline=deadline, reason="The client decided not to appeal")
    DeadlineReminder.objects.filter(state="cancelled").update(due_at=timezone.now())
    assert services.deliveries_claim_due().deadline_reminder_ids == []
    assert sorted(DeadlineReminder.objects.values_list("offset_days", "state")) == [
        (0, "cancelled"),
        (0, "cancelled"),
        (2, "cancelled"),
        (2, "cancelled"),
        (7, "sent"),
        (7, "sent"),
    ]
    tick()
    assert len(mailbox.snapshot()) == 2


def test_a_reminder_claimed_twice_is_sent_once(pipeline):
    """The send task is idempotent: a second copy of its broker message (a redelivery after a
    lost ack) finds the row no longer `sending` and sends nothing."""
    mailbox = pipeline
    case = CaseFactory(title="Glukhin v. Russia")
    MembershipFactory(organization=case.organization, role="lawyer", user=UserFactory(username="anna"))
    court = CourtFactory()
    today = timezone.now().astimezone(court.time_zone).date()
    ruling_actions.ruling_record(case=case, court=court, decided_on=today, final_form_on=today, outcome="dismissed")
    row = DeadlineReminder.objects.get(offset_days=7)
    DeadlineReminder.objects.filter(pk=row.pk).update(due_at=timezone.now())
    (claimed,) = services.deliveries_claim_due().deadline_reminder_ids
    assert claimed == row.pk
    from reminders.tasks import deadline_reminder_send_task

    deadline_reminder_send_task.delay([row.pk])  # a duplicate of the message the claim queued
    wait_until(lambda: DeadlineReminder.objects.get(pk=row.pk).state == "sent", timeout=30, what="the row sent")
    tick()
    wait_until(lambda: len(mailbox.snapshot()) >= 1, timeout=10, what="the message")
    assert [m["Message-ID"].strip() for m in mailbox.snapshot()] == [
        f"<deadline-reminder-{row.pk}.1@tracker.example.org>"
    ]
