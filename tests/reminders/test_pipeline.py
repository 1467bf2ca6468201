"""The reminder pipeline end to end with the real parts: a Celery worker process on Redis and
the PostgreSQL test database, the beat's task run through the broker, and mail delivered to an
aiosmtpd server on loopback, read back as it arrived."""

import datetime as dt
import re
import signal
import subprocess
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from actions import hearings as hearing_actions
from cases import services as case_services
from reminders.models import Notice, Reminder, Subscription
from reminders.tasks import reminders_dispatch_due_task
from tests.factories import CaseFactory, CourtFactory, SubscriptionFactory
from tests.processes import free_port, manage, stop_group
from tests.reminders.pipeline import SITE, celery_worker, smtp_server, wait_until, worker_env
from tracker.celery import app

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

MSK = ZoneInfo("Europe/Moscow")


@pytest.fixture
def pipeline(tmp_path):
    """A mailbox and a running worker; `tick()` runs the beat's task through the broker."""
    app.control.purge()  # nothing left over from an earlier run on this Redis DB
    with smtp_server() as (mailbox, port):
        env = worker_env(smtp_port=port, var_dir=tmp_path / "var")
        with celery_worker(env, tmp_path / "worker.log") as worker:
            yield mailbox, worker, env, tmp_path / "worker.log"


def tick():
    reminders_dispatch_due_task.delay()


def hearing_in(case, *, minutes, seconds, court=None, **fields):
    starts_at = timezone.now() + dt.timedelta(minutes=minutes, seconds=seconds)
    return hearing_actions.hearing_schedule(case=case, court=court or CourtFactory(), starts_at=starts_at, **fields)


