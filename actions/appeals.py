"""Appeals, and the deadlines they meet: filing an appeal closes the deadline of its kind that
runs from the ruling it challenges; planning, changing or deleting it releases what it closed."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from cases import services as case_services
from cases.models import Appeal, Ruling
from cases.services import Actor
from deadlines import services as deadline_services
from reminders.deadline_reminders import deadline_reminders_sync


@transaction.atomic
def appeal_file(*, actor: Actor = None, **fields: Any) -> Appeal:
    """File (or plan) an appeal: a decided or closed case goes under appeal, and the deadline it
    meets is closed (its reminders cancelled)."""
    appeal = case_services.appeal_file(actor=actor, **fields)
    for deadline in deadline_services.deadlines_sync_appeal(appeal=appeal, actor=actor):
        deadline_reminders_sync(deadline=deadline)
    return appeal


@transaction.atomic
def appeal_update(*, appeal: Appeal, actor: Actor = None, expected_version: int | None = None, **fields: Any) -> Appeal:
    appeal = case_services.appeal_update(appeal=appeal, actor=actor, expected_version=expected_version, **fields)
    for deadline in deadline_services.deadlines_sync_appeal(appeal=appeal, actor=actor):
        deadline_reminders_sync(deadline=deadline)
    return appeal


@transaction.atomic
def appeal_decide(
    *, appeal: Appeal, ruling: Ruling, actor: Actor = None, expected_version: int | None = None
) -> Appeal:
    """Link an appeal to the ruling that decided it (the chain can then be walked both ways)."""
    return appeal_update(
        appeal=appeal, status=Appeal.Status.DECIDED, decided_by=ruling, actor=actor, expected_version=expected_version
    )


@transaction.atomic
def appeal_delete(*, appeal: Appeal, actor: Actor = None, expected_version: int | None = None) -> None:
    """Delete an appeal; the deadlines it had closed open again, with their reminders."""
    for deadline in deadline_services.deadlines_sync_appeal(appeal=appeal, actor=actor, deleting=True):
        deadline_reminders_sync(deadline=deadline)
    case_services.appeal_delete(appeal=appeal, actor=actor, expected_version=expected_version)
