"""One round of a watch against the local court site: what it records, what it proposes, and
that a failed round changes nothing (issue 23: "Failures never erase")."""

import datetime as dt
import hashlib

import pytest
import time_machine
from django.utils import timezone

from cases.models import Hearing
from courtwatch import rounds, schedule
from courtwatch.models import CourtHost, CourtUpdate, CourtWatch
from courtwatch.rounds import Outcome
from tests.courtwatch import rounds_doubles
from tests.courtwatch.conftest import PUBLIC_IP, watch_on
from tests.courtwatch.court_server import LAST_MODIFIED, card_bytes
from tests.factories import HearingFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


@pytest.fixture
def doubles(monkeypatch, settings):
    settings.COURT_WATCH_HOST_INTERVAL = 0  # rounds one after another here; politeness has its own tests
    return rounds_doubles.install(monkeypatch)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def run(watch, **options):
    claim = schedule.watch_claim(watch_id=watch.pk)
    assert claim is not None
    return rounds.watch_round(watch_id=watch.pk, claimed_at=claim.claimed_at, **options)


def state(watch):
    watch.refresh_from_db()
    return {
        "claimed_at": watch.claimed_at,
        "last_checked_at": watch.last_checked_at,
        "last_success_at": watch.last_success_at,
        "last_problem": watch.last_problem,
        "last_problem_detail": watch.last_problem_detail,
        "failures_in_a_row": watch.failures_in_a_row,
        "next_check_at": watch.next_check_at,
    }


def test_a_card_read_whole_is_proposed_and_recorded(court_site, doubles, frozen):
    watch = watch_on(court_site.url("/cards/mos-gorsud.html"))
    result = run(watch)
    assert (result.outcome, result.proposed, result.applied) == (Outcome.READ, 2, 0)
    assert state(watch) == {
        "claimed_at": None,
        "last_checked_at": NOW + dt.timedelta(microseconds=1),  # its claim was made at NOW
        "last_success_at": NOW,
        "last_problem": "",
        "last_problem_detail": "",
        "failures_in_a_row": 0,
        "next_check_at": NOW + dt.timedelta(hours=6),
    }
    assert sorted(CourtUpdate.objects.filter(watch=watch).values_list("kind", "state")) == [
        ("new", "proposed"),
        ("result", "proposed"),
    ]
    body = card_bytes("mos-gorsud.html")
    assert (watch.etag, watch.last_modified) == ('"' + hashlib.sha256(body).hexdigest()[:16] + '"', LAST_MODIFIED)
    assert watch.content_sha256 == hashlib.sha256(body).hexdigest()
    assert watch.last_reading == {
        "layout": "mos-gorsud",
        "case_number": "02а-0911/2026",
        "case_uid": "",
        "judge": "",
        "events": [
            {"name": "Подготовка", "date": "2026-10-13", "time": "11:00:00", "room": "410", "result": "Проведено",
             "reason": "", "is_hearing": True},
            {"name": "Судебное заседание", "date": "2026-12-10", "time": "10:30:00", "room": "410", "result": "",
             "reason": "", "is_hearing": True},
        ],
    }  # fmt: skip


def test_the_next_round_sends_the_validators_and_a_304_proposes_nothing(court_site, doubles):
    watch = watch_on(court_site.url("/cards/mos-gorsud.html"))
    run(watch)
    watch.refresh_from_db()
    result = run(watch)
    assert (result.outcome, result.how, result.proposed) == (Outcome.UNCHANGED, "304", 0)
    assert court_site.arrivals[1].headers["If-None-Match"] == watch.etag
    assert len(doubles.reads) == 1  # the reader was not asked again
    assert CourtUpdate.objects.filter(watch=watch).count() == 2


def test_the_same_bytes_again_propose_nothing(court_site, doubles):
    # given a site that gives no validators
    court_site.serve_card("/card", "mos-gorsud.html", validators=False)
    watch = watch_on(court_site.url("/card"))
    run(watch)
    result = run(watch)
    assert (result.outcome, result.how) == (Outcome.UNCHANGED, "same content")
    assert "If-None-Match" not in court_site.arrivals[1].headers
    assert (len(doubles.reads), doubles.proposals) == (1, [watch.pk])


