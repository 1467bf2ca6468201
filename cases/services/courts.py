from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from cases.models import (
    Court,
)
from cases.services.records import (
    Actor,
    record_assign,
    record_delete,
    record_save,
    record_update,
    record_validate,
    with_translations,
)

COURT_FIELDS = with_translations(
    Court, ("name", "name_local", "jurisdiction", "level", "city", "address", "time_zone", "appeals_to", "website")
)


def _court_validate(court: Court) -> None:
    seen = {court.pk}
    parent = court.appeals_to
    while parent is not None:
        if parent.pk in seen:
            raise ValidationError({"appeals_to": gettext("This would make the court hierarchy a loop.")})
        seen.add(parent.pk)
        parent = parent.appeals_to


def court_validate(*, court: Court | None = None, expected_version: int | None = None, **fields: Any) -> None:
    """What `court_create` or `court_update` would refuse, without writing."""
    record_validate(
        court or Court(), fields=fields, editable=COURT_FIELDS, expected_version=expected_version, rules=_court_validate
    )


@transaction.atomic
def court_create(*, actor: Actor = None, **fields: Any) -> Court:
    court = Court()
    record_assign(court, fields, COURT_FIELDS)
    _court_validate(court)
    return record_save(court, actor=actor)


@transaction.atomic
def court_update(*, court: Court, actor: Actor = None, expected_version: int | None = None, **fields: Any) -> Court:
    court, _ = record_update(
        court, actor=actor, expected_version=expected_version, fields=fields, editable=COURT_FIELDS
    )
    _court_validate(court)
    return record_save(court, actor=actor)


@transaction.atomic
def court_delete(*, court: Court, actor: Actor = None, expected_version: int | None = None) -> None:
    record_delete(court, actor=actor, expected_version=expected_version)
