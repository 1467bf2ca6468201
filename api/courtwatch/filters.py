"""The court watch's query filters; any other query parameter is a 400 (api/cases/views.py)."""

from __future__ import annotations

from django_filters import rest_framework as filters

from api.cases.filters import IdFilter
from courtwatch.models import CourtUpdate, CourtWatch


class CourtWatchFilter(filters.FilterSet):
    case = IdFilter(field_name="docket__case_id", help_text="The case's id.")
    court = IdFilter(field_name="docket__court_id", help_text="The court's id.")
    paused = filters.BooleanFilter()

    class Meta:
        model = CourtWatch
        fields: list[str] = []


class CourtUpdateFilter(filters.FilterSet):
    case = IdFilter(field_name="case_id", help_text="The case's id.")
    watch = IdFilter(field_name="watch_id", help_text="The court watch's id.")
    state = filters.MultipleChoiceFilter(choices=CourtUpdate.State.choices)
    kind = filters.MultipleChoiceFilter(choices=CourtUpdate.Kind.choices)

    class Meta:
        model = CourtUpdate
        fields: list[str] = []
