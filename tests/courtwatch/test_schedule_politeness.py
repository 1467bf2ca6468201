"""Two workers reading cards of one court's site never reach it faster than
COURT_WATCH_HOST_INTERVAL: measured where it counts, at the site (request arrival times).
First with threads in this process, then with two real Celery worker processes and the beat."""

import re
import threading

import pytest
from django.db import connection

from courtwatch import rounds, schedule
from courtwatch.models import CourtWatch
from tests.courtwatch import rounds_doubles
from tests.courtwatch.conftest import watch_on

pytestmark = pytest.mark.django_db(transaction=True)


def gaps(server):
    times = sorted(arrival.at for arrival in server.arrivals)
    return [later - earlier for earlier, later in zip(times, times[1:], strict=False)]


def test_two_threads_on_one_host_keep_the_interval(court_site, monkeypatch, settings):
    # given six watches of cards on one court's site, shared by two workers
    settings.COURT_WATCH_HOST_INTERVAL = 0.4
    rounds_doubles.install(monkeypatch)
    watches = [watch_on(court_site.url(f"/cards/mos-gorsud.html?n={n}")) for n in range(6)]
    outcomes = []

    def worker(mine):
        try:
            for watch in mine:
                claim = schedule.watch_claim(watch_id=watch.pk)
                while True:  # as the task does: wait for the host's turn, then go
                    result = rounds.watch_round(watch_id=watch.pk, claimed_at=claim.claimed_at, wait_for_host_up_to=5)
                    if result.outcome is not rounds.Outcome.HOST_BUSY:
                        break
                    threading.Event().wait(result.wait_seconds)
                outcomes.append(result.outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(watches[n::2],)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    # then every card was read, and no two requests came closer than the interval
    assert outcomes == [rounds.Outcome.READ] * 6
    assert len(court_site.arrivals) == 6
    assert min(gaps(court_site)) >= 0.4, gaps(court_site)


@pytest.mark.slow
def test_two_celery_workers_and_the_beat_keep_the_interval(court_site, tmp_path):
    from tests.processes import BIN, running
    from tests.reminders.pipeline import celery_worker, wait_until, worker_env
    from tracker.celery import app

    app.control.purge()
    # given six due watches on one court's site
    watches = [watch_on(court_site.url(f"/cards/mos-gorsud.html?n={n}")) for n in range(6)]
    env = worker_env(
        smtp_port=1,  # no mail here
        var_dir=tmp_path / "var",
        COURT_WATCH_ALLOW_LOOPBACK="true",
        COURT_WATCH_HOSTS="127.0.0.1",
        COURT_WATCH_HOST_INTERVAL="1",
        COURT_WATCH_TICK_SECONDS="3",
    )
    beat = [str(BIN / "celery"), "-A", "tracker", "beat", "--loglevel", "INFO", "-s", str(tmp_path / "beat")]
    # when two worker processes and the beat run
    with (
        celery_worker(env, tmp_path / "worker1.log", concurrency=1),
        celery_worker(env, tmp_path / "worker2.log", concurrency=1),
        running(beat, env=env, log=tmp_path / "beat.log"),
    ):
        wait_until(
            lambda: CourtWatch.objects.filter(last_checked_at__isnull=False, claimed_at__isnull=True).count() == 6,
            timeout=90,
            what="six rounds",
        )
    # then each card was fetched once, never two within the interval, and both workers took part
    assert sorted(arrival.path for arrival in court_site.arrivals) == sorted(
        f"/cards/mos-gorsud.html?n={n}" for n in range(6)
    )
    assert min(gaps(court_site)) >= 1.0, gaps(court_site)
    # (the rounds' outcomes, whichever worker ran them: each card fetched is one round that ended)
    logs = "".join((tmp_path / f"worker{n}.log").read_text() for n in (1, 2))
    ended = re.findall(r"Task courtwatch\.round\[[^\]]+\] succeeded in [^:]+: '(\w+)'", logs)
    assert len([outcome for outcome in ended if outcome in ("read", "failed")]) == 6, ended
    assert {w.pk for w in watches} == set(CourtWatch.objects.values_list("pk", flat=True))
