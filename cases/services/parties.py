from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from cases.models import (
    Party,
)
from cases.services.cases import case_slug_hide_names
from cases.services.records import (
    Actor,
    record_assign,
    record_delete,
    record_save,
    record_update,
    record_validate,
    with_translations,
)

# --- Parties --------------------------------------------------------------------------------

PARTY_FIELDS = with_translations(
    Party,
    (
        "case",
        "role",
        "kind",
        "name",
        "alias",
        "consent_to_publish",
        "represents",
        "description",
        "contact_email",
        "contact_phone",
        "contact_address",
        "notes",
    ),
)


def _party_validate(party: Party) -> None:
    if party.represents is not None:
        if party.represents.case_id != party.case_id:
            raise ValidationError({"represents": gettext("A representative represents a party of the same case.")})
        if party.role != Party.Role.REPRESENTATIVE:
            raise ValidationError({"represents": gettext("Only a representative represents another party.")})


def party_validate(*, party: Party | None = None, expected_version: int | None = None, **fields: Any) -> None:
    """What `party_add` or `party_update` would refuse, without writing."""
    record_validate(
        party or Party(), fields=fields, editable=PARTY_FIELDS, expected_version=expected_version, rules=_party_validate
    )


@transaction.atomic
def party_add(*, actor: Actor = None, **fields: Any) -> Party:
    party = Party()
    record_assign(party, fields, PARTY_FIELDS)
    _party_validate(party)
    record_save(party, actor=actor)
    case_slug_hide_names(case=party.case, actor=actor)
    return party


@transaction.atomic
def party_update(*, party: Party, actor: Actor = None, expected_version: int | None = None, **fields: Any) -> Party:
    party, _ = record_update(
        party, actor=actor, expected_version=expected_version, fields=fields, editable=PARTY_FIELDS
    )
    _party_validate(party)
    record_save(party, actor=actor)
    case_slug_hide_names(case=party.case, actor=actor)
    return party


@transaction.atomic
def party_delete(*, party: Party, actor: Actor = None, expected_version: int | None = None) -> None:
    record_delete(party, actor=actor, expected_version=expected_version)
