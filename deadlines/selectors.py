"""Reads of deadlines, for the admin now and the API, dashboard, dossier, feeds and reminders.

Deadlines show a case's litigation strategy (whether and when it will be appealed, and why a
date was overridden), so they are for the members of the case's organization only, even on a
public case: unlike hearings, which are public events.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as UserModel
from django.db.models import F, QuerySet
from django.utils import timezone

from cases.models import Case
from deadlines.models import Deadline

User = UserModel | AnonymousUser | None


def deadlines_visible_to(*, user: User) -> QuerySet[Deadline]:
    if not isinstance(user, UserModel) or not user.is_active:
        return Deadline.objects.none()
    if user.is_superuser:
        return Deadline.objects.all()
    return Deadline.objects.filter(case__organization__memberships__user=user)


def deadlines_upcoming(
    *,
    user: User,
    today: dt.date | None = None,
    until: dt.date | None = None,
    case: Case | None = None,
    include_overdue: bool = True,
) -> QuerySet[Deadline]:
    """Open deadlines with a known due date, nearest first (overdue ones first of all, unless
    `include_overdue` is off), in the cases whose organization the user belongs to."""
    today = today or timezone.localdate()
    deadlines = (
        deadlines_visible_to(user=user)
        .filter(state=Deadline.State.OPEN, due_on__isnull=False)
        .select_related("case", "ruling__court", "case__organization")
    )
    if not include_overdue:
        deadlines = deadlines.filter(due_on__gte=today)
    if until is not None:
        deadlines = deadlines.filter(due_on__lte=until)
    if case is not None:
        deadlines = deadlines.filter(case=case)
    return deadlines.order_by("due_on", "id")


def deadlines_undetermined(*, user: User) -> QuerySet[Deadline]:
    """Open deadlines whose trigger date is not recorded yet: lawyers must enter it."""
    return (
        deadlines_visible_to(user=user)
        .filter(state=Deadline.State.OPEN, due_on__isnull=True)
        .select_related("case", "ruling__court")
        .order_by("ruling__decided_on", "id")
    )


_CALLER_CHECKED = object()


def deadlines_for_case(
    *, case: Case, user: User | object = _CALLER_CHECKED, include_void: bool = False
) -> QuerySet[Deadline]:
    """All deadlines of a case, by due date (unknown dates last). Pass `user` to get only what
    that user may see (nothing unless a member); without it the caller has already checked
    `cases.selectors.case_user_is_member`."""
    visible = Deadline.objects.all() if user is _CALLER_CHECKED else deadlines_visible_to(user=user)  # type: ignore[arg-type]
    deadlines = visible.filter(case=case).select_related("ruling__court", "closed_by_appeal")
    if not include_void:
        deadlines = deadlines.exclude(state=Deadline.State.VOID)
    return deadlines.order_by(F("due_on").asc(nulls_last=True), "id")
