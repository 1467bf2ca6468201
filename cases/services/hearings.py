from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from cases.models import (
    Case,
    Hearing,
    HearingReschedule,
)
from cases.services.records import (
    Actor,
    actor_user,
    record_assign,
    record_delete,
    record_save,
    record_update,
    record_validate,
    with_translations,
)

# --- Hearings -------------------------------------------------------------------------------

HEARING_FIELDS = with_translations(
    Hearing,
    (
        "case",
        "court",
        "starts_at",
        "time_to_be_confirmed",
        "duration_minutes",
        "courtroom",
        "judge",
        "kind",
        "status",
        "outcome_notes",
        "notes",
    ),
)


def _hearing_validate(hearing: Hearing) -> None:
    if hearing.starts_at is not None and timezone.is_naive(hearing.starts_at):
        raise ValidationError({"starts_at": gettext("Give the time with its time zone (the court's zone).")})
    if hearing.status == Hearing.Status.HELD and hearing.starts_at and hearing.starts_at > timezone.now():
        raise ValidationError({"status": gettext("A hearing cannot be marked held before it starts.")})
    if hearing.case_id and hearing.case.status == Case.Status.PREPARING and hearing.status == Hearing.Status.HELD:
        raise ValidationError({"status": gettext("A case that has not been filed has no hearings held.")})


def hearing_validate(*, hearing: Hearing | None = None, expected_version: int | None = None, **fields: Any) -> None:
    """What `hearing_schedule` or `hearing_update` would refuse, without writing."""
    record_validate(
        hearing or Hearing(),
        fields=fields,
        editable=HEARING_FIELDS,
        expected_version=expected_version,
        rules=_hearing_validate,
    )


@transaction.atomic
def hearing_schedule(*, actor: Actor = None, **fields: Any) -> Hearing:
    hearing = Hearing()
    record_assign(hearing, fields, HEARING_FIELDS)
    _hearing_validate(hearing)
    return record_save(hearing, actor=actor)


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
    """Change a hearing. A new start time is a reschedule: the old time is kept, with the reason
    (private to the organization unless `reason_is_public`)."""
    previous_starts_at, previous_status = Hearing.objects.values_list("starts_at", "status").get(pk=hearing.pk)
    hearing, changed = record_update(
        hearing, actor=actor, expected_version=expected_version, fields=fields, editable=HEARING_FIELDS
    )
    _hearing_validate(hearing)
    record_save(hearing, actor=actor, reason=reason)
    if "starts_at" in changed:
        HearingReschedule.objects.create(
            hearing=hearing,
            previous_starts_at=previous_starts_at,
            new_starts_at=hearing.starts_at,
            reason=reason,
            reason_is_public=reason_is_public,
            changed_by=actor_user(actor),
        )
    return hearing


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
    """A new date (and time, unless `time_to_be_confirmed`) for a hearing, scheduled again; the
    earlier date is kept with the reason."""
    confirmed = {} if time_to_be_confirmed is None else {"time_to_be_confirmed": time_to_be_confirmed}
    return hearing_update(
        hearing=hearing,
        starts_at=starts_at,
        **confirmed,
        status=Hearing.Status.SCHEDULED,
        reason=reason,
        reason_is_public=reason_is_public,
        actor=actor,
        expected_version=expected_version,
    )


@transaction.atomic
def hearing_postpone(
    *,
    hearing: Hearing,
    reason: str = "",
    reason_is_public: bool = False,
    actor: Actor = None,
    expected_version: int | None = None,
) -> Hearing:
    """Postponed without a new date yet (Russian courts 'otlozheno'); the date stays until rescheduled."""
    hearing = hearing_update(
        hearing=hearing, status=Hearing.Status.POSTPONED, reason=reason, actor=actor, expected_version=expected_version
    )
    HearingReschedule.objects.create(
        hearing=hearing,
        previous_starts_at=hearing.starts_at,
        new_starts_at=None,
        reason=reason,
        reason_is_public=reason_is_public,
        changed_by=actor_user(actor),
    )
    return hearing


def hearing_cancel(
    *,
    hearing: Hearing,
    reason: str = "",
    reason_is_public: bool = False,
    actor: Actor = None,
    expected_version: int | None = None,
) -> Hearing:
    no_outcome = {f"outcome_notes_{code}": "" for code, _label in settings.LANGUAGES}
    return hearing_update(
        hearing=hearing,
        status=Hearing.Status.CANCELLED,
        **no_outcome,
        reason=reason,
        reason_is_public=reason_is_public,
        actor=actor,
        expected_version=expected_version,
    )


def hearing_record_outcome(
    *,
    hearing: Hearing,
    outcome_notes: str | None = None,
    original_language: str | None = None,
    actor: Actor = None,
    expected_version: int | None = None,
    **outcome_notes_per_language: str,
) -> Hearing:
    """Mark a hearing held with its public outcome: ``outcome_notes`` in the active language,
    or ``outcome_notes_en=...``, ``outcome_notes_ru=...`` (any other keyword is refused)."""
    fields: dict[str, Any] = dict(outcome_notes_per_language)
    if outcome_notes is not None:
        fields["outcome_notes"] = outcome_notes
    if original_language is not None:
        fields["original_language"] = original_language
    return hearing_update(
        hearing=hearing,
        status=Hearing.Status.HELD,
        actor=actor,
        expected_version=expected_version,
        **fields,
    )


@transaction.atomic
def hearing_delete(*, hearing: Hearing, actor: Actor = None, expected_version: int | None = None) -> None:
    record_delete(hearing, actor=actor, expected_version=expected_version)
