"""The tick's claim: only due watches, each once across concurrent ticks, planned on their court
hosts' turns; and the hosts' turns themselves, across threads (PostgreSQL, real rows)."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from courtwatch import schedule
from courtwatch.hosts import host_answered, host_turn_take
from courtwatch.models import CourtHost, CourtWatch
from tests.courtwatch.conftest import watch_on

pytestmark = pytest.mark.django_db
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def plan_settings(settings):
    settings.COURT_WATCH_HOST_INTERVAL = 10
    settings.COURT_WATCH_TICK_SECONDS = 60
    settings.COURT_WATCH_LEASE_SECONDS = 600
    return settings


def sudrf(n):
    return f"https://court{n}.sudrf.ru/modules.php?name=sud_delo&case_id={n}"


# The PostgreSQL statement and the Python plan SQLite uses (run here on PostgreSQL) must agree.
CLAIMS = {
    "postgresql": schedule.watches_claim_due,
    "portable": lambda now, **kw: schedule._claim_portable(
        now=now,
        limit=kw.get("limit", 500),
        horizon=kw.get("horizon", dt.timedelta(seconds=60)),
    ),
}


@pytest.fixture(params=sorted(CLAIMS))
def claim(request):
    return CLAIMS[request.param]


def test_only_due_watches_are_claimed(plan_settings, claim):
    now = timezone.now()
    due = watch_on(sudrf(1), next_check_at=now - MINUTE)
    lease_over = watch_on(sudrf(2), next_check_at=now - MINUTE, claimed_at=now - dt.timedelta(minutes=11))
    watch_on(sudrf(3), next_check_at=now + MINUTE)  # not yet
    watch_on(sudrf(4), next_check_at=now - MINUTE, paused=True)
    watch_on(sudrf(5), next_check_at=now - MINUTE, claimed_at=now - MINUTE)  # a round holds it
    plan = claim(now=now)
    assert sorted(c.watch_id for c in plan.claimed) == [due.pk, lease_over.pk]
    assert (plan.deferred, {c.claimed_at for c in plan.claimed}, {c.starts_at for c in plan.claimed}) == (
        0,
        {now},
        {now},
    )
    assert set(CourtWatch.objects.filter(claimed_at=now).values_list("pk", flat=True)) == {due.pk, lease_over.pk}
    # and a second tick finds nothing left
    assert claim(now=now + dt.timedelta(seconds=1)).claimed == []


def test_each_host_gets_its_turns_within_the_tick_and_the_rest_wait_for_theirs(plan_settings, claim):
    # given 8 due watches on one court's site and 2 on another's
    now = timezone.now()
    busy = [watch_on("https://mos-gorsud.ru/rs/a/" + str(n), next_check_at=now - MINUTE * (10 - n)) for n in range(8)]
    other = [watch_on(sudrf(n), next_check_at=now - MINUTE) for n in (1, 1)]
    plan = claim(now=now)
    starts = {c.watch_id: (c.starts_at - now).total_seconds() for c in plan.claimed}
    # then six turns of mos-gorsud.ru fit in the minute, 10 s apart, oldest first
    assert [starts.get(w.pk) for w in busy] == [0, 10, 20, 30, 40, 50, None, None]
    assert [starts[w.pk] for w in other] == [0, 10]
    # and the other two are due at their turns, unclaimed, not scanned again before
    waiting = CourtWatch.objects.filter(pk__in=[busy[6].pk, busy[7].pk]).order_by("pk")
    assert [(w.claimed_at, w.next_check_at - now) for w in waiting] == [
        (None, dt.timedelta(seconds=60)),
        (None, dt.timedelta(seconds=70)),
    ]
    assert plan.deferred == 2


def test_a_host_that_asked_to_wait_is_left_alone_until_then(plan_settings, claim):
    now = timezone.now()
    CourtHost.objects.create(host="mos-gorsud.ru", next_request_at=now + dt.timedelta(hours=1), backoff_seconds=3600)
    waiting = [watch_on(f"https://mos-gorsud.ru/rs/a/{n}", next_check_at=now - MINUTE) for n in range(2)]
    free = watch_on(sudrf(1), next_check_at=now - MINUTE)
    plan = claim(now=now)
    assert [c.watch_id for c in plan.claimed] == [free.pk]
    assert [
        w.next_check_at - now for w in CourtWatch.objects.filter(pk__in=[w.pk for w in waiting]).order_by("pk")
    ] == [
        dt.timedelta(hours=1),
        dt.timedelta(hours=1, seconds=10),
    ]


def test_the_host_is_read_from_the_url_as_python_reads_it(plan_settings):
    from courtwatch.fetch import url_host

    urls = [
        "https://KRV--SPB.sudrf.ru/modules.php?name=sud_delo",
        "http://krv--spb.sudrf.ru:80/x",
        "https://mos-gorsud.ru",
        "https://mos-gorsud.ru?x=1",
        "https://mos-gorsud.ru#top",
        "HTTPS://www.mos-gorsud.ru/mgs/services",
    ]
    for url in urls:
        watch_on(url)
    with connection.cursor() as cursor:
        cursor.execute(
            r"SELECT url, lower(substring(url from '^[A-Za-z][A-Za-z0-9+.-]*://([^/?#:]+)')) FROM courtwatch_courtwatch"
        )
        assert {url: host for url, host in cursor.fetchall()} == {url: url_host(url) for url in urls}


def test_the_claim_is_two_statements_however_many_are_due(plan_settings, django_assert_num_queries):
    now = timezone.now()
    for n in range(30):
        watch_on(sudrf(n), next_check_at=now - MINUTE)
    with django_assert_num_queries(2):  # the probe, then the claim
        plan = schedule.watches_claim_due(now=now)
    assert len(plan.claimed) == 30
    with django_assert_num_queries(1):  # an idle tick: the probe alone
        assert schedule.watches_claim_due(now=now).claimed == []


@pytest.mark.django_db(transaction=True)
def test_two_ticks_at_once_never_claim_the_same_watch(plan_settings):
    # given 10 due watches, and a tick that has claimed and not yet committed
    now = timezone.now()
    for n in range(10):
        watch_on(sudrf(n), next_check_at=now - MINUTE)
    claimed_inside = threading.Event()
    go_on = threading.Event()
    first = []

    def first_tick():
        try:
            with transaction.atomic():
                first.extend(schedule.watches_claim_due(now=now, limit=6).claimed)
                claimed_inside.set()
                go_on.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=first_tick)
    thread.start()
    assert claimed_inside.wait(10)
    # when a second tick runs meanwhile, it neither waits nor takes the first one's
    second = schedule.watches_claim_due(now=now).claimed
    go_on.set()
    thread.join(10)
    first_ids, second_ids = {c.watch_id for c in first}, {c.watch_id for c in second}
    assert (len(first_ids), len(second_ids), first_ids & second_ids) == (6, 4, set())
    assert schedule.watches_claim_due(now=now).claimed == []


# --- The host's turn --------------------------------------------------------------------------


def test_a_host_turn_is_taken_once_per_interval(settings):
    settings.COURT_WATCH_HOST_INTERVAL = 30
    assert host_turn_take(host="mos-gorsud.ru") == 0.0
    wait = host_turn_take(host="mos-gorsud.ru")
    assert 29 < wait <= 30
    CourtHost.objects.update(next_request_at=timezone.now() - dt.timedelta(seconds=1))
    assert host_turn_take(host="mos-gorsud.ru") == 0.0
    assert host_turn_take(host="krv--spb.sudrf.ru") == 0.0  # another site, its own turns


def test_after_an_answer_the_next_turn_is_an_interval_after_it(settings):
    settings.COURT_WATCH_HOST_INTERVAL = 30
    host_turn_take(host="mos-gorsud.ru")
    CourtHost.objects.update(next_request_at=timezone.now())  # as if the answer took the whole interval
    host_answered(host="mos-gorsud.ru")
    assert 29 < host_turn_take(host="mos-gorsud.ru") <= 30


def test_backoff_doubles_up_to_the_maximum_and_honours_retry_after(settings):
    settings.COURT_WATCH_HOST_BACKOFF_SECONDS = 60
    settings.COURT_WATCH_HOST_BACKOFF_MAX_SECONDS = 200
    host_turn_take(host="mos-gorsud.ru")
    backoffs = []
    for _ in range(3):
        host_answered(host="mos-gorsud.ru", slow_down=True)
        backoffs.append(CourtHost.objects.get().backoff_seconds)
    assert backoffs == [60, 120, 200]
    host_answered(host="mos-gorsud.ru", slow_down=True, retry_after=3600)
    assert 3590 < host_turn_take(host="mos-gorsud.ru") <= 3600
    host_answered(host="mos-gorsud.ru")  # a normal answer ends the backoff, not the wait asked for
    assert CourtHost.objects.get().backoff_seconds == 0


@pytest.mark.django_db(transaction=True)
def test_threads_racing_for_a_new_host_take_one_turn(settings):
    settings.COURT_WATCH_HOST_INTERVAL = 30
    barrier = threading.Barrier(6)
    waits = []

    def take():
        try:
            barrier.wait(10)
            waits.append(host_turn_take(host="mos-gorsud.ru"))
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(waits)[0] == 0.0
    assert all(29 < wait <= 30 for wait in sorted(waits)[1:])
    assert CourtHost.objects.count() == 1
