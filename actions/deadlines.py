"""Writes to deadlines, with the lawyers' reminders (7 days, 2 days, on the day) following each
deadline saved in the same transaction, and the reminders that follow a change elsewhere: who
the organization's lawyers are, which organization a case belongs to, a court's time zone."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from cases.models import Case, Court, Organization, Ruling
from cases.services import Actor
from deadlines import services as deadline_services
from deadlines.models import Deadline
from reminders.deadline_reminders import deadline_reminders_sync


@transaction.atomic
def deadlines_recompute(*, ruling: Ruling, actor: Actor = None) -> list[Deadline]:
    """Compute (or recompute) the deadlines that run from a ruling. Returns those saved."""
    saved = deadline_services.deadlines_recompute(ruling=ruling, actor=actor)
    for deadline in saved:
        deadline_reminders_sync(deadline=deadline)
    return saved


@transaction.atomic
def deadline_override(
    *,
    deadline: Deadline,
    due_on: dt.date | None,
    reason: str,
    actor: Actor = None,
    expected_version: int | None = None,
) -> Deadline:
    """A lawyer sets the due date by hand, or clears the override with `due_on=None`; the
    reminders move to the new date."""
    deadline = deadline_services.deadline_override(
        deadline=deadline, due_on=due_on, reason=reason, actor=actor, expected_version=expected_version
    )
    deadline_reminders_sync(deadline=deadline)
    return deadline


@transaction.atomic
def deadline_close(
    *, deadline: Deadline, reason: str, actor: Actor = None, expected_version: int | None = None
) -> Deadline:
    """Close an open deadline without filing (e.g. the client decided not to appeal); its pending
    reminders are cancelled."""
    deadline = deadline_services.deadline_close(
        deadline=deadline, reason=reason, actor=actor, expected_version=expected_version
    )
    deadline_reminders_sync(deadline=deadline)
    return deadline


@transaction.atomic
def deadline_reminders_organization_sync(*, organization: Organization) -> None:
    """After a change to who are the organization's lawyers and owners: their open deadlines'
    reminders go to the new set (a lawyer who joins gets those still ahead; one who leaves, none)."""
    open_deadlines = Deadline.objects.select_for_update().filter(
        case__organization=organization, state=Deadline.State.OPEN, due_on__isnull=False
    )
    for deadline in open_deadlines:
        deadline_reminders_sync(deadline=deadline)


@transaction.atomic
def deadline_reminders_case_sync(*, case: Case) -> None:
    """After the case moved to another organization: its lawyers get the reminders instead."""
    for deadline in Deadline.objects.select_for_update().filter(case=case, state=Deadline.State.OPEN):
        deadline_reminders_sync(deadline=deadline)


@transaction.atomic
def deadline_reminders_court_sync(*, court: Court) -> None:
    """After a court's time zone changed: its deadlines' reminders move to 09:00 in the new zone."""
    open_deadlines = Deadline.objects.select_for_update().filter(ruling__court=court, state=Deadline.State.OPEN)
    for deadline in open_deadlines:
        deadline_reminders_sync(deadline=deadline, retime=True)
