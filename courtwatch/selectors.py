"""Reads of the court watch. Watches and proposals belong to the case's organization: only its
members see them, even on a public case (a watch's URL and state are the lawyers' tooling)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext

from cases.models import Case
from courtwatch.models import CourtUpdate, CourtWatch
from courtwatch.reading import Words


def court_watches_for(*, organizations: Iterable[int] | None) -> QuerySet[CourtWatch]:
    """The watches of these organizations' cases (None: every organization's, for superusers)."""
    watches = CourtWatch.objects.select_related("docket__case", "docket__court")
    if organizations is not None:
        watches = watches.filter(docket__case__organization_id__in=list(organizations))
    return watches.order_by("id")


def court_updates_for(*, organizations: Iterable[int] | None) -> QuerySet[CourtUpdate]:
    """The proposals of these organizations' cases (None: every organization's), newest first."""
    updates = CourtUpdate.objects.select_related("case", "watch__docket__court", "hearing", "decided_by")
    if organizations is not None:
        updates = updates.filter(case__organization_id__in=list(organizations))
    return updates.order_by("-created_at", "-id")


def court_updates_open(*, case: Case) -> QuerySet[CourtUpdate]:
    """The case's proposals waiting for a lawyer, oldest first (the order the card gave them).
    For the case's page: the caller has checked membership."""
    return (
        CourtUpdate.objects.filter(case=case, state=CourtUpdate.State.PROPOSED)
        .select_related("watch__docket__court", "hearing__court")
        .order_by("created_at", "id")
    )


def watch_problem_words(watch: CourtWatch) -> str:
    """The last problem as the lawyer reads it: "The court's site answered with an error (HTTP 503)"."""
    if not watch.last_problem:
        return ""
    label = str(watch.get_last_problem_display())
    detail = watch_problem_detail(watch)
    return f"{label} ({detail})" if detail else label


def watch_problem_detail(watch: CourtWatch) -> str:
    """What went wrong, in the active language ("нет соединения за 10 с")."""
    recorded = Words.from_json(watch.last_problem_words)
    return recorded.translated() if recorded is not None else watch.last_problem_detail


def watch_state_words(watch: CourtWatch) -> str:
    """One sentence for the watch's state: paused, not read yet, reading fails, or read fine."""
    if watch.paused:
        return gettext("Paused: the card is not read until the watch is resumed.")
    if watch.last_problem:
        return gettext("The card could not be read at the last check: %(problem)s.") % {
            "problem": watch_problem_words(watch)
        }
    if watch.last_success_at is None:
        return gettext("Not read yet: the first check is due.")
    return gettext("Read without problems at the last check.")
