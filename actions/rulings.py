"""Recording and changing a court's decision, with the deadlines that run from it."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from cases import services as case_services
from cases.models import Ruling
from cases.services import Actor
from deadlines import services as deadline_services
from reminders.deadline_reminders import deadline_reminders_sync
from reminders.services import notices_ruling_recorded


@transaction.atomic
def ruling_record(*, actor: Actor = None, **fields: Any) -> Ruling:
    """Record a court's decision: the ruling (a first one moves a filed or pending case to
    decided), the deadlines that run from it with their reminders to the lawyers, and one notice
    with the outcome to each subscriber of the case."""
    ruling = case_services.ruling_record(actor=actor, **fields)
    for deadline in deadline_services.deadlines_recompute(ruling=ruling, actor=actor):
        deadline_reminders_sync(deadline=deadline)
    notices_ruling_recorded(ruling=ruling)
    return ruling


@transaction.atomic
def ruling_update(*, ruling: Ruling, actor: Actor = None, expected_version: int | None = None, **fields: Any) -> Ruling:
    """Change a ruling; its deadlines are recomputed from its new dates, court and force."""
    ruling = case_services.ruling_update(ruling=ruling, actor=actor, expected_version=expected_version, **fields)
    for deadline in deadline_services.deadlines_recompute(ruling=ruling, actor=actor):
        deadline_reminders_sync(deadline=deadline)
    return ruling
