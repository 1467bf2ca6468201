"""After 3 failed rounds in a row the case's lawyers and owners get one email each, in their
language, saying the card could not be read and why; not again until a round succeeds. The
rounds run through their Celery tasks (eagerly: one process; the mail is Django's locmem); the same
with the beat, a worker and an SMTP server: test_rounds_end_to_end.py."""

import pytest
from django.contrib.auth.models import User
from django.core import mail

from courtwatch import schedule, tasks
from courtwatch.models import CourtWatch
from reminders.models import MemberReminderSettings
from tests.courtwatch import rounds_doubles
from tests.courtwatch.conftest import watch_on
from tests.factories import CaseFactory, CourtFactory, MembershipFactory, OrganizationFactory, UserFactory
from tracker.celery import app

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager(monkeypatch, settings):
    settings.COURT_WATCH_HOST_INTERVAL = 0
    app.conf.task_always_eager = True
    yield rounds_doubles.install(monkeypatch)
    app.conf.task_always_eager = False


@pytest.fixture
def firm():
    """A case of an organization with an English-reading lawyer, a Russian-reading lawyer, an
    owner, a viewer; a lawyer without an address, a former one, and a lawyer of another firm."""
    case = CaseFactory(title_en="Popova v. Moscow", title_ru="Попова против Москвы")
    org = case.organization
    people = {
        "anna": MembershipFactory(organization=org, role="lawyer", user=UserFactory(username="anna")).user,
        "boris": MembershipFactory(organization=org, role="lawyer", user=UserFactory(username="boris")).user,
        "olga": MembershipFactory(organization=org, role="owner", user=UserFactory(username="olga")).user,
        "victor": MembershipFactory(organization=org, role="viewer", user=UserFactory(username="victor")).user,
        "mute": MembershipFactory(organization=org, role="lawyer", user=UserFactory(username="mute", email="")).user,
        "gone": MembershipFactory(
            organization=org, role="lawyer", user=UserFactory(username="gone", is_active=False)
        ).user,
        "other": MembershipFactory(
            organization=OrganizationFactory(), role="lawyer", user=UserFactory(username="other")
        ).user,
    }
    MemberReminderSettings.objects.create(user=people["boris"], language="ru")
    court = CourtFactory(name_en="Savyolovsky District Court", name_ru="Савёловский районный суд")
    return case, court, people


def round_through_the_task(watch):
    claim = schedule.watch_claim(watch_id=watch.pk)
    return tasks.court_watch_round_task.apply(args=[watch.pk, claim.claimed_at.isoformat()]).get()


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_three_failures_tell_each_lawyer_once_in_their_language(court_site, eager, firm, settings):
    settings.COURT_WATCH_HOST_BACKOFF_SECONDS = 0  # a 503 keeps the host waiting; not what this is about
    case, court, _people = firm
    watch = watch_on(court_site.url("/status/503"), case=case, court=court)
    # the first two failures are recorded, nobody is told
    assert [round_through_the_task(watch) for _ in range(2)] == ["failed", "failed"]
    assert mail.outbox == []
    # the third tells the lawyers and the owner, each once
    assert round_through_the_task(watch) == "failed"
    assert recipients() == ["anna@example.org", "boris@example.org", "olga@example.org"]
    by_address = {message.to[0]: message for message in mail.outbox}
    english, russian = by_address["anna@example.org"], by_address["boris@example.org"]
    number = watch.docket.number
    assert english.subject == f"The court's case card could not be read: Popova v. Moscow, {number}"
    assert russian.subject == f"Не удалось прочитать карточку дела на сайте суда: Попова против Москвы, {number}"
    assert english.extra_headers["Content-Language"] == "en"
    assert russian.extra_headers["Content-Language"] == "ru"
    assert "could not be read 3 times in a row." in english.body
    assert "Why: The court's site answered with an error (HTTP 503)" in english.body
    assert f"Case card: {watch.url}" in english.body
    assert f"Docket number: {number}, Savyolovsky District Court" in english.body
    assert "Nothing on the case was changed" in english.body
    assert "не удалось прочитать 3 раза подряд." in russian.body
    assert "Причина: Сайт суда ответил ошибкой (HTTP 503)" in russian.body
    assert "Последнее успешное чтение: ни разу" in russian.body
    assert "В деле ничего не изменено" in russian.body
    # a fourth failure tells nobody again
    assert round_through_the_task(watch) == "failed"
    assert len(mail.outbox) == 3
    watch.refresh_from_db()
    assert (watch.failures_in_a_row, watch.failure_notice_sent_at is not None) == (4, True)


def test_a_success_ends_the_run_and_a_new_run_is_told_again(court_site, eager, firm):
    case, court, _people = firm
    watch = watch_on(court_site.url("/captcha"), case=case, court=court)
    for _ in range(3):
        round_through_the_task(watch)
    assert len(mail.outbox) == 3
    # the card can be read again
    CourtWatch.objects.filter(pk=watch.pk).update(url=court_site.url("/cards/mos-gorsud.html"))
    assert round_through_the_task(watch) == "read"
    watch.refresh_from_db()
    assert (watch.failures_in_a_row, watch.failure_notice_sent_at, watch.last_problem) == (0, None, "")
    # and a new run of three failures is told again
    CourtWatch.objects.filter(pk=watch.pk).update(url=court_site.url("/captcha"))
    for _ in range(3):
        round_through_the_task(watch)
    assert len(mail.outbox) == 6
    assert "Why: The court's site asks for a captcha (the page asks for a captcha)" in mail.outbox[-1].body
    assert "Last read: " in mail.outbox[-1].body and "Last read: never" not in mail.outbox[-1].body


def test_the_notice_is_not_sent_twice_by_a_repeated_task(court_site, eager, firm):
    from courtwatch.notices import watch_failure_notify

    case, court, _people = firm
    watch = watch_on(court_site.url("/status/500"), case=case, court=court)
    for _ in range(3):
        round_through_the_task(watch)
    assert (watch_failure_notify(watch_id=watch.pk), len(mail.outbox)) == (0, 3)


def test_a_case_without_lawyers_marks_the_run_told_and_sends_nothing(court_site, eager):
    watch = watch_on(court_site.url("/status/500"))
    for _ in range(3):
        round_through_the_task(watch)
    watch.refresh_from_db()
    assert (mail.outbox, watch.failure_notice_sent_at is not None) == ([], True)
    assert User.objects.count() == 0
