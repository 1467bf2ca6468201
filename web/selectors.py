"""Reads for the pages. Visibility comes from `cases.selectors`; this module only shapes what
each page shows, with the related rows fetched up front (the query counts are pinned in tests)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Min, Prefetch, Q, QuerySet
from django.utils import timezone

from cases.models import Appeal, Case, CaseEvent, Court, Docket, Hearing, HearingReschedule, Party, Ruling, Tag
from cases.redaction import mark, mark_case_for_public, redactor_for
from cases.selectors import User, cases_matching, cases_of_member
from deadlines.models import Deadline
from deadlines.selectors import deadlines_undetermined, deadlines_upcoming

OPEN_HEARING = [Hearing.Status.SCHEDULED, Hearing.Status.POSTPONED]
OPEN_APPEAL = [Appeal.Status.FILED, Appeal.Status.PENDING]


@dataclass
class HearingBoard:
    overdue: list[Hearing]
    upcoming: list[Hearing]


def dashboard_hearings(
    *,
    user: User,
    now: dt.datetime | None = None,
    case: Case | None = None,
    court: Court | None = None,
    date_from: dt.datetime | None = None,
    date_to: dt.datetime | None = None,
) -> HearingBoard:
    """Open hearings in the user's organizations' cases, nearest first. A hearing whose start has
    passed but is still scheduled or postponed is overdue: its outcome has not been recorded."""
    now = now or timezone.now()
    hearings = Hearing.objects.filter(case__in=cases_of_member(user=user), status__in=OPEN_HEARING).select_related(
        "case", "court"
    )
    if case is not None:
        hearings = hearings.filter(case=case)
    if court is not None:
        hearings = hearings.filter(court=court)
    if date_from is not None:
        hearings = hearings.filter(starts_at__gte=date_from)
    if date_to is not None:
        hearings = hearings.filter(starts_at__lt=date_to)
    rows = list(hearings.order_by("starts_at", "id"))
    return HearingBoard(
        overdue=[h for h in rows if h.starts_at < now],
        upcoming=[h for h in rows if h.starts_at >= now],
    )


@dataclass
class DeadlineBoard:
    today: dt.date
    overdue: list[Deadline]
    upcoming: list[Deadline]
    undetermined: list[Deadline]


def dashboard_deadlines(
    *,
    user: User,
    today: dt.date | None = None,
    case: Case | None = None,
    court: Court | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> DeadlineBoard:
    """Open deadlines in the user's organizations' cases (members only: `deadlines.selectors`),
    nearest first, the overdue ones apart. The court is the one whose ruling the deadline runs
    from. Deadlines whose trigger date is unknown have no date to fall in a range, so the date
    filters leave them in: they are exactly what a lawyer must look at."""
    today = today or timezone.localdate()
    dated = deadlines_upcoming(user=user, today=today, case=case)
    undetermined = deadlines_undetermined(user=user)
    if case is not None:
        undetermined = undetermined.filter(case=case)
    if court is not None:
        dated = dated.filter(ruling__court=court)
        undetermined = undetermined.filter(ruling__court=court)
    if date_from is not None:
        dated = dated.filter(due_on__gte=date_from)
    if date_to is not None:
        dated = dated.filter(due_on__lte=date_to)
    rows = list(dated)
    return DeadlineBoard(
        today=today,
        overdue=[d for d in rows if d.is_overdue(today)],
        upcoming=[d for d in rows if not d.is_overdue(today)],
        undetermined=list(undetermined),
    )


def courts_in_use(*, cases: QuerySet[Case]) -> QuerySet[Court]:
    """Courts where any of these cases has a hearing, a docket, a ruling or an appeal."""
    return Court.objects.filter(
        Q(pk__in=Hearing.objects.filter(case__in=cases).values("court"))
        | Q(pk__in=Docket.objects.filter(case__in=cases).values("court"))
        | Q(pk__in=Ruling.objects.filter(case__in=cases).values("court"))
        | Q(pk__in=Appeal.objects.filter(case__in=cases).values("court"))
    ).order_by("name")


def case_list(
    *,
    user: User,
    search: str = "",
    status: str = "",
    court: Court | None = None,
    tag: Tag | None = None,
    visibility: str = "",
    now: dt.datetime | None = None,
) -> QuerySet[Case]:
    now = now or timezone.now()
    cases = cases_of_member(user=user)
    if search:
        # Members search every party name (their own organization's cases) and docket numbers.
        cases = cases_matching(cases, search, public_names_only=False, dockets=True)
    if status:
        cases = cases.filter(status=status)
    if court is not None:
        cases = cases.filter(
            Q(pk__in=Hearing.objects.filter(court=court).values("case"))
            | Q(pk__in=Docket.objects.filter(court=court).values("case"))
            | Q(pk__in=Ruling.objects.filter(court=court).values("case"))
            | Q(pk__in=Appeal.objects.filter(court=court).values("case"))
        )
    if tag is not None:
        cases = cases.filter(pk__in=Case.tags.through.objects.filter(tag=tag).values("case"))
    if visibility == "public":
        cases = cases.filter(is_public=True)
    elif visibility == "private":
        cases = cases.filter(is_public=False)
    return (
        cases.select_related("organization")
        .prefetch_related("tags")
        .annotate(
            next_hearing_at=Min(
                "hearings__starts_at",
                filter=Q(hearings__starts_at__gte=now, hearings__status=Hearing.Status.SCHEDULED),
            )
        )
        .order_by("-updated_at", "title")
    )


def case_for_page(*, slug: str, public_only: bool = False) -> Case | None:
    """One case with everything its page shows. On the public page the private rows
    (unpublished timeline facts, planned appeals) are left out here, not just hidden in the
    template."""
    events = CaseEvent.objects.all()
    appeals = Appeal.objects.select_related("court", "ruling", "appellant", "decided_by")
    if public_only:
        events = events.filter(is_public=True)
        # An appeal not yet filed is the organization's plan, not a public fact.
        appeals = appeals.exclude(status=Appeal.Status.PLANNED)
    cases = Case.objects.filter(slug=slug)
    if public_only:
        cases = cases.filter(is_public=True)
    case = (
        cases.select_related("organization")
        .prefetch_related(
            "tags",
            Prefetch("parties", queryset=Party.objects.select_related("represents")),
            # A docket's court watch in the same query (the lawyers' page; the public one shows none).
            Prefetch("dockets", queryset=Docket.objects.select_related("court", "watch")),
            Prefetch("events", queryset=events),
            Prefetch(
                "hearings",
                queryset=Hearing.objects.select_related("court").prefetch_related(
                    Prefetch("reschedules", queryset=HearingReschedule.objects.order_by("changed_at", "id"))
                ),
            ),
            Prefetch("rulings", queryset=Ruling.objects.select_related("court__appeals_to")),
            Prefetch("appeals", queryset=appeals),
        )
        .first()
    )
    if case is not None and public_only:
        # Outsiders read a hidden party's name as the alias, and no private reschedule reason.
        mark_case_for_public(case)
    return case


def case_default_court(*, case: Case) -> Court | None:
    """The court a new hearing or ruling most likely belongs to: where an appeal is pending,
    else the court of the latest hearing, else of the latest docket, else of the latest ruling."""
    appeal = case.appeals.filter(status__in=OPEN_APPEAL).select_related("court").order_by("-filed_on", "-id").first()
    if appeal:
        return appeal.court
    for related in (
        case.hearings.select_related("court").order_by("-starts_at"),
        case.dockets.select_related("court").order_by("-id"),
        case.rulings.select_related("court").order_by("-decided_on", "-id"),
    ):
        row = related.first()
        if row is not None:
            return row.court  # type: ignore[attr-defined]
    return None


def appeal_courts(*, ruling: Ruling) -> tuple[list[Court], Court | None]:
    """Courts an appeal against this ruling may go to: up the hierarchy from the ruling's court
    (the next instance first), then international courts. Returns them and the suggested one."""
    chain: list[Court] = []
    seen = {ruling.court_id}
    court = ruling.court.appeals_to
    while court is not None and court.pk not in seen:
        chain.append(court)
        seen.add(court.pk)
        court = court.appeals_to
    international = Court.objects.filter(level=Court.Level.INTERNATIONAL).exclude(pk__in=seen).order_by("name")
    return chain + list(international), (chain[0] if chain else None)


def public_cases() -> list[Case]:
    """Public cases, each read for outsiders (a hidden party's name in a title shows as the alias)."""
    hidden = Prefetch("parties", queryset=Party.objects.filter(consent_to_publish=False), to_attr="hidden_parties")
    cases = Case.objects.filter(is_public=True).prefetch_related("tags", hidden).order_by("-filed_on", "title")
    for case in cases:
        mark(redactor_for(case.hidden_parties), case)
    return list(cases)


def next_hearing(*, case: Case, now: dt.datetime | None = None) -> Hearing | None:
    """From the prefetched hearings: the next scheduled one."""
    now = now or timezone.now()
    upcoming = [h for h in case.hearings.all() if h.status == Hearing.Status.SCHEDULED and h.starts_at >= now]
    return min(upcoming, key=lambda h: h.starts_at, default=None)
