"""Query filters (django-filter). Every filter is declared here: the views answer 400 to any
query parameter that is not one of these (or pagination), instead of silently ignoring it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from api.cases.permissions import member_organizations
from cases.models import Appeal, Case, Court, Docket, Hearing, Jurisdiction, Party, Ruling
from cases.selectors import cases_matching, text_search
from tracker.validation import event_date_validate


class EventIsoDateTimeField(IsoDateTimeField):
    """Years 1900 to 2200: near Python's year 9999 a moment moved to UTC no longer exists
    (?starts_after=9999-12-31T23:00-05:00 was an OverflowError): a 400 with the range instead."""

    default_validators = [event_date_validate]


class EventDateField(forms.DateField):
    default_validators = [event_date_validate]


class EventDateFilter(filters.DateFilter):
    field_class = EventDateField


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    """ISO 8601 with any offset Python accepts (up to +23:59), compared in UTC: PostgreSQL
    itself refuses offsets past 15:59, and a bad filter value must be a 400, never a 500."""

    field_class = EventIsoDateTimeField

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if value is not None:
            value = value.astimezone(dt.UTC)
        return super().filter(qs, value)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    """A record's id: a whole number (django-filter's NumberFilter takes decimals, and the schema
    said `number`)."""

    field_class = forms.IntegerField


@extend_schema_field(OpenApiTypes.INT)
class IdChoiceFilter(filters.ModelChoiceFilter):
    """A record chosen by its id, documented as the integer it is."""


def _cases_at(courts: QuerySet[Court]) -> Q:
    """Cases that have a docket, a hearing or a ruling at one of these courts."""
    return Q(
        Exists(Docket.objects.filter(case=OuterRef("pk"), court__in=courts))
        | Exists(Hearing.objects.filter(case=OuterRef("pk"), court__in=courts))
        | Exists(Ruling.objects.filter(case=OuterRef("pk"), court__in=courts))
    )


class CaseFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=Case.Status.choices)
    court = IdChoiceFilter(queryset=Court.objects.all(), method="filter_court")
    jurisdiction = filters.ChoiceFilter(choices=Jurisdiction.choices, method="filter_jurisdiction")
    tag = filters.CharFilter(field_name="tags__slug", method="filter_tag", help_text="Tag slug.")
    organization = filters.CharFilter(field_name="organization__slug", help_text="Organization slug.")
    updated_after = UtcDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    hearing_after = UtcDateTimeFilter(method="filter_hearing_after", help_text="Has a hearing at or after.")
    hearing_before = UtcDateTimeFilter(method="filter_hearing_before", help_text="Has a hearing before.")
    q = filters.CharFilter(
        method="filter_text",
        help_text=(
            "Words in the title, summary, legal basis or a public party name, in any language "
            "(English and Russian word forms on PostgreSQL)."
        ),
    )

    class Meta:
        model = Case
        fields: list[str] = []

    def filter_court(self, queryset: QuerySet[Case], name: str, value: Court) -> QuerySet[Case]:
        return queryset.filter(_cases_at(Court.objects.filter(pk=value.pk)))

    def filter_jurisdiction(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        return queryset.filter(_cases_at(Court.objects.filter(jurisdiction=value)))

    def filter_tag(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        return queryset.filter(Exists(Case.tags.through.objects.filter(case=OuterRef("pk"), tag__slug=value)))

    def filter_hearing_after(self, queryset: QuerySet[Case], name: str, value: dt.datetime) -> QuerySet[Case]:
        moment = value.astimezone(dt.UTC)
        return queryset.filter(Exists(Hearing.objects.filter(case=OuterRef("pk"), starts_at__gte=moment)))

    def filter_hearing_before(self, queryset: QuerySet[Case], name: str, value: dt.datetime) -> QuerySet[Case]:
        moment = value.astimezone(dt.UTC)
        return queryset.filter(Exists(Hearing.objects.filter(case=OuterRef("pk"), starts_at__lt=moment)))

    def filter_text(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        # Public names only: searching private names would reveal who is a party.
        return cases_matching(
            queryset,
            value,
            public_names_only=True,
            member_organizations=member_organizations(self.request) if self.request is not None else frozenset(),
        )


class CourtFilter(filters.FilterSet):
    jurisdiction = filters.ChoiceFilter(choices=Jurisdiction.choices)
    level = filters.ChoiceFilter(choices=Court.Level.choices)
    q = filters.CharFilter(method="filter_text", help_text="Words in the name (English or local).")

    class Meta:
        model = Court
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[Court], name: str, value: str) -> QuerySet[Court]:
        return text_search(queryset, value, fields=("name",), extra=lambda word: Q(name_local__icontains=word))


class PartyFilter(filters.FilterSet):
    case = IdFilter(field_name="case_id")
    role = filters.ChoiceFilter(choices=Party.Role.choices)
    updated_after = UtcDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Party
        fields: list[str] = []


class HearingFilter(filters.FilterSet):
    case = IdFilter(field_name="case_id")
    court = IdFilter(field_name="court_id")
    status = filters.MultipleChoiceFilter(choices=Hearing.Status.choices)
    starts_after = UtcDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = UtcDateTimeFilter(field_name="starts_at", lookup_expr="lt")
    updated_after = UtcDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Hearing
        fields: list[str] = []


class RulingFilter(filters.FilterSet):
    case = IdFilter(field_name="case_id")
    court = IdFilter(field_name="court_id")
    decided_after = EventDateFilter(field_name="decided_on", lookup_expr="gte")
    decided_before = EventDateFilter(field_name="decided_on", lookup_expr="lte")
    updated_after = UtcDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Ruling
        fields: list[str] = []


class AppealFilter(filters.FilterSet):
    case = IdFilter(field_name="case_id")
    court = IdFilter(field_name="court_id")
    status = filters.MultipleChoiceFilter(choices=Appeal.Status.choices)
    updated_after = UtcDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Appeal
        fields: list[str] = []
