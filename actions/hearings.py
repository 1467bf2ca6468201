"""Hearings, and the reminders and notices that follow them: scheduling one schedules its
subscribers' reminders; moving, postponing or cancelling it moves or drops them and queues one
notice of the change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from cases import services as case_services
from cases.models import Hearing
from cases.services import Actor
from reminders.services import reminders_hearing_changed


def _previous(hearing: Hearing) -> dict[str, Any]:
    """The start time and status before the change, which decide the notice (moved, postponed...)."""
    starts_at, status = Hearing.objects.values_list("starts_at", "status").get(pk=hearing.pk)
    return {"previous_starts_at": starts_at, "previous_status": status}


@transaction.atomic
def hearing_schedule(*, actor: Actor = None, **fields: Any) -> Hearing:
    hearing = case_services.hearing_schedule(actor=actor, **fields)
    reminders_hearing_changed(hearing=hearing)
    return hearing


@transaction.atomic
def hearing_update(
    *,
    hearing: Hearing,
    actor: Actor = None,
    expected_version: int | None = None,
    reason: str = "",
    reason_is_public: bool = False,
    **fields: Any,
) -> Hearing:
    """Change a hearing (a new start time is a reschedule, kept with its reason)."""
    previous = _previous(hearing)
    hearing = case_services.hearing_update(
        hearing=hearing,
        actor=actor,
        expected_version=expected_version,
        reason=reason,
        reason_is_public=reason_is_public,
        **fields,
    )
    reminders_hearing_changed(hearing=hearing, **previous)
    return hearing


@transaction.atomic
def hearing_reschedule(
    *,
    hearing: Hearing,
    starts_at: dt.datetime,
    time_to_be_confirmed: bool | None = None,
    reason: str = "",
    reason_is_public: bool = False,
    actor: Actor = None,
    expected_version: int | None = None,
) -> Hearing:
    previous = _previous(hearing)
    hearing = case_services.hearing_reschedule(
        hearing=hearing,
        starts_at=starts_at,
        time_to_be_confirmed=time_to_be_confirmed,
        reason=reason,
        reason_is_public=reason_is_public,
        actor=actor,
        expected_version=expected_version,
    )
    reminders_hearing_changed(hearing=hearing, **previous)
    return hearing


@transaction.atomic
def hearing_postpone(
    *,
    hearing: Hearing,
    reason: str = "",
    reason_is_public: bool = False,
    actor: Actor = None,
    expected_version: int | None = None,
) -> Hearing:
    previous = _previous(hearing)
    hearing = case_services.hearing_postpone(
        hearing=hearing,
        reason=reason,
        reason_is_public=reason_is_public,
        actor=actor,
        expected_version=expected_version,
    )
    reminders_hearing_changed(hearing=hearing, **previous)
    return hearing


@transaction.atomic
def hearing_cancel(
    *,
    hearing: Hearing,
    reason: str = "",
    reason_is_public: bool = False,
    actor: Actor = None,
    expected_version: int | None = None,
) -> Hearing:
    previous = _previous(hearing)
    hearing = case_services.hearing_cancel(
        hearing=hearing,
        reason=reason,
        reason_is_public=reason_is_public,
        actor=actor,
        expected_version=expected_version,
    )
    reminders_hearing_changed(hearing=hearing, **previous)
    return hearing


@transaction.atomic
def hearing_record_outcome(
    *,
    hearing: Hearing,
    outcome_notes: str | None = None,
    original_language: str | None = None,
    actor: Actor = None,
    expected_version: int | None = None,
    **outcome_notes_per_language: str,
) -> Hearing:
    """Mark a hearing held with its public outcome; its reminders still pending are dropped."""
    previous = _previous(hearing)
    hearing = case_services.hearing_record_outcome(
        hearing=hearing,
        outcome_notes=outcome_notes,
        original_language=original_language,
        actor=actor,
        expected_version=expected_version,
        **outcome_notes_per_language,
    )
    reminders_hearing_changed(hearing=hearing, **previous)
    return hearing
