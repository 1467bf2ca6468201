"""`manage.py court_watch check [--watch ID]`: one round by hand, a sentence per watch; on
PostgreSQL in this process, and on make run's SQLite in a real process."""

import datetime as dt
import io
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from courtwatch.models import CourtWatch
from tests.courtwatch import rounds_doubles
from tests.courtwatch.conftest import watch_on
from tests.processes import clean_env, manage, session_database_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def doubles(monkeypatch, settings):
    settings.COURT_WATCH_HOST_INTERVAL = 0.2
    return rounds_doubles.install(monkeypatch)


def check(*args):
    out = io.StringIO()
    call_command("court_watch", "check", *args, stdout=out)
    return out.getvalue().strip().splitlines()


def test_one_watch_whatever_its_schedule(court_site, doubles):
    watch = watch_on(court_site.url("/cards/mos-gorsud.html"), next_check_at=timezone.now() + dt.timedelta(days=1))
    [line] = check("--watch", str(watch.pk))
    watch.refresh_from_db()
    at = watch.next_check_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    assert line == (
        f"Court watch {watch.pk}: the card was read; 2 update(s) proposed, 0 applied automatically; next check at {at}."
    )
    # (right away: the site's turn comes after the interval, which the command waits for)
    waited, again = check("--watch", str(watch.pk))
    assert re.fullmatch(rf"Court watch {watch.pk}: its court's site is busy; waiting 0\.[0-2] s\.", waited)
    assert again.startswith(f"Court watch {watch.pk}: the card has not changed (the site answered 304 Not Modified)")


def test_all_due_watches_one_sentence_each(court_site, doubles, settings):
    settings.COURT_WATCH_HOST_BACKOFF_SECONDS = 0
    good = watch_on(court_site.url("/cards/mos-gorsud.html"), next_check_at=timezone.now() - dt.timedelta(minutes=1))
    busy = watch_on(court_site.url("/status/503"), next_check_at=timezone.now() - dt.timedelta(minutes=2))
    later = watch_on(court_site.url("/cards/sudrf-classic.html"), next_check_at=timezone.now() + dt.timedelta(hours=1))
    lines = check()
    # the oldest due first; the second waited for the site's turn (the interval) and said so
    assert lines[0].startswith(
        f"Court watch {busy.pk}: the card could not be read: The court's site answered with an error (HTTP 503); "
        "nothing was changed. 1 failed round(s) in a row; next try at "
    )
    assert re.fullmatch(rf"Court watch {good.pk}: its court's site is busy; waiting 0\.[0-2] s\.", lines[1])
    assert lines[2].startswith(f"Court watch {good.pk}: the card was read; 2 update(s) proposed")
    assert len(lines) == 3
    later.refresh_from_db()
    assert later.last_checked_at is None
    assert check() == ["No court watch is due."]


def test_a_watch_being_checked_is_not_checked_twice(court_site, doubles):
    watch = watch_on(court_site.url("/cards/mos-gorsud.html"), claimed_at=timezone.now())
    with pytest.raises(CommandError, match=rf"^Court watch {watch.pk} is being checked by a worker right now"):
        check("--watch", str(watch.pk))
    assert court_site.arrivals == []


def test_a_bad_id_is_a_sentence_and_a_non_zero_exit():
    env = clean_env(DATABASE_URL=session_database_url(), SECRET_KEY="court-watch-command-test-secret-0123456789")
    missing = manage("court_watch", "check", "--watch", "999999", env=env)
    assert (missing.returncode, missing.stderr.strip(), missing.stdout) == (
        1,
        "CommandError: There is no court watch with id 999999.",
        "",
    )
    garbled = manage("court_watch", "check", "--watch", "seven", env=env)
    assert garbled.returncode == 2
    assert "argument --watch: invalid int value: 'seven'" in garbled.stderr


MAKE_WATCHES = """
import json
from django.utils import timezone
from cases.models import Docket
from courtwatch.models import CourtWatch
dockets = list(Docket.objects.order_by('pk')[:2])
ids = [CourtWatch.objects.create(docket=d, url=url, next_check_at=timezone.now()).pk
       for d, url in zip(dockets, {urls!r})]
print(json.dumps(ids))
"""
READ_WATCHES = """
import json
from courtwatch.models import CourtHost, CourtWatch
print(json.dumps({'watches': list(CourtWatch.objects.order_by('pk').values_list(
    'last_problem', 'last_problem_detail', 'failures_in_a_row', 'claimed_at')),
    'hosts': list(CourtHost.objects.values_list('host', 'backoff_seconds'))}, default=str))
"""


@pytest.mark.slow
def test_the_command_on_make_runs_sqlite(sqlite_demo, tmp_path, court_site):
    from tests.processes import sqlite_demo_env

    env = sqlite_demo_env(
        sqlite_demo,
        tmp_path / "var",
        COURT_WATCH_ALLOW_LOOPBACK="true",
        COURT_WATCH_HOSTS="127.0.0.1",
        COURT_WATCH_HOST_INTERVAL="1",
        COURT_WATCH_HOST_BACKOFF_SECONDS="2",  # after the 503: 2 s, more than its Retry-After
    )
    urls = [court_site.url("/status/503?retry_after=1"), court_site.url("/status/404")]
    made = manage("shell", "--verbosity", "0", "-c", MAKE_WATCHES.format(urls=urls), env=env)
    assert made.returncode == 0, made.stderr
    first, second = json.loads(made.stdout.strip().splitlines()[-1])
    run = manage("court_watch", "check", env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.strip().splitlines()
    assert lines[0].startswith(f"Court watch {first}: the card could not be read: ")
    assert "(HTTP 503); nothing was changed. 1 failed round(s) in a row" in lines[0]
    assert lines[1].startswith(f"Court watch {second}: its court's site is busy; waiting ")
    assert "(HTTP 404); nothing was changed." in lines[2]
    state = manage("shell", "--verbosity", "0", "-c", READ_WATCHES, env=env)
    assert json.loads(state.stdout.strip().splitlines()[-1]) == {
        "watches": [["http", "HTTP 503", 1, None], ["http", "HTTP 404", 1, None]],
        "hosts": [["127.0.0.1", 0]],
    }
    assert [arrival.path for arrival in court_site.arrivals] == ["/status/503?retry_after=1", "/status/404"]
    gap = court_site.arrivals[1].at - court_site.arrivals[0].at
    assert 2.0 <= gap < 10
    # and nothing is due now: the next tick claims nothing
    assert manage("court_watch", "check", env=env).stdout.strip() == "No court watch is due."
    assert CourtWatch.objects.count() == 0  # (all of it happened in the SQLite file, not here)