def test_a_changed_card_is_read_again(court_site, doubles):
    court_site.serve_card("/card", "mos-gorsud.html")
    watch = watch_on(court_site.url("/card"))
    run(watch)
    court_site.serve_card("/card", "mos-gorsud-postponed.html")  # the court moved the hearing
    result = run(watch)
    assert (result.outcome, result.proposed) == (Outcome.READ, 2)  # the postponement and the new date
    watch.refresh_from_db()
    assert watch.last_reading["events"][2]["date"] == "2027-01-21"


@pytest.mark.parametrize(
    ("path", "problem", "detail"),
    [
        ("/status/503", "http", "HTTP 503"),
        ("/status/404", "http", "HTTP 404"),
        ("/captcha", "captcha", "the page asks for a captcha"),
        ("/cards/sudrf-newer.html", "layout", "no known layout"),
    ],
)
def test_a_failed_round_is_recorded_and_changes_nothing(court_site, doubles, frozen, path, problem, detail):
    # given a docket with a hearing, and an earlier good reading of its card
    watch = watch_on(court_site.url("/cards/mos-gorsud.html"))
    hearing = HearingFactory(case=watch.docket.case, court=watch.docket.court)
    run(watch)
    before = (list(CourtUpdate.objects.values_list("pk", "state")), Hearing.objects.get().starts_at, hearing.version)
    watch.refresh_from_db()
    reading, sha = watch.last_reading, watch.content_sha256
    # when the card can no longer be read
    CourtWatch.objects.filter(pk=watch.pk).update(url=court_site.url(path))
    result = run(watch)
    # then it is recorded in words, tried again sooner, and nothing else moves
    assert (result.outcome, result.problem, result.detail, result.failures_in_a_row) == (
        Outcome.FAILED,
        problem,
        detail,
        1,
    )
    assert state(watch) | {"last_checked_at": None} == {
        "claimed_at": None,
        "last_checked_at": None,
        "last_success_at": NOW,
        "last_problem": problem,
        "last_problem_detail": detail,
        "failures_in_a_row": 1,
        "next_check_at": NOW + dt.timedelta(minutes=15),
    }
    hearing.refresh_from_db()
    assert (list(CourtUpdate.objects.values_list("pk", "state")), hearing.starts_at, hearing.version) == before
    assert (watch.last_reading, watch.content_sha256) == (reading, sha)
    assert doubles.proposals == [watch.pk]  # the first, good round only


def test_failures_back_off_doubling_up_to_the_period(court_site, doubles, frozen):
    watch = watch_on(court_site.url("/status/500"))
    delays = []
    for _ in range(7):
        result = run(watch)
        delays.append(result.next_check_at - NOW)
    assert [d.total_seconds() / 60 for d in delays] == [15, 30, 60, 120, 240, 360, 360]


def test_a_503_with_retry_after_keeps_the_host_waiting(court_site, doubles, settings):
    settings.COURT_WATCH_HOST_INTERVAL = 10
    watch = watch_on(court_site.url("/status/503?retry_after=600"))
    before = timezone.now()
    run(watch)
    host = CourtHost.objects.get(host="127.0.0.1")
    assert host.backoff_seconds == 60
    assert before + dt.timedelta(seconds=599) < host.next_request_at < timezone.now() + dt.timedelta(seconds=601)


def test_a_timeout_backs_the_host_off_and_a_success_ends_it(court_site, doubles, settings):
    settings.COURT_WATCH_READ_TIMEOUT_SECONDS = 0.3
    settings.COURT_WATCH_HOST_BACKOFF_SECONDS = 1
    watch = watch_on(court_site.url("/slow?seconds=1"))
    result = run(watch)
    assert (result.problem, result.detail) == ("timeout", "no answer within 0.3 s")
    assert CourtHost.objects.get().backoff_seconds == 1
    CourtHost.objects.update(next_request_at=timezone.now())
    CourtWatch.objects.filter(pk=watch.pk).update(url=court_site.url("/cards/mos-gorsud.html"))
    assert run(watch).outcome is Outcome.READ
    assert CourtHost.objects.get().backoff_seconds == 0


def test_a_refused_address_is_a_failure_like_any_other(public_court, doubles):
    public_court.names["krv--spb.sudrf.ru"] = "192.168.1.10"
    watch = watch_on("http://krv--spb.sudrf.ru/modules.php?name=sud_delo")
    result = run(watch)
    assert (result.outcome, result.problem) == (Outcome.FAILED, "refused")
    assert result.detail == (
        "krv--spb.sudrf.ru resolves to 192.168.1.10, a private, link-local or reserved address: "
        "only public addresses may be reached."
    )
    assert doubles.reads == []


