from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from cases.models import (
    Case,
    Ruling,
)
from cases.services.cases import case_update
from cases.services.records import (
    Actor,
    record_assign,
    record_delete,
    record_save,
    record_update,
    record_validate,
    with_translations,
)
from tracker.validation import today_anywhere

# --- Rulings --------------------------------------------------------------------------------

RULING_FIELDS = with_translations(
    Ruling,
    (
        "case",
        "court",
        "decided_on",
        "final_form_on",
        "judge",
        "outcome",
        "summary",
        "citation",
        "in_force",
        "in_force_on",
        "notes",
    ),
)


def _ruling_validate(ruling: Ruling) -> None:
    case = ruling.case
    if ruling.decided_on and case.filed_on and ruling.decided_on < case.filed_on:
        raise ValidationError(
            {
                "decided_on": gettext("The case was filed on %(date)s; nothing is decided before that.")
                % {"date": f"{case.filed_on:%Y-%m-%d}"}
            }
        )
    if ruling.decided_on and ruling.decided_on > today_anywhere():
        raise ValidationError({"decided_on": gettext("A ruling cannot be dated in the future.")})
    if case.status == Case.Status.PREPARING:
        raise ValidationError({"case": gettext("The case has not been filed yet; it has no rulings.")})
    if ruling.pk:
        for appeal in ruling.appeals.all():
            if appeal.filed_on and ruling.decided_on and appeal.filed_on < ruling.decided_on:
                raise ValidationError(
                    {
                        "decided_on": gettext("An appeal against this ruling was filed on %(date)s, before that date.")
                        % {"date": f"{appeal.filed_on:%Y-%m-%d}"}
                    }
                )


def ruling_validate(*, ruling: Ruling | None = None, expected_version: int | None = None, **fields: Any) -> None:
    """What `ruling_record` or `ruling_update` would refuse, without writing."""
    record_validate(
        ruling or Ruling(),
        fields=fields,
        editable=RULING_FIELDS,
        expected_version=expected_version,
        rules=_ruling_validate,
    )


@transaction.atomic
def ruling_record(*, actor: Actor = None, **fields: Any) -> Ruling:
    """Record a court's decision. A first decision moves a filed or pending case to decided."""
    ruling = Ruling()
    record_assign(ruling, fields, RULING_FIELDS)
    _ruling_validate(ruling)
    record_save(ruling, actor=actor)
    case = Case.objects.select_for_update().get(pk=ruling.case_id)
    if case.status in (Case.Status.FILED, Case.Status.PENDING):
        case_update(case=case, status=Case.Status.DECIDED, actor=actor)
    return ruling


@transaction.atomic
def ruling_update(*, ruling: Ruling, actor: Actor = None, expected_version: int | None = None, **fields: Any) -> Ruling:
    ruling, _ = record_update(
        ruling, actor=actor, expected_version=expected_version, fields=fields, editable=RULING_FIELDS
    )
    _ruling_validate(ruling)
    return record_save(ruling, actor=actor)


@transaction.atomic
def ruling_delete(*, ruling: Ruling, actor: Actor = None, expected_version: int | None = None) -> None:
    record_delete(ruling, actor=actor, expected_version=expected_version)
