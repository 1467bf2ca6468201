"""A court's changes that reach the deadlines of its rulings."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from actions.deadlines import deadline_reminders_court_sync
from cases import services as case_services
from cases.models import Court
from cases.services import Actor
from deadlines import services as deadline_services
from reminders.deadline_reminders import deadline_reminders_sync


@transaction.atomic
def court_update(*, court: Court, actor: Actor = None, expected_version: int | None = None, **fields: Any) -> Court:
    """Change a court. Its jurisdiction and level decide the forum's rules, so its rulings'
    deadlines are recomputed; its time zone decides when their reminders go out (09:00 there)."""
    jurisdiction, level, time_zone = Court.objects.values_list("jurisdiction", "level", "time_zone").get(pk=court.pk)
    court = case_services.court_update(court=court, actor=actor, expected_version=expected_version, **fields)
    if (court.jurisdiction, court.level) != (jurisdiction, level):
        for deadline in deadline_services.deadlines_recompute_court(court=court, actor=actor):
            deadline_reminders_sync(deadline=deadline)
    if str(court.time_zone) != str(time_zone):
        deadline_reminders_court_sync(court=court)
    return court