def test_a_reader_that_breaks_on_a_page_is_a_layout_failure(court_site, doubles):
    doubles.read_error = KeyError("td")
    watch = watch_on(court_site.url("/cards/mos-gorsud.html"))
    result = run(watch)
    assert (result.outcome, result.problem, result.detail) == (Outcome.FAILED, "layout", "the reader failed (KeyError)")
    assert CourtUpdate.objects.count() == 0


def test_a_round_that_breaks_on_our_side_is_not_left_claimed(court_site, doubles):
    doubles.propose_error = RuntimeError("bug")
    watch = watch_on(court_site.url("/cards/mos-gorsud.html"))
    with pytest.raises(RuntimeError):
        run(watch)
    current = state(watch)
    assert (current["claimed_at"], current["last_problem"], current["failures_in_a_row"]) == (None, "layout", 1)
    assert current["last_problem_detail"] == "the card could not be processed (RuntimeError)"
    assert CourtUpdate.objects.count() == 0


def test_auto_apply_applies_new_and_moved_hearings_only(court_site, doubles):
    watch = watch_on(court_site.url("/cards/mos-gorsud-postponed.html"), auto_apply=True)
    result = run(watch)
    assert (result.proposed, result.applied) == (3, 1)
    assert sorted(CourtUpdate.objects.values_list("kind", "state", "automatic")) == [
        ("new", "applied", True),
        ("result", "proposed", False),
        ("result", "proposed", False),
    ]


def test_an_update_auto_apply_cannot_make_stays_for_a_lawyer(court_site, doubles):
    doubles.refuse_apply = {"2027-01-21T15:00:00:listed"}
    watch = watch_on(court_site.url("/cards/mos-gorsud-postponed.html"), auto_apply=True)
    result = run(watch)
    assert (result.outcome, result.applied) == (Outcome.READ, 0)
    assert CourtUpdate.objects.get(kind="new").state == "proposed"


def test_the_same_message_run_twice_fetches_once(court_site, doubles):
    watch = watch_on(court_site.url("/cards/mos-gorsud.html"))
    claim = schedule.watch_claim(watch_id=watch.pk)
    first = rounds.watch_round(watch_id=watch.pk, claimed_at=claim.claimed_at)
    second = rounds.watch_round(watch_id=watch.pk, claimed_at=claim.claimed_at)
    assert (first.outcome, second.outcome, len(court_site.arrivals)) == (Outcome.READ, Outcome.NOT_OURS, 1)


def test_a_busy_host_gives_the_watch_back_or_asks_to_wait(court_site, doubles, settings):
    settings.COURT_WATCH_HOST_INTERVAL = 10
    watch = watch_on(court_site.url("/cards/mos-gorsud.html"))
    CourtHost.objects.create(host="127.0.0.1", next_request_at=timezone.now() + dt.timedelta(seconds=30))
    claim = schedule.watch_claim(watch_id=watch.pk)
    # a caller that may wait is told how long, and keeps its claim
    waiting = rounds.watch_round(watch_id=watch.pk, claimed_at=claim.claimed_at, wait_for_host_up_to=60)
    assert (waiting.outcome, waiting.released, 29 < waiting.wait_seconds <= 30) == (Outcome.HOST_BUSY, False, True)
    assert state(watch)["claimed_at"] == claim.claimed_at
    # one that may not gives the watch back, due when the host is free
    released = rounds.watch_round(watch_id=watch.pk, claimed_at=claim.claimed_at)
    assert (released.outcome, released.released) == (Outcome.HOST_BUSY, True)
    current = state(watch)
    assert current["claimed_at"] is None
    assert abs((current["next_check_at"] - CourtHost.objects.get().next_request_at).total_seconds()) < 1
    assert court_site.arrivals == []


def test_a_deleted_watch_is_gone(court_site, doubles):
    watch = watch_on(court_site.url("/cards/mos-gorsud.html"))
    claim = schedule.watch_claim(watch_id=watch.pk)
    CourtWatch.objects.filter(pk=watch.pk).delete()
    assert rounds.watch_round(watch_id=watch.pk, claimed_at=claim.claimed_at).outcome is Outcome.GONE


