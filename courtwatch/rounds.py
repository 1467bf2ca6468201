"""One round of a watch: fetch the card, read it, propose what changed, apply it if the watch
says so, and record on the watch what happened.

A round that gets no card read whole (refused, HTTP error, timeout, too large, a captcha, a
layout no reader knows) changes no hearing and proposes nothing: it records the problem in
words, counts the failure and tries again sooner (doubling from COURT_WATCH_RETRY_BASE_SECONDS
up to COURT_WATCH_EVERY). A card equal to the last one read whole (a 304 to the watch's
validators, or the same bytes) proposes nothing either.

Safe to run twice: the round holds the watch by its claim (`claimed_at`, set by the tick or
by `watch_claim`), and moves the claim to its own start time before fetching, so a second run
of the same message finds the claim gone and does nothing; every later write is conditional
on that start time, so a round that outlived its lease (another tick took the watch) records
nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop

from courtwatch import proposals, readers
from courtwatch import services as watch_services
from courtwatch.fetch import Fetched, FetchFailed, card_fetch, url_host
from courtwatch.hosts import host_answered, host_turn_take
from courtwatch.models import CourtUpdate, CourtWatch
from courtwatch.reading import CardReading, CardUnreadable, Words, case_number_key, words
from courtwatch.schedule import Claim, watch_release

logger = logging.getLogger(__name__)

_DETAIL_MAX = CourtWatch._meta.get_field("last_problem_detail").max_length or 300


class Outcome(enum.StrEnum):
    READ = "read"  # read whole; its proposals made (perhaps none)
    UNCHANGED = "unchanged"  # 304, or the same bytes as the last card read whole
    FAILED = "failed"  # no card read whole: the problem is on the watch
    HOST_BUSY = "host_busy"  # the court host's turn had not come: nothing fetched
    NOT_OURS = "not_ours"  # another round holds the watch, or this claim is over
    STALE = "stale"  # the watch's address changed during the round: read again soon
    PAUSED = "paused"  # paused after the tick claimed it: nothing fetched
    GONE = "gone"  # the watch was deleted


@dataclasses.dataclass(frozen=True)
class RoundResult:
    watch_id: int
    outcome: Outcome
    proposed: int = 0
    applied: int = 0
    problem: str = ""
    detail: str = ""
    failures_in_a_row: int = 0
    next_check_at: dt.datetime | None = None
    wait_seconds: float = 0.0  # HOST_BUSY: until the host is free
    released: bool = False  # HOST_BUSY: given back to the schedule (else the caller waits and retries)
    notice_due: bool = False  # FAILED: the lawyers are to be told (notices.watch_failure_notify)
    how: str = ""  # UNCHANGED: "304" or "same content"


def watch_round(
    *, watch_id: int, claimed_at: dt.datetime, wait_for_host_up_to: float = 0.0, even_paused: bool = False
) -> RoundResult:
    """Run one round of the watch claimed at `claimed_at`. When its court host is busy for at
    most `wait_for_host_up_to` seconds, nothing is done and the result says how long to wait
    (the caller retries); longer, the watch goes back to the schedule, due when the host is free.
    A watch paused since it was claimed is given back unread, unless `even_paused` (by hand)."""
    watch = CourtWatch.objects.filter(pk=watch_id).only("url", "paused", "claimed_at", "etag", "last_modified").first()
    if watch is None:
        return RoundResult(watch_id, Outcome.GONE)
    if watch.claimed_at != claimed_at:
        return RoundResult(watch_id, Outcome.NOT_OURS)
    if watch.paused and not even_paused:
        CourtWatch.objects.filter(pk=watch_id, claimed_at=claimed_at).update(claimed_at=None)
        return RoundResult(watch_id, Outcome.PAUSED)
    host = url_host(watch.url)
    wait = host_turn_take(host=host)
    if wait > 0:
        if wait <= wait_for_host_up_to:
            return RoundResult(watch_id, Outcome.HOST_BUSY, wait_seconds=wait)
        due_at = timezone.now() + dt.timedelta(seconds=wait)
        claim = Claim(watch_id, claimed_at, claimed_at)
        if not watch_release(claim=claim, due_at=due_at):
            return RoundResult(watch_id, Outcome.NOT_OURS)
        return RoundResult(watch_id, Outcome.HOST_BUSY, wait_seconds=wait, released=True, next_check_at=due_at)
    started = max(timezone.now(), claimed_at + dt.timedelta(microseconds=1))
    if not CourtWatch.objects.filter(pk=watch_id, claimed_at=claimed_at).update(claimed_at=started):
        return RoundResult(watch_id, Outcome.NOT_OURS)  # a second run of the same message
    taken = [host]  # the hosts whose turn this round took: the card's, and any it redirects to

    def host_turn(url: str) -> float:
        other = url_host(url)
        if other in taken:
            return 0.0
        wait = host_turn_take(host=other)
        if wait == 0:
            taken.append(other)
        return wait

    try:
        try:
            fetched: Fetched | None = card_fetch(
                watch.url, etag=watch.etag, last_modified=watch.last_modified, host_turn=host_turn
            )
            failure: FetchFailed | None = None
        except FetchFailed as exc:
            fetched, failure = None, exc
        # The host that failed (a 429, 503 or timeout) waits longer; every host asked keeps its pace.
        failed_host = url_host(failure.url) if failure is not None and failure.url else host
        for asked in taken:
            slow_down = failure is not None and failure.slow_down and asked == failed_host
            host_answered(
                host=asked, slow_down=slow_down, retry_after=failure.retry_after if failure and slow_down else None
            )
        return _conclude(watch_id=watch_id, started=started, url=watch.url, fetched=fetched, failure=failure)
    except Exception as exc:  # our side broke (or the task's time limit): not left claimed for the lease
        _release_after_crash(watch_id=watch_id, started=started, exc=exc)
        raise


# --- Recording the round ----------------------------------------------------------------------


_STATE_FIELDS = [
    "claimed_at",
    "last_checked_at",
    "last_success_at",
    "last_problem",
    "last_problem_detail",
    "last_problem_words",
    "failures_in_a_row",
    "failure_notice_sent_at",
    "next_check_at",
    "etag",
    "last_modified",
    "content_sha256",
    "last_reading",
]


@transaction.atomic
def _conclude(
    *, watch_id: int, started: dt.datetime, url: str, fetched: Fetched | None, failure: FetchFailed | None
) -> RoundResult:
    watch = (
        CourtWatch.objects.select_for_update(of=("self",))
        .select_related("docket__case", "docket__court")
        .filter(pk=watch_id, claimed_at=started)
        .first()
    )
    if watch is None:
        return RoundResult(watch_id, Outcome.NOT_OURS)  # deleted, or taken over after the lease
    now = timezone.now()
    watch.claimed_at = None
    watch.last_checked_at = started
    if watch.url != url:  # edited while the request was out: this answer is about another card
        watch.next_check_at = now
        watch.save(update_fields=["claimed_at", "next_check_at"])
        return RoundResult(watch_id, Outcome.STALE, next_check_at=now)
    if failure is not None:
        return _failed(watch, problem=failure.problem, detail=failure.words, now=now)
    assert fetched is not None  # noqa: S101 (one of the two is set)
    if fetched.not_modified:
        return _succeeded(watch, fetched=fetched, reading=None, digest="", now=now, how="304")
    digest = hashlib.sha256(fetched.body).hexdigest()
    if digest == watch.content_sha256 and watch.last_reading is not None:
        return _succeeded(watch, fetched=fetched, reading=None, digest=digest, now=now, how="same content")
    try:
        reading = readers.card_read(fetched.body, content_type=fetched.content_type)
    except CardUnreadable as exc:
        problem = exc.problem if exc.problem in CourtWatch.Problem.values else CourtWatch.Problem.LAYOUT
        return _failed(watch, problem=problem, detail=exc.words, now=now)
    except Exception as exc:
        # A page a reader trips over is a page it cannot read: reported, never taken for "no hearings".
        logger.exception("court watch %s: the reader failed on %s", watch_id, fetched.url)
        detail = words(gettext_noop("the reader failed (%(error)s)"), error=type(exc).__name__)
        return _failed(watch, problem=CourtWatch.Problem.LAYOUT, detail=detail, now=now)
    if case_number_key(reading.case_number) != case_number_key(watch.docket.number):
        # A URL pasted from another case's card would otherwise propose (and, with auto_apply,
        # apply) that case's hearings to this one.
        detail = words(
            gettext_noop("the card's case is %(card)s, the docket's %(docket)s"),
            card=reading.case_number,
            docket=watch.docket.number,
        )
        return _failed(watch, problem=CourtWatch.Problem.OTHER_CASE, detail=detail, now=now)
    proposed = proposals.updates_propose(watch=watch, reading=reading)
    applied = _apply_automatically(proposed) if watch.auto_apply else 0
    return _succeeded(
        watch, fetched=fetched, reading=reading, digest=digest, now=now, proposed=proposed, applied=applied
    )


def retry_delay(failures_in_a_row: int) -> dt.timedelta:
    """After the n-th failed round in a row: the base, doubled each time, at most the period."""
    seconds = settings.COURT_WATCH_RETRY_BASE_SECONDS * 2 ** min(max(failures_in_a_row - 1, 0), 20)
    return dt.timedelta(seconds=min(seconds, settings.COURT_WATCH_EVERY))


def _failed(watch: CourtWatch, *, problem: str, detail: Words, now: dt.datetime) -> RoundResult:
    watch.last_problem = problem
    watch.last_problem_detail = " ".join(detail.english().split())[:_DETAIL_MAX]
    watch.last_problem_words = detail.as_json()
    watch.failures_in_a_row += 1
    watch.next_check_at = now + retry_delay(watch.failures_in_a_row)
    watch.save(update_fields=["claimed_at", "last_checked_at", "last_problem", "last_problem_detail",
                              "last_problem_words", "failures_in_a_row", "next_check_at"])  # fmt: skip
    notice_due = (
        watch.failures_in_a_row >= settings.COURT_WATCH_FAILURES_BEFORE_NOTICE and watch.failure_notice_sent_at is None
    )
    return RoundResult(
        watch.pk,
        Outcome.FAILED,
        problem=problem,
        detail=watch.last_problem_detail,
        failures_in_a_row=watch.failures_in_a_row,
        next_check_at=watch.next_check_at,
        notice_due=notice_due,
    )


def _succeeded(
    watch: CourtWatch,
    *,
    fetched: Fetched,
    reading: CardReading | None,
    digest: str,
    now: dt.datetime,
    proposed: list[CourtUpdate] | None = None,
    applied: int = 0,
    how: str = "",
) -> RoundResult:
    watch.last_success_at = now
    watch.last_problem, watch.last_problem_detail, watch.last_problem_words = CourtWatch.Problem.NONE, "", None
    watch.failures_in_a_row, watch.failure_notice_sent_at = 0, None  # a new run of failures is told again
    watch.next_check_at = now + dt.timedelta(seconds=settings.COURT_WATCH_EVERY)
    # Validators only from a card that was read (or is the one read): a 304 then means "as read".
    if fetched.etag or not fetched.not_modified:
        watch.etag = fetched.etag[:300]
    if fetched.last_modified or not fetched.not_modified:
        watch.last_modified = fetched.last_modified[:100]
    if reading is not None:
        watch.content_sha256 = digest
        watch.last_reading = reading_as_json(reading)
    watch.save(update_fields=_STATE_FIELDS)
    outcome = Outcome.READ if reading is not None else Outcome.UNCHANGED
    return RoundResult(
        watch.pk, outcome, proposed=len(proposed or []), applied=applied, next_check_at=watch.next_check_at, how=how
    )


def _apply_automatically(proposed: list[CourtUpdate]) -> int:
    """The watch's auto_apply: new and moved hearings applied at once, through the same write as
    a lawyer's accept (`update_apply`, which leaves one it cannot apply, the hearing changed
    meanwhile or a rule refuses it, proposed for a lawyer). Returns how many were applied."""
    applied = 0
    for update in proposed:
        if update.kind not in watch_services.AUTO_APPLIED_KINDS:
            continue
        result = watch_services.update_apply(update=update, actor=None, automatic=True)
        applied += result.state == CourtUpdate.State.APPLIED
    return applied


def _release_after_crash(*, watch_id: int, started: dt.datetime, exc: Exception) -> None:
    """A round that broke on our side: the watch is not left claimed until the lease ends, and
    its lawyers see that the card could not be read (never that nothing changed)."""
    now = timezone.now()
    crash = words(gettext_noop("the card could not be processed (%(error)s)"), error=type(exc).__name__)
    CourtWatch.objects.filter(pk=watch_id, claimed_at=started).update(
        claimed_at=None,
        last_checked_at=started,
        last_problem=CourtWatch.Problem.LAYOUT,
        last_problem_detail=crash.english()[:_DETAIL_MAX],
        last_problem_words=crash.as_json(),
        failures_in_a_row=F("failures_in_a_row") + 1,
        next_check_at=now + dt.timedelta(seconds=settings.COURT_WATCH_RETRY_BASE_SECONDS),
    )


def reading_as_json(reading: CardReading) -> dict[str, Any]:
    """CardReading's fields for `CourtWatch.last_reading`: dates and times as ISO strings."""

    def plain(value: Any) -> Any:
        if isinstance(value, dt.date | dt.time):
            return value.isoformat()
        if isinstance(value, list | tuple):
            return [plain(item) for item in value]
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        return value

    result: dict[str, Any] = plain(dataclasses.asdict(reading))
    return result
