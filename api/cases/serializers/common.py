"""What every serializer of case records shares: who is a member, the fields that read and write
a moment, a time zone and the case, and the fast read path with the outsiders' redaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema_field
from rest_framework import ISO_8601, serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings
from timezone_field.rest_framework import TimeZoneSerializerField

from api.cases.serializers.translations import TranslatedTextField, content_language_of
from cases.content import content_languages, translated_fields
from cases.redaction import CaseRedactors, redact_record
from cases.selectors import cases_visible_to
from tracker.validation import event_date_validate, time_zone_names


class AllOrganizations:
    """Stands for 'every organization' (superusers)."""

    def __contains__(self, item: object) -> bool:
        return True


ALL = AllOrganizations()


def _is_member(context: dict[str, Any], organization_id: int | None) -> bool:
    members_of = context.get("member_organizations", ())
    return organization_id in members_of


def _visible_cases(context: dict[str, Any]):  # type: ignore[no-untyped-def]
    request = context.get("request")
    return cases_visible_to(user=getattr(request, "user", None))


# Set by the record itself, never by a write.
RECORD_READ_ONLY = ("version", "created_at", "updated_at")


def record_fields(model: Any, editable: tuple[str, ...], *, shown_after: dict[str, str] | None = None) -> list[str]:
    """A record's API fields: `id`, the fields its service edits (`editable`, a service's
    `*_FIELDS`; a translated field once, in the request's language, its languages being in
    `translations`), then the record's original language, `translations`, version and times.
    `shown_after` places fields the service does not take: {"alias": "public_name"} shows
    `public_name` right after `alias`."""
    columns = {f"{name}_{code}" for name in translated_fields(model) for code in content_languages()}
    fields = ["id"]
    for name in editable:
        if name in columns or name == "original_language":
            continue
        fields.append(name)
        if shown_after and name in shown_after:
            fields.append(shown_after[name])
    if translated_fields(model):
        fields += ["original_language", "translations"]
    return [*fields, *RECORD_READ_ONLY]


class AwareDateTimeField(serializers.DateTimeField):
    """A moment in time must say its offset: a hearing at '10:00' in which zone is a missed hearing."""

    default_validators = [event_date_validate]  # years 1900-2200 (tracker/validation.py)

    def to_internal_value(self, value: Any) -> dt.datetime:
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:
                parsed = None  # well-formed but impossible (minute 99): DRF's own message below
            if parsed is not None and timezone.is_naive(parsed):
                raise serializers.ValidationError(
                    "Give the time with its UTC offset, e.g. 2019-10-21T10:00:00+03:00 (the court's zone)."
                )
        return super().to_internal_value(value)


@extend_schema_field(
    {"type": "string", "description": "An IANA time zone name.", "examples": ["Europe/Moscow", "Europe/London"]}
)
class TimeZoneField(TimeZoneSerializerField):
    """django-timezone-field's, plus: a name zoneinfo refuses outright ("." or "../x" raise
    ValueError, not "not found") is the same 400 (found by schemathesis: it was a 500)."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) or data not in time_zone_names():
            self.fail("invalid")  # before zoneinfo opens a file named after it (OSError when long)
        try:
            return super().to_internal_value(data)
        except ValueError:
            self.fail("invalid")


class FastReadMixin(serializers.ModelSerializer):
    """Reads plain model attributes directly instead of DRF's generic per-field path
    (get_attribute + to_representation: most of a list page's time, bench/RESULTS.md). Only field types whose DRF representation is trivially the attribute (or its
    ISO date, or a key) take the short path; the rest go through DRF as usual.
    tests/api/test_serializers.py checks the output is identical to DRF's."""

    _TEXT = (serializers.CharField, serializers.EmailField, serializers.URLField, serializers.SlugField)

    def _read_plan(self) -> list[tuple[str, str, Any]]:
        plan = getattr(self, "_cached_read_plan", None)
        if plan is not None:
            return plan
        plan = []
        for field in self._readable_fields:
            kind = "drf"
            if field.source != "*" and len(field.source_attrs) == 1:
                field_type = type(field)
                if field_type is TranslatedTextField:
                    kind = "translated"
                elif field_type in self._TEXT:
                    kind = "text"
                elif field_type is serializers.IntegerField:
                    kind = "int"
                elif field_type is serializers.BooleanField:
                    kind = "bool"
                elif field_type is serializers.ChoiceField:
                    kind = "choice"
                elif (
                    field_type is serializers.DateField
                    and getattr(field, "format", api_settings.DATE_FORMAT) == ISO_8601
                ):
                    kind = "date"
                elif field_type is serializers.PrimaryKeyRelatedField and getattr(field, "pk_field", None) is None:
                    kind = "key"
            plan.append((field.field_name, kind, field))
        self._cached_read_plan = plan
        return plan

    def to_representation(self, instance: Any) -> dict[str, Any]:
        ret: dict[str, Any] = {}
        for name, kind, field in self._read_plan():
            if kind == "translated":
                ret[name] = field.get_attribute(instance)
            elif kind == "text":
                value = getattr(instance, field.source_attrs[0])
                ret[name] = None if value is None else str(value)
            elif kind == "int":
                value = getattr(instance, field.source_attrs[0])
                ret[name] = None if value is None else int(value)
            elif kind == "bool":
                value = getattr(instance, field.source_attrs[0])
                ret[name] = None if value is None else field.to_representation(value)
            elif kind == "choice":
                value = getattr(instance, field.source_attrs[0])
                ret[name] = value if value in ("", None) else field.choice_strings_to_values.get(str(value), value)
            elif kind == "date":
                value = getattr(instance, field.source_attrs[0])
                ret[name] = value.isoformat() if value else None
            elif kind == "key":
                ret[name] = getattr(instance, field.source_attrs[0] + "_id")
            else:
                try:
                    attribute = field.get_attribute(instance)
                except SkipField:
                    continue
                check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
                ret[name] = None if check_for_none is None else field.to_representation(attribute)
        return ret


def case_redactors_of(context: dict[str, Any]) -> CaseRedactors:
    """The reader's redactors (cases/redaction.py), one per request or feed page: views preload
    a page's cases with one query; a case not preloaded is read on first use."""
    redactors = context.get("redactors")
    if redactors is None:
        redactors = context["redactors"] = CaseRedactors(context.get("member_organizations", ()))
    return redactors


class PrivateFieldsMixin(FastReadMixin):
    """Outsiders (not members of the case's organization) get no private fields, and read the
    name of a party without consent as the alias in the record's public texts."""

    private_fields: tuple[str, ...] = ("notes",)

    def organization_id_of(self, instance: Any) -> int:
        return instance.case.organization_id

    def case_id_of(self, instance: Any) -> int:
        return instance.case_id

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not _is_member(self.context, self.organization_id_of(instance)):
            for name in self.private_fields:
                data.pop(name, None)
            redactor = case_redactors_of(self.context).for_case(self.case_id_of(instance))
            redact_record(instance._meta.model_name, data, redactor, content_language_of(self.context))
        return data


class CaseBoundMixin(serializers.ModelSerializer):
    """`case` is chosen among the cases the caller can see, and fixed once the record exists."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        case_field = self.fields.get("case")
        if isinstance(case_field, serializers.PrimaryKeyRelatedField):
            if self.instance is not None and not isinstance(self.instance, list | tuple):
                case_field.read_only = True
            else:
                case_field.queryset = _visible_cases(self.context)
