"""The litigation records the sync feed carries (changes/registry.py), and which records a
delete changes without a write of their own."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from cases.models import Appeal, Case, Court, Hearing, Party, Ruling
from changes.registry import register


def feed_types_register() -> None:
    def case_dependents(case: Case) -> Iterable[tuple[models.Model, str]]:
        for related in (case.parties.all(), case.hearings.all(), case.rulings.all(), case.appeals.all()):
            for instance in related:
                yield instance, "delete"

    def party_dependents(party: Party) -> Iterable[tuple[models.Model, str]]:
        # Party.represents and Appeal.appellant are SET_NULL.
        for appeal in Appeal.objects.filter(appellant=party):
            yield appeal, "upsert"
        for representative in Party.objects.filter(represents=party):
            yield representative, "upsert"

    def ruling_dependents(ruling: Ruling) -> Iterable[tuple[models.Model, str]]:
        for appeal in Appeal.objects.filter(decided_by=ruling):  # SET_NULL
            yield appeal, "upsert"

    def court_dependents(court: Court) -> Iterable[tuple[models.Model, str]]:
        for lower in Court.objects.filter(appeals_to=court):  # SET_NULL
            yield lower, "upsert"

    register(Court, "court", dependents_on_delete=court_dependents)
    register(Case, "case", case_of=lambda case: case, dependents_on_delete=case_dependents)
    register(Party, "party", case_of=lambda party: party.case, dependents_on_delete=party_dependents)
    register(Hearing, "hearing", case_of=lambda hearing: hearing.case)
    register(Ruling, "ruling", case_of=lambda ruling: ruling.case, dependents_on_delete=ruling_dependents)
    register(Appeal, "appeal", case_of=lambda appeal: appeal.case)
