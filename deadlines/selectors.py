"""Reads of deadlines.

Deadlines show a case's litigation strategy (whether and when it will be appealed, and why a
date was overridden), so they are for the members of the case's organization only, even on a
public case: unlike hearings, which are public events.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as UserModel
from django.db.models import F, QuerySet
from django.utils import timezone

from cases.models import Case
from cases.selectors import OrganizationReader
from deadlines.models import Deadline

User = UserModel | AnonymousUser | OrganizationReader | None


def deadlines_visible_to(*, user: User) -> QuerySet[Deadline]:
    if isinstance(user, OrganizationReader):
        return Deadline.objects.filter(case__organization_id=user.organization_id)
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


def deadlines_for_dossier(*, case: Case, public: bool) -> list[dict[str, Any]]:
    """The deadlines a dossier shows, as plain values (`documents/dossier/deadlines_hook.py`
    words and translates them): open, met, late and closed ones, by due date, unknown dates last.

    The public edition shows none. A deadline is computed from a public ruling, but whether it
    is open, was met, was closed without filing, or had its date overridden (and the reason)
    tells the other side the organization's strategy: the same reason deadlines stay inside
    the organization on the web pages and in the API even for a public case. Those who may
    receive an internal dossier are members, so the internal edition shows them all.
    """
    if public:
        return []
    return [
        {
            "due_on": d.due_on,
            "computed_due_on": d.computed_due_on,
            "override_due_on": d.override_due_on,
            "override_reason": d.override_reason,
            "rule_code": d.rule_code,
            "rule_title": d.rule_title,
            "rule_source": d.rule_source,
            "step": d.step,
            "state": d.state,
            "state_reason": d.state_reason,
            "trigger_label": d.trigger_label,
            "trigger_on": d.trigger_on,
        }
        for d in deadlines_for_case(case=case)
    ]
