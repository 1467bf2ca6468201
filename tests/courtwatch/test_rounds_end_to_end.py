"""The court watch with every real part (issue 23, "Tests"): rounds that fetch the example cards
from the local court site, read them (courtwatch/readers/), propose (courtwatch/proposals.py)
and apply (courtwatch/services.py) through the hearing actions. First in this process, time
stopped on 5 November 2026 so that the cards' dates mean one thing; then through the beat and
two Celery worker processes on Redis, with the moved-hearing notice delivered to an aiosmtpd
server, on cards whose dates are moved to lie ahead of today."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from cases.models import Hearing
from changes.models import Change
from courtwatch import rounds, schedule
from courtwatch.models import CourtUpdate, CourtWatch
from courtwatch.rounds import Outcome
from courtwatch.services import update_apply, watch_check_now
from reminders.models import Notice
from tests.courtwatch.conftest import watch_on
from tests.courtwatch.court_server import card_bytes
from tests.factories import CaseFactory, CourtFactory, SubscriptionFactory, UserFactory

UTC = dt.UTC
MOSCOW = ZoneInfo("Europe/Moscow")
EKATERINBURG = ZoneInfo("Asia/Yekaterinburg")
NOVEMBER = dt.datetime(2026, 11, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def november(settings):
    settings.COURT_WATCH_HOST_INTERVAL = 0  # one round after another here; politeness has its tests
    with time_machine.travel(NOVEMBER, tick=False):
        yield


def run(watch):
    claim = schedule.watch_claim(watch_id=watch.pk)
    return rounds.watch_round(watch_id=watch.pk, claimed_at=claim.claimed_at)


def proposals(watch):
    return [
        (u.kind, u.state, u.proposed["starts_at"], u.proposed["courtroom"], u.proposed["status"])
        for u in CourtUpdate.objects.filter(watch=watch).order_by("pk")
    ]


def moscow_watch(url, **fields):
    court = CourtFactory(name="Savyolovsky District Court", time_zone=MOSCOW)
    return watch_on(url, case=CaseFactory(title="Belova v. IT Department"), court=court, **fields)


@pytest.mark.django_db
def test_new_hearings_are_proposed_at_the_right_utc_times_in_moscow_and_ekaterinburg(court_site, november):
    moscow = moscow_watch(court_site.url("/cards/mos-gorsud.html"))
    ekaterinburg = watch_on(
        court_site.url("/cards/sudrf-classic.html"),  # windows-1251, its charset only in a <meta>
        court=CourtFactory(name="Leninsky District Court", time_zone=EKATERINBURG),
    )
    assert [run(moscow).outcome, run(ekaterinburg).outcome] == [Outcome.READ, Outcome.READ]
    # 13.10.2026 11:00 and 10.12.2026 10:30 in Moscow (UTC+3)
    assert proposals(moscow) == [
        ("new", "proposed", "2026-10-13T08:00:00+00:00", "410", "held"),
        ("new", "proposed", "2026-12-10T07:30:00+00:00", "410", "scheduled"),
    ]
    # 05.10.2026 14:30 and (postponed from 02.11) 14.12.2026 15:40 in Ekaterinburg (UTC+5)
    assert proposals(ekaterinburg) == [
        ("new", "proposed", "2026-10-05T09:30:00+00:00", "305", "held"),
        ("new", "proposed", "2026-12-14T10:40:00+00:00", "305", "scheduled"),
    ]
    assert Hearing.objects.count() == 0  # nothing is written before a lawyer accepts
    ekaterinburg.refresh_from_db()
    assert (ekaterinburg.last_reading["layout"], ekaterinburg.last_reading["case_number"]) == (
        "sudrf-classic",
        "2а-4471/2026",
    )


@pytest.mark.django_db
def test_a_postponement_on_the_card_is_one_moved_proposal_a_lawyer_applies(court_site, november):
    # given the card read once and both hearings accepted, and a confirmed subscriber
    court_site.serve_card("/card", "mos-gorsud.html")
    watch = moscow_watch(court_site.url("/card"))
    lawyer = UserFactory(username="lawyer")
    SubscriptionFactory(case=watch.docket.case, email="confirmed@example.net")
    run(watch)
    for update in CourtUpdate.objects.filter(watch=watch):
        update_apply(update=update, actor=lawyer)
    hearing = Hearing.objects.get(starts_at=dt.datetime(2026, 12, 10, 10, 30, tzinfo=MOSCOW))
    versions = Change.objects.filter(object_type="hearing", object_id=hearing.pk).count()
    # the same card again proposes nothing
    assert (run(watch).outcome, CourtUpdate.objects.filter(state="proposed").count()) == (Outcome.UNCHANGED, 0)
    # when the court postpones it to 21 January (the card alone says so)
    court_site.serve_card("/card", "mos-gorsud-postponed.html")
    result = run(watch)
    # then one "moved" proposal, and the hearing is untouched until the lawyer applies it
    assert (result.outcome, result.proposed, result.applied) == (Outcome.READ, 1, 0)
    moved = CourtUpdate.objects.get(state="proposed")
    assert (moved.kind, moved.hearing, moved.proposed["starts_at"]) == ("moved", hearing, "2027-01-21T12:00:00+00:00")
    assert Hearing.objects.get(pk=hearing.pk).starts_at == dt.datetime(2026, 12, 10, 7, 30, tzinfo=UTC)
    update_apply(update=moved, actor=lawyer)
    hearing.refresh_from_db()
    assert (hearing.starts_at, hearing.courtroom) == (dt.datetime(2027, 1, 21, 15, 0, tzinfo=MOSCOW), "412")
    assert Change.objects.filter(object_type="hearing", object_id=hearing.pk).count() == versions + 1
    notice = Notice.objects.get()
    assert (notice.subscription.email, notice.kind, notice.new_starts_at) == (
        "confirmed@example.net",
        "moved",
        hearing.starts_at,
    )


@pytest.mark.django_db
def test_auto_apply_moves_the_hearing_without_a_click(court_site, november):
    court_site.serve_card("/card", "mos-gorsud.html")
    watch = moscow_watch(court_site.url("/card"), auto_apply=True)
    SubscriptionFactory(case=watch.docket.case, email="confirmed@example.net")
    assert (run(watch).applied, Hearing.objects.count()) == (2, 2)
    court_site.serve_card("/card", "mos-gorsud-postponed.html")
    result = run(watch)
    assert (result.proposed, result.applied) == (1, 1)
    moved = CourtUpdate.objects.get(kind="moved")
    assert (moved.state, moved.automatic, moved.decided_by) == ("applied", True, None)
    assert moved.hearing.starts_at == dt.datetime(2027, 1, 21, 15, 0, tzinfo=MOSCOW)
    assert Notice.objects.get().kind == "moved"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("card", "problem", "detail"),
    [
        ("captcha-sudrf.html", "captcha", "the court's site asks for a captcha"),
        ("unknown-layout.html", "layout", "no known card layout (sudrf.ru classic or newer, mos-gorsud.ru)"),
    ],
)
def test_a_captcha_or_an_unknown_page_changes_nothing_and_is_shown_on_the_watch(
    court_site, november, card, problem, detail
):
    court_site.serve_card("/card", "mos-gorsud.html")
    watch = moscow_watch(court_site.url("/card"), auto_apply=True)
    run(watch)
    before = sorted(Hearing.objects.values_list("pk", "starts_at", "status", "version"))
    updates = sorted(CourtUpdate.objects.values_list("pk", "state"))
    court_site.answer("/card", 200, card_bytes(card), headers={"Content-Type": "text/html"})
    result = run(watch)
    assert (result.outcome, result.problem, result.detail) == (Outcome.FAILED, problem, detail)
    assert sorted(Hearing.objects.values_list("pk", "starts_at", "status", "version")) == before
    assert sorted(CourtUpdate.objects.values_list("pk", "state")) == updates
    watch.refresh_from_db()
    assert (watch.get_last_problem_display(), watch.last_problem_detail, watch.failures_in_a_row) == (
        dict(CourtWatch.Problem.choices)[problem],
        detail,
        1,
    )


# --- Through the beat and the workers ------------------------------------------------------------


def card_ahead(name, today):
    """The fixture card with its hearings moved ahead of `today` (20 and 40 days on)."""
    text = card_bytes(name).decode()
    for old, days in (("10.12.2026", 20), ("21.01.2027", 40)):
        text = text.replace(old, (today + dt.timedelta(days=days)).strftime("%d.%m.%Y"))
    return text.encode()


def local_court_env(tmp_path, smtp_port, **extra):
    """The workers' and the beat's environment: cards read from the local court site, mail to
    the local SMTP server."""
    from tests.reminders.pipeline import worker_env

    return worker_env(
        smtp_port=smtp_port,
        var_dir=tmp_path / "var",
        COURT_WATCH_ALLOW_LOOPBACK="true",
        COURT_WATCH_HOSTS="127.0.0.1",
        **extra,
    )


def beat_running(tmp_path, env):
    from tests.processes import BIN, running

    command = [str(BIN / "celery"), "-A", "tracker", "beat", "--loglevel", "INFO", "-s", str(tmp_path / "beat")]
    return running(command, env=env, log=tmp_path / "beat.log")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_beat_and_workers_read_apply_and_the_subscriber_is_told(court_site, tmp_path):
    from reminders.tasks import reminders_dispatch_due_task
    from tests.reminders.pipeline import celery_worker, smtp_server, wait_until
    from tracker.celery import app

    app.control.purge()
    today = timezone.now().astimezone(MOSCOW).date()
    headers = {"Content-Type": "text/html; charset=utf-8"}
    court_site.answer("/card", 200, card_ahead("mos-gorsud.html", today), headers=headers)
    watch = moscow_watch(court_site.url("/card"), auto_apply=True)
    SubscriptionFactory(case=watch.docket.case, email="ann@example.net", time_zone=MOSCOW)
    first_date = dt.datetime.combine(today + dt.timedelta(days=20), dt.time(10, 30), tzinfo=MOSCOW)
    new_date = dt.datetime.combine(today + dt.timedelta(days=40), dt.time(15, 0), tzinfo=MOSCOW)
    with smtp_server() as (mailbox, port):
        env = local_court_env(tmp_path, port, COURT_WATCH_HOST_INTERVAL="1", COURT_WATCH_TICK_SECONDS="2")
        with (
            celery_worker(env, tmp_path / "worker1.log", concurrency=1),
            celery_worker(env, tmp_path / "worker2.log", concurrency=1),
            beat_running(tmp_path, env),
        ):
            # the beat's tick claims the new watch; a worker reads the card and applies its hearings
            wait_until(lambda: Hearing.objects.count() == 2, timeout=60, what="the card's two hearings")
            hearing = Hearing.objects.get(starts_at=first_date)
            # when the court postpones the hearing and a lawyer asks for a check now
            court_site.answer("/card", 200, card_ahead("mos-gorsud-postponed.html", today), headers=headers)
            watch_check_now(watch=CourtWatch.objects.get(pk=watch.pk))
            wait_until(
                lambda: Hearing.objects.get(pk=hearing.pk).starts_at == new_date, timeout=60, what="the hearing moved"
            )
            # then the subscriber gets the moved-hearing notice
            wait_until(
                lambda: mailbox.snapshot(),
                timeout=60,
                what="the moved-hearing notice",
                every=1,
                between=reminders_dispatch_due_task.delay,
            )
    [message] = mailbox.snapshot()
    assert (message["To"], message["Subject"].strip()) == ("ann@example.net", "Hearing moved: Belova v. IT Department")
    moved = CourtUpdate.objects.get(kind="moved")
    assert (moved.state, moved.automatic) == ("applied", True)
    watch.refresh_from_db()
    assert (watch.last_problem, watch.failures_in_a_row, watch.claimed_at) == ("", 0, None)


@pytest.mark.django_db
def test_a_card_of_another_case_proposes_nothing_even_with_auto_apply(court_site, november):
    # given a docket 2а-4471/2026 pointed (a pasted URL) at the card of 02а-0911/2026
    watch = moscow_watch(court_site.url("/cards/mos-gorsud.html"), auto_apply=True, number="2а-4471/2026")
    result = run(watch)
    assert (result.outcome, result.problem) == (Outcome.FAILED, CourtWatch.Problem.OTHER_CASE)
    assert result.detail == "the card's case is 02а-0911/2026, the docket's 2а-4471/2026"
    assert (CourtUpdate.objects.count(), Hearing.objects.count()) == (0, 0)
    # and the same number written the lawyer's way (Latin "a", no zeros) is the card's own
    watch.docket.number = "2a-911/2026"
    watch.docket.save()
    schedule.watch_claim(watch_id=watch.pk)  # due again at once for the test
    CourtWatch.objects.filter(pk=watch.pk).update(next_check_at=timezone.now(), claimed_at=None)
    assert run(watch).outcome == Outcome.READ
    assert Hearing.objects.count() == 2  # auto_apply: the two new hearings


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_three_failed_rounds_on_the_workers_email_each_lawyer_once_in_their_language(court_site, tmp_path):
    from django.contrib.auth.models import User

    from reminders.models import MemberReminderSettings
    from tests.factories import MembershipFactory
    from tests.reminders.pipeline import celery_worker, smtp_server, wait_until
    from tracker.celery import app

    app.control.purge()
    # given a watch on a card the court's server answers with 500, and a case with an English
    # and a Russian lawyer, an owner and a viewer
    watch = moscow_watch(court_site.url("/status/500"))
    org = watch.docket.case.organization
    for name, role in (("anna", "lawyer"), ("boris", "lawyer"), ("olga", "owner"), ("victor", "viewer")):
        MembershipFactory(organization=org, role=role, user=UserFactory(username=name))
    MemberReminderSettings.objects.create(user=User.objects.get(username="boris"), language="ru")
    with smtp_server() as (mailbox, port):
        env = local_court_env(
            tmp_path,
            port,
            COURT_WATCH_HOST_INTERVAL="0",
            COURT_WATCH_RETRY_BASE_SECONDS="1",  # a failed round is read again 1, 2, 4 s later
            COURT_WATCH_TICK_SECONDS="1",
        )
        with celery_worker(env, tmp_path / "worker.log"), beat_running(tmp_path, env):
            # when the beat's ticks read it three times, failing each time
            wait_until(lambda: len(mailbox.snapshot()) == 3, timeout=90, what="three failure emails", every=0.5)
            # then a further failure tells nobody again
            wait_until(
                lambda: CourtWatch.objects.get(pk=watch.pk).failures_in_a_row >= 5,
                timeout=90,
                what="two more failed rounds",
            )
    messages = {message["To"]: message for message in mailbox.snapshot()}
    assert len(mailbox.snapshot()) == 3  # one each, not again on the fourth and fifth failures
    assert sorted(messages) == ["anna@example.org", "boris@example.org", "olga@example.org"]
    number = watch.docket.number
    english, russian = messages["anna@example.org"], messages["boris@example.org"]
    assert (english["Content-Language"], russian["Content-Language"]) == ("en", "ru")
    assert english["Subject"].strip() == f"The court's case card could not be read: Belova v. IT Department, {number}"
    assert russian["Subject"].strip().startswith("Не удалось прочитать карточку дела на сайте суда: ")
    english_text = english.get_body(("plain",)).get_content()
    assert "could not be read 3 times in a row." in english_text
    assert "Why: The court's site answered with an error (HTTP 500)" in english_text
    assert "не удалось прочитать 3 раза подряд." in russian.get_body(("plain",)).get_content()
    assert Hearing.objects.count() == 0
