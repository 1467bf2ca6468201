"""A person's rights over what the tracker holds about them (152-FZ arts. 14 and 21, GDPR arts.
15 and 17): everything held about a party, as JSON, and its erasure, on the person's request.

What is "about the person": their party records (a person may be a party in several cases),
the representatives acting for them and whom they represent, the appeals they brought, and
every history row of those party records. Free text elsewhere (a case's summary, notes) may
name them too: that cannot be found mechanically, and the operator reviews it (SECURITY.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from cases import services
from cases.models import Party

ERASED_NAME = "Erased person"


def parties_of_person(*, ids: list[int] | None = None, name: str = "", case_slug: str = "") -> QuerySet[Party]:
    """The party records picked by id, or by a name or alias (exact, case-insensitive, in any
    language), optionally within one case."""
    if not ids and not name.strip():
        raise ValidationError("Give party ids or --name.")
    parties = Party.objects.select_related("case", "case__organization", "represents")
    if ids:
        parties = parties.filter(pk__in=ids)
    if name.strip():
        text = name.strip()
        condition = Q()
        for code, _label in settings.LANGUAGES:
            condition |= Q(**{f"name_{code}__iexact": text}) | Q(**{f"alias_{code}__iexact": text})
        parties = parties.filter(condition)
    if case_slug:
        parties = parties.filter(case__slug=case_slug)
    return parties.order_by("case_id", "pk")


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _fields(instance: Any, names: list[str]) -> dict[str, Any]:
    return {name: _json_value(getattr(instance, name)) for name in names}


def party_export(*, parties: QuerySet[Party]) -> dict[str, Any]:
    """Everything held about these party records, as plain JSON-ready data (private fields
    decrypted: this is for the person themselves)."""
    columns = [f.attname for f in Party._meta.concrete_fields]
    history_columns = [
        f.attname
        for f in Party.history.model._meta.concrete_fields
        if f.attname != "history_user_id"  # type: ignore[attr-defined]
    ]
    records = []
    for party in parties:
        history = party.history.select_related("history_user").order_by("history_date", "history_id")
        records.append(
            {
                "party": _fields(party, columns),
                "case": {"id": party.case_id, "slug": party.case.slug, "title": party.case.title},
                "organization": party.case.organization.slug,
                "represented_by": [
                    {"id": rep.pk, "name": rep.name, "kind": rep.kind} for rep in party.representatives.all()
                ],
                "represents": party.represents_id,
                "appeals_brought": [
                    {
                        "id": appeal.pk,
                        "kind": appeal.kind,
                        "status": appeal.status,
                        "filed_on": _json_value(appeal.filed_on),
                    }
                    for appeal in party.appeals.all()
                ],
                "history": [
                    {
                        **_fields(row, history_columns),
                        "history_user": row.history_user.get_username() if row.history_user else None,
                    }
                    for row in history
                ],
            }
        )
    return {"exported_at": timezone.now().isoformat(), "records": records}


@transaction.atomic
def party_erase(*, party: Party, actor: Any = None) -> Party:
    """Anonymise a party record and every history row of it: names, aliases, description,
    contact details and notes are replaced or emptied (the record stays, so the case's
    proceedings still read: "Erased person 12 v. ..."). Through the service, so the sync feed
    and the webhooks carry the erasure to every replica."""
    placeholder = f"{ERASED_NAME} {party.pk}"
    fields: dict[str, Any] = {
        "consent_to_publish": False,
        "contact_email": "",
        "contact_phone": "",
        "contact_address": "",
        "notes": "",
    }
    for code, _label in settings.LANGUAGES:
        fields[f"name_{code}"] = placeholder
        fields[f"alias_{code}"] = placeholder
        fields[f"description_{code}"] = ""
    party = services.party_update(party=party, actor=actor, **fields)
    scrub = {
        "name": placeholder,
        "alias": placeholder,
        "description": "",
        "contact_email": "",
        "contact_phone": "",
        "contact_address": "",
        "notes": "",
        "consent_to_publish": False,
    }
    history_model = party.history.model
    history_columns = {f.name for f in history_model._meta.concrete_fields}
    party.history.update(**{name: value for name, value in scrub.items() if name in history_columns})
    return party
