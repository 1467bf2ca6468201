from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from cases.models import (
    Appeal,
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

# --- Appeals --------------------------------------------------------------------------------

APPEAL_FIELDS = with_translations(
    Appeal,
    (
        "case",
        "ruling",
        "appellant",
        "court",
        "kind",
        "status",
        "filed_on",
        "reference",
        "decided_by",
        "grounds",
        "notes",
    ),
)


def _appeal_validate(appeal: Appeal) -> None:
    ruling = appeal.ruling
    if ruling.case_id != appeal.case_id:
        raise ValidationError({"ruling": gettext("An appeal challenges a ruling of the same case.")})
    if appeal.court_id == ruling.court_id:
        raise ValidationError(
            {"court": gettext("An appeal goes to a different court from the one that gave the ruling.")}
        )
    if appeal.filed_on and appeal.filed_on < ruling.decided_on:
        raise ValidationError(
            {
                "filed_on": gettext("The ruling challenged is of %(date)s; an appeal cannot be filed before it.")
                % {"date": f"{ruling.decided_on:%Y-%m-%d}"}
            }
        )
    if appeal.filed_on and appeal.filed_on > today_anywhere():
        raise ValidationError({"filed_on": gettext("A filing date cannot be in the future.")})
    if appeal.appellant is not None and appeal.appellant.case_id != appeal.case_id:
        raise ValidationError({"appellant": gettext("The appellant is a party of the same case.")})
    decided_by = appeal.decided_by
    if decided_by is not None:
        if decided_by.case_id != appeal.case_id:
            raise ValidationError({"decided_by": gettext("The deciding ruling belongs to the same case.")})
        if decided_by.court_id != appeal.court_id:
            raise ValidationError({"decided_by": gettext("The deciding ruling is one of the court appealed to.")})
        if decided_by.decided_on < ruling.decided_on or (appeal.filed_on and decided_by.decided_on < appeal.filed_on):
            raise ValidationError({"decided_by": gettext("The deciding ruling cannot predate the appeal.")})


def appeal_validate(*, appeal: Appeal | None = None, expected_version: int | None = None, **fields: Any) -> None:
    """What `appeal_file` or `appeal_update` would refuse, without writing."""
    record_validate(
        appeal or Appeal(),
        fields=fields,
        editable=APPEAL_FIELDS,
        expected_version=expected_version,
        rules=_appeal_validate,
    )


@transaction.atomic
def appeal_file(*, actor: Actor = None, **fields: Any) -> Appeal:
    """File (or plan) an appeal. Filing one puts a decided or closed case under appeal."""
    appeal = Appeal()
    record_assign(appeal, fields, APPEAL_FIELDS)
    _appeal_validate(appeal)
    record_save(appeal, actor=actor)
    case = Case.objects.select_for_update().get(pk=appeal.case_id)
    if appeal.status in (Appeal.Status.FILED, Appeal.Status.PENDING) and case.status in (
        Case.Status.DECIDED,
        Case.Status.CLOSED,
    ):
        case_update(case=case, status=Case.Status.UNDER_APPEAL, outcome="", actor=actor)
    return appeal


@transaction.atomic
def appeal_update(*, appeal: Appeal, actor: Actor = None, expected_version: int | None = None, **fields: Any) -> Appeal:
    appeal, _ = record_update(
        appeal, actor=actor, expected_version=expected_version, fields=fields, editable=APPEAL_FIELDS
    )
    _appeal_validate(appeal)
    return record_save(appeal, actor=actor)


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
    record_delete(appeal, actor=actor, expected_version=expected_version)