@pytest.mark.django_db(transaction=True)
def test_an_address_changed_during_the_round_records_nothing_of_the_old_card(court_site, doubles):
    watch = watch_on(court_site.url("/cards/mos-gorsud.html"))

    def edit(path):  # a lawyer corrects the address while the request is out
        CourtWatch.objects.filter(pk=watch.pk).update(url=court_site.url("/cards/mos-gorsud-postponed.html"))

    court_site.while_answering = edit
    result = run(watch)
    assert result.outcome is Outcome.STALE
    watch.refresh_from_db()
    assert (watch.claimed_at, watch.last_reading, watch.content_sha256, doubles.proposals) == (None, None, "", [])
    assert watch.next_check_at <= timezone.now()


def test_a_watch_paused_after_its_claim_is_given_back_unread(court_site, doubles):
    watch = watch_on(court_site.url("/cards/mos-gorsud.html"))
    claim = schedule.watch_claim(watch_id=watch.pk)
    CourtWatch.objects.filter(pk=watch.pk).update(paused=True)  # the lawyer pauses it meanwhile
    result = rounds.watch_round(watch_id=watch.pk, claimed_at=claim.claimed_at)
    assert (result.outcome, state(watch)["claimed_at"], court_site.arrivals) == (Outcome.PAUSED, None, [])
    # by hand (the command's --watch) it is read all the same
    claim = schedule.watch_claim(watch_id=watch.pk)
    assert rounds.watch_round(watch_id=watch.pk, claimed_at=claim.claimed_at, even_paused=True).outcome is Outcome.READ


# --- A redirect to another court's host keeps that host's pace ------------------------------


def redirected_watch(public_court):
    public_court.names["krv--spb.sudrf.ru"] = PUBLIC_IP
    public_court.names["mos-gorsud.ru"] = PUBLIC_IP
    return watch_on("http://krv--spb.sudrf.ru/redirect?to=http://mos-gorsud.ru/cards/mos-gorsud.html")


def test_a_redirect_to_another_host_takes_that_hosts_turn_too(public_court, monkeypatch, settings):
    rounds_doubles.install(monkeypatch)
    settings.COURT_WATCH_HOST_INTERVAL = 30
    watch = redirected_watch(public_court)
    # when a round reads a card whose address redirects to another court's host
    assert run(watch).outcome == Outcome.READ
    # then both hosts were asked once, and both now wait their interval before the next request
    assert [arrival.headers["Host"] for arrival in public_court.server.arrivals] == [
        "krv--spb.sudrf.ru",
        "mos-gorsud.ru",
    ]
    free_at = dict(CourtHost.objects.values_list("host", "next_request_at"))
    assert set(free_at) == {"krv--spb.sudrf.ru", "mos-gorsud.ru"}
    assert all(at > timezone.now() + dt.timedelta(seconds=25) for at in free_at.values())


def test_a_redirect_to_a_host_that_is_not_free_in_time_is_not_followed(public_court, monkeypatch, settings):
    rounds_doubles.install(monkeypatch)
    settings.COURT_WATCH_HOST_INTERVAL = 0
    settings.COURT_WATCH_TOTAL_TIMEOUT_SECONDS = 5
    watch = redirected_watch(public_court)
    # given the other host asked us to wait a minute (its backoff after a 429)
    CourtHost.objects.create(host="mos-gorsud.ru", next_request_at=timezone.now() + dt.timedelta(seconds=60))
    result = run(watch)
    # then the round fails without asking it, and says why
    assert (result.outcome, result.problem) == (Outcome.FAILED, "timeout")
    assert result.detail.startswith(
        "redirected to http://mos-gorsud.ru/cards/mos-gorsud.html, whose site is not free for another"
    )
    assert [arrival.headers["Host"] for arrival in public_court.server.arrivals] == ["krv--spb.sudrf.ru"]


def test_a_redirect_waits_for_a_host_that_is_free_within_the_fetch(public_court, monkeypatch, settings):
    rounds_doubles.install(monkeypatch)
    settings.COURT_WATCH_HOST_INTERVAL = 0
    watch = redirected_watch(public_court)
    CourtHost.objects.create(host="mos-gorsud.ru", next_request_at=timezone.now() + dt.timedelta(seconds=1.5))
    assert run(watch).outcome == Outcome.READ
    first, second = public_court.server.arrivals
    assert second.at - first.at >= 1.2  # waited for the other host's turn, then asked it
