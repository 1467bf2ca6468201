"""A case's changes that reach its deadlines."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from actions.deadlines import deadline_reminders_case_sync
from cases import services as case_services
from cases.models import Case
from cases.services import Actor
from deadlines import services as deadline_services
from reminders.deadline_reminders import deadline_reminders_sync


@transaction.atomic
def case_update(
    *,
    case: Case,
    actor: Actor = None,
    expected_version: int | None = None,
    tags: Iterable[str] | None = None,
    **fields: Any,
) -> Case:
    """Change a case. Its proceeding decides which deadline rules apply, so its rulings' deadlines
    are recomputed; moved to another organization, its open deadlines remind that one's lawyers."""
    proceeding, organization_id = Case.objects.values_list("proceeding", "organization_id").get(pk=case.pk)
    case = case_services.case_update(case=case, actor=actor, expected_version=expected_version, tags=tags, **fields)
    if case.proceeding != proceeding:
        for deadline in deadline_services.deadlines_recompute_case(case=case, actor=actor):
            deadline_reminders_sync(deadline=deadline)
    elif case.organization_id != organization_id:
        deadline_reminders_case_sync(case=case)
    return case