def body(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def states(model=Reminder):
    return sorted(model.objects.values_list("state", flat=True))


def test_confirm_then_receive_a_reminder_in_the_subscribers_language_and_zone(pipeline):
    mailbox, _, _, _ = pipeline
    # given a case, its court and its plaintiff in English and Russian
    case = CaseFactory(
        title_en="Popova v. Moscow", title_ru="Попова против ГУ МВД по г. Москве", slug="popova-v-moscow"
    )
    case_services.party_add(
        case=case, role="plaintiff", name_en="Alena Popova", name_ru="Алёна Попова", consent_to_publish=True
    )
    court = CourtFactory(
        name_en="Savyolovsky District Court of Moscow",
        name_ru="Савёловский районный суд г. Москвы",
        address_ru="Москва, ул. Бутырская, 7",
    )
    hearing = hearing_in(case, minutes=10, seconds=25, courtroom="412", court=court)
    client = Client()
    # when someone subscribes through the API
    response = client.post(
        "/api/v1/subscriptions/",
        {"case": "popova-v-moscow", "email": "ann@example.net", "language": "ru",
         "time_zone": "Asia/Yekaterinburg", "offsets_minutes": [10]},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 202
    # then only a confirmation arrives, with the link
    (confirmation,) = wait_until(mailbox.snapshot, timeout=30, what="the confirmation email")
    assert (
        confirmation["Subject"].strip()
        == "Подтвердите подписку на заседания по делу «Попова против ГУ МВД по г. Москве»"
    )
    link = re.search(rf"{SITE}(/reminders/confirm/[\w-]+/)", body(confirmation)).group(1)
    assert Reminder.objects.count() == 0
    # when the link is followed and Confirm pressed (no session, no CSRF token)
    assert Client(enforce_csrf_checks=True).post(link).status_code == 200
    # then the reminder goes out when due, in Russian, with both zones
    reminder = Reminder.objects.get()
    assert (reminder.offset_minutes, reminder.due_at) == (10, hearing.starts_at - dt.timedelta(minutes=10))
    wait_until(lambda: len(mailbox.snapshot()) == 2, timeout=60, what="the reminder", every=1, between=tick)
    message = mailbox.snapshot()[1]
    local = hearing.starts_at.astimezone(ZoneInfo("Asia/Yekaterinburg"))
    court = hearing.starts_at.astimezone(MSK)
    text = body(message)
    assert text.splitlines()[0] == "До заседания, за которым вы следите, осталось 10 минут."
    assert f"{local:%H:%M} (Asia/Yekaterinburg)" in text
    assert f"{court:%H:%M} (Europe/Moscow)" in text
    assert "Зал: 412" in text
    # naming the case, the court and the parties in Russian
    assert "Дело: Попова против ГУ МВД по г. Москве" in text.splitlines()
    assert "Суд: Савёловский районный суд г. Москвы" in text.splitlines()
    assert "Адрес: Москва, ул. Бутырская, 7" in text.splitlines()
    assert "Алёна Попова" in text and "Popova" not in text.replace("popova-v-moscow", "")
    assert "Попова против ГУ МВД по г. Москве" in message["Subject"]
    (ics,) = [part.get_content() for part in message.iter_attachments()]
    ics_text = ics.decode() if isinstance(ics, bytes) else ics
    assert "SUMMARY;LANGUAGE=ru:" in ics_text and "Попова против ГУ МВД по г. Москве" in ics_text.replace("\r\n ", "")
    assert message["Message-ID"].strip() == f"<reminder-{reminder.pk}.1@tracker.example.org>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert [part.get_filename() for part in message.iter_attachments()] == ["hearing.ics"]
    reminder.refresh_from_db()
    assert (reminder.state, reminder.attempts) == ("sent", 1)


def test_a_rescheduled_hearing_sends_one_moved_notice_and_reminds_of_the_new_time(pipeline):
    mailbox, _, _, _ = pipeline
    case = CaseFactory(title="Glukhin v. Russia")
    SubscriptionFactory(case=case, email="ann@example.net", offsets_minutes=[10], time_zone=ZoneInfo("UTC"))
    hearing = hearing_in(case, minutes=120, seconds=0)
    old_time = hearing.starts_at
    # when the court brings it forward to ten minutes and 3 seconds from now
    hearing = hearing_actions.hearing_reschedule(
        hearing=hearing, starts_at=timezone.now() + dt.timedelta(minutes=10, seconds=3)
    )
    # then one "moved" notice (old and new time) and one reminder for the new time arrive
    wait_until(lambda: len(mailbox.snapshot()) >= 2, timeout=60, what="notice and reminder", every=1, between=tick)
    tick()
    wait_until(lambda: states(Notice) == ["sent"] and states() == ["sent"], timeout=20, what="rows sent")
    notice, reminder = sorted(mailbox.snapshot(), key=lambda m: m["Message-ID"])
    assert notice["Subject"].strip() == "Hearing moved: Glukhin v. Russia"
    assert f"Previously: {old_time:%A, %-d %B %Y, %H:%M} (UTC)" in body(notice)
    assert f"Now: {hearing.starts_at:%A, %-d %B %Y, %H:%M} (UTC)" in body(notice)
    assert f"{hearing.starts_at:%H:%M} (UTC)" in body(reminder)
    assert len(mailbox.snapshot()) == 2


def test_a_cancelled_hearing_sends_one_cancellation_and_no_reminder(pipeline):
    mailbox, _, _, _ = pipeline
    case = CaseFactory(title="Bridges v. South Wales Police")
    SubscriptionFactory(case=case, email="ann@example.net", offsets_minutes=[10])
    hearing = hearing_in(case, minutes=10, seconds=2)
    hearing_actions.hearing_cancel(hearing=hearing, reason="Claim withdrawn")
    # when the reminder's due time passes and the beat runs
    wait_until(lambda: timezone.now() > hearing.starts_at - dt.timedelta(minutes=10), timeout=10, what="due time")
    wait_until(lambda: states(Notice) == ["sent"], timeout=30, what="the notice", every=1, between=tick)
    tick()
    tick()
    # then only the cancellation arrived
    assert [m["Subject"].strip() for m in mailbox.snapshot()] == ["Hearing cancelled: Bridges v. South Wales Police"]
    assert states() == ["cancelled"]


def test_one_click_unsubscribe_from_the_header_stops_the_next_reminder(pipeline):
    mailbox, _, _, _ = pipeline
    case = CaseFactory()
    subscription = SubscriptionFactory(case=case, email="ann@example.net", offsets_minutes=[10, 9])
    hearing_in(case, minutes=10, seconds=2)
    (first,) = wait_until(mailbox.snapshot, timeout=30, what="the first reminder", every=1, between=tick)
    url = first["List-Unsubscribe"].strip().strip("<>")
    assert url == f"{SITE}/reminders/unsubscribe/{subscription.unsubscribe_token}/"
    # when the mail client POSTs the RFC 8058 one-click body, without cookie or CSRF token
    response = Client(enforce_csrf_checks=True).post(
        url.removeprefix(SITE), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    # then the 9-minute reminder is cancelled and never sent
    assert sorted(Reminder.objects.values_list("offset_minutes", "state")) == [(9, "cancelled"), (10, "sent")]
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None
    tick()
    assert len(mailbox.snapshot()) == 1


def test_smtp_refusing_for_a_while_is_retried_then_delivered(pipeline):
    mailbox, _, _, _ = pipeline
    mailbox.refuse_next = 3  # the first three attempts get "451 try again later"
    case = CaseFactory()
    for n in range(2):
        SubscriptionFactory(case=case, email=f"s{n}@example.net", offsets_minutes=[10])
    hearing_in(case, minutes=10, seconds=1)
    wait_until(lambda: states() == ["sent", "sent"], timeout=90, what="both delivered", every=1, between=tick)
    assert mailbox.refused == 3
    assert sorted(mailbox.header("To")) == ["s0@example.net", "s1@example.net"]
    attempts = sorted(Reminder.objects.values_list("attempts", flat=True))
    assert sum(attempts) == 5  # 3 refused + 2 accepted
    assert set(Reminder.objects.values_list("last_error", flat=True)) == {""}


def test_a_worker_killed_mid_batch_loses_nothing(pipeline, tmp_path):
    mailbox, worker, env, log = pipeline
    mailbox.delay = 0.25  # a slow mail server: the batch takes several seconds
    case = CaseFactory()
    total = 30
    for n in range(total):
        SubscriptionFactory(case=case, email=f"s{n:02}@example.net", offsets_minutes=[10])
    hearing_in(case, minutes=10, seconds=1)
    wait_until(lambda: len(mailbox.snapshot()) >= 5, timeout=60, what="the batch to start", every=1, between=tick)
    # when the whole worker (main process and children) is SIGKILLed in the middle of the batch
    stop_group(worker, sig=signal.SIGKILL)
    delivered_before_kill = len(mailbox.snapshot())
    assert delivered_before_kill < total
    # and a new worker starts
    with celery_worker(env, log.with_name("worker-restarted.log")):
        wait_until(lambda: states() == ["sent"] * total, timeout=120, what="every reminder sent", every=1, between=tick)
    # then every reminder arrived; a copy can only repeat a message the server had accepted
    # when the kill came (at most one per busy worker process), and it has the same Message-ID
    ids = mailbox.header("Message-ID")
    expected = {f"<reminder-{r.pk}.1@tracker.example.org>" for r in Reminder.objects.all()}
    assert set(ids) == expected
    assert len(ids) - len(expected) <= 2


def test_a_redis_restart_loses_nothing(tmp_path):
    app.control.purge()
    redis_port = free_port()
    redis_cmd = ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]

    def start_redis():
        proc = subprocess.Popen(redis_cmd, stdout=subprocess.DEVNULL, start_new_session=True)
        wait_until(
            lambda: subprocess.run(["redis-cli", "-p", str(redis_port), "ping"], capture_output=True).stdout == b"PONG\n",
            timeout=20, what="private redis",
        )  # fmt: skip
        return proc

    redis = start_redis()
    try:
        with smtp_server() as (mailbox, smtp_port):
            env = worker_env(smtp_port=smtp_port, redis_url=f"redis://127.0.0.1:{redis_port}/0", var_dir=tmp_path)
            case = CaseFactory()
            for n in range(5):
                SubscriptionFactory(case=case, email=f"s{n}@example.net", offsets_minutes=[10])
            hearing_in(case, minutes=10, seconds=1)
            wait_until(lambda: timezone.now() > Reminder.objects.first().due_at, timeout=10, what="due")
            # given the beat claimed the due rows and queued them while no worker was up
            dispatched = manage("reminders_dispatch", env=env)
            assert dispatched.stdout.strip() == "Queued 5 message(s) for sending.", dispatched.stderr
            assert states() == ["sending"] * 5
            # when Redis restarts without persistence (the queued messages are gone)
            stop_group(redis)
            redis = start_redis()
            # and a worker comes up, and Redis restarts once more under it
            with celery_worker(env, tmp_path / "worker.log"):
                stop_group(redis)
                redis = start_redis()
                # then the next ticks re-claim the rows whose messages were lost, and all are sent once
                wait_until(
                    lambda: states() == ["sent"] * 5, timeout=90, what="all sent", every=2,
                    between=lambda: manage("reminders_dispatch", env=env),
                )  # fmt: skip
            assert sorted(mailbox.header("To")) == [f"s{n}@example.net" for n in range(5)]
    finally:
        stop_group(redis)
    assert Subscription.objects.count() == 5
