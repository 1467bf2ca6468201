from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from courtwatch import notices, rounds, schedule
from courtwatch.models import CourtWatch

# By hand, a busy court host is waited for (politely) rather than left for the beat.
HOST_WAIT_MAX_SECONDS = 15 * 60


class Command(BaseCommand):
    help = "Court watch by hand: `check` runs one round of every due watch, or of one watch whatever its schedule."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="Fetch and read the due watches' cards now (or one watch's).")
        check.add_argument("--watch", type=int, metavar="ID", help="Only this watch, due or not, paused or not.")

    def handle(self, *args: Any, **options: Any) -> None:
        watch_id = options.get("watch")
        if watch_id is not None:
            self._check_one(watch_id)
            return
        plan = schedule.watches_claim_due(horizon=dt.timedelta(seconds=HOST_WAIT_MAX_SECONDS))
        if not plan.claimed:
            self.stdout.write("No court watch is due." if not plan.deferred else
                              f"No court watch can be checked now: {plan.deferred} wait for their court's site.")  # fmt: skip
            return
        for claim in plan.claimed:  # in the order of their hosts' turns
            self._run(claim)
        if plan.deferred:
            self.stdout.write(f"{plan.deferred} more due watches wait for their court's site; the beat will take them.")

    def _check_one(self, watch_id: int) -> None:
        if not CourtWatch.objects.filter(pk=watch_id).exists():
            raise CommandError(f"There is no court watch with id {watch_id}.")
        claim = schedule.watch_claim(watch_id=watch_id)
        if claim is None:
            raise CommandError(f"Court watch {watch_id} is being checked by a worker right now; try again in a minute.")
        self._run(claim, even_paused=True)

    def _run(self, claim: schedule.Claim, *, even_paused: bool = False) -> None:
        while True:
            result = rounds.watch_round(
                watch_id=claim.watch_id,
                claimed_at=claim.claimed_at,
                wait_for_host_up_to=HOST_WAIT_MAX_SECONDS,
                even_paused=even_paused,
            )
            if result.outcome is not rounds.Outcome.HOST_BUSY or result.released:
                break
            self.stdout.write(
                f"Court watch {claim.watch_id}: its court's site is busy; waiting {result.wait_seconds:.1f} s."
            )
            time.sleep(result.wait_seconds)
        sent = notices.watch_failure_notify(watch_id=claim.watch_id) if result.notice_due else 0
        self.stdout.write(round_sentence(result, notified=sent))


def _at(moment: dt.datetime | None) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else "-"


def round_sentence(result: rounds.RoundResult, *, notified: int = 0) -> str:
    """What a round did, in a sentence (for the operator: English, as the other commands)."""
    head = f"Court watch {result.watch_id}"
    outcome = result.outcome
    if outcome is rounds.Outcome.READ:
        return (
            f"{head}: the card was read; {result.proposed} update(s) proposed, {result.applied} applied "
            f"automatically; next check at {_at(result.next_check_at)}."
        )
    if outcome is rounds.Outcome.UNCHANGED:
        why = "the site answered 304 Not Modified" if result.how == "304" else "the same page as last time"
        return f"{head}: the card has not changed ({why}); next check at {_at(result.next_check_at)}."
    if outcome is rounds.Outcome.FAILED:
        problem = str(CourtWatch.Problem(result.problem).label)
        detail = f" ({result.detail})" if result.detail else ""
        told = f"; {notified} lawyer(s) told by email" if notified else ""
        return (
            f"{head}: the card could not be read: {problem}{detail}; nothing was changed. "
            f"{result.failures_in_a_row} failed round(s) in a row{told}; next try at {_at(result.next_check_at)}."
        )
    if outcome is rounds.Outcome.HOST_BUSY:
        return f"{head}: its court's site is not free before {_at(result.next_check_at)}; left for the beat."
    if outcome is rounds.Outcome.STALE:
        return f"{head}: its address changed during the round; it will be read again at the next tick."
    if outcome is rounds.Outcome.PAUSED:
        return f"{head}: paused since it fell due; nothing fetched."
    if outcome is rounds.Outcome.GONE:
        return f"{head}: deleted during the round; nothing done."
    return f"{head}: another round holds it; nothing done."
