from __future__ import annotations

from typing import Any

from django.db import transaction

from cases.models import (
    CaseEvent,
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

# --- Timeline facts -------------------------------------------------------------------------

CASE_EVENT_FIELDS = with_translations(
    CaseEvent, ("case", "occurred_on", "precision", "title", "description", "source", "is_confirmed", "is_public")
)


def case_event_validate(*, event: CaseEvent | None = None, expected_version: int | None = None, **fields: Any) -> None:
    """What `case_event_add` or `case_event_update` would refuse, without writing."""
    record_validate(event or CaseEvent(), fields=fields, editable=CASE_EVENT_FIELDS, expected_version=expected_version)


@transaction.atomic
def case_event_add(*, actor: Actor = None, **fields: Any) -> CaseEvent:
    event = CaseEvent()
    record_assign(event, fields, CASE_EVENT_FIELDS)
    return record_save(event, actor=actor)


@transaction.atomic
def case_event_update(
    *, event: CaseEvent, actor: Actor = None, expected_version: int | None = None, **fields: Any
) -> CaseEvent:
    event, _ = record_update(
        event, actor=actor, expected_version=expected_version, fields=fields, editable=CASE_EVENT_FIELDS
    )
    return record_save(event, actor=actor)


@transaction.atomic
def case_event_delete(*, event: CaseEvent, actor: Actor = None, expected_version: int | None = None) -> None:
    record_delete(event, actor=actor, expected_version=expected_version)
