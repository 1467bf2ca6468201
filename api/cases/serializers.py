"""What the API shows of the litigation domain, and which fields a write accepts.

Who sees what: anyone who can see a case sees its public fields; only members of the owning
organization (and superusers) see private notes, parties' contact details and the names of
parties who did not consent to publication. The views put `member_organizations` (a set of
organization ids, or ALL) in the serializer context, read once per request.

Case content kept in several languages (cases/translation.py) reads in the request's language
(`content_language` in the context, else the active one) with `translations` holding them all;
see TranslatedContentMixin.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema_field
from rest_framework import ISO_8601, serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings
from timezone_field.rest_framework import TimeZoneSerializerField

from api.language import unknown_language_message
from cases.content import (
    active_content_language,
    content_languages,
    field_in,
    localized,
    translated_fields,
)
from cases.models import Appeal, Case, Court, Hearing, Organization, Party, Ruling
from cases.redaction import CaseRedactors, redact_record
from cases.selectors import Instance, cases_visible_to, tag_names_of
from deadlines.models import Deadline
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


class TagNamesField(serializers.ListField):
    child = serializers.CharField(max_length=60)

    def get_attribute(self, instance: Any) -> Any:
        return instance  # the case: tag_names_of reads the annotation or the prefetch

    def to_representation(self, data: Any) -> list[str]:
        return tag_names_of(data)


def content_language_of(context: dict[str, Any]) -> str:
    """The language a serializer reads translated fields in: the context's, else the active one
    (the API views activate the request's: api/language.py)."""
    return context.get("content_language") or active_content_language()


class TranslatedTextField(serializers.CharField):
    """A field kept in every language (cases/translation.py). Read: the text in the request's
    language, falling back to the record's original language, then the others. Write: the text
    of the request's language (TranslatedContentMixin.validate moves it to that column)."""

    def get_attribute(self, instance: Any) -> str:
        return localized(instance, str(self.source), content_language_of(self.context)).text


class LanguageTextsSerializer(serializers.Serializer):
    """One field's text in every language; null where there is no translation. (Described for
    the schema; TranslationsSerializer reads and checks it.)"""

    closed_object = True  # an unknown language is refused: `additionalProperties: false` (api/schema.py)

    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            code: serializers.CharField(allow_null=True, allow_blank=True, required=False)
            for code in content_languages()
        }


TRANSLATIONS_HELP = (
    "Every language's text of the translated fields: {field: {language: text or null}}. A write may "
    'give any of them; a language left out is left unchanged, null or "" removes that translation.'
)


class TranslationsSerializer(serializers.Serializer):
    """`{"title": {"en": "...", "ru": "..."}, ...}`: every translated field of the record in every
    language. Read from and written to the per-language columns (title_en, title_ru)."""

    model: Any = None
    field_names: tuple[str, ...] = ()
    closed_object = True  # an unknown field is refused

    def get_fields(self) -> dict[str, serializers.Field]:
        return {name: LanguageTextsSerializer(required=False) for name in self.field_names}

    def to_representation(self, instance: Any) -> dict[str, dict[str, str | None]]:
        return {
            name: {code: field_in(instance, name, code) or None for code in content_languages()}
            for name in self.field_names
        }

    def to_internal_value(self, data: Any) -> dict[str, str]:
        """{"title": {"ru": "..."}} -> {"title_ru": "..."}. Unknown fields or languages are errors,
        each message naming its place ("title.xx: ..."): the API's error shape lists a field's
        messages flat (api/errors.py)."""
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                translation.gettext('Give an object: {field: {language: text}}, e.g. {"title": {"ru": "..."}}.')
            )
        parent: Any = self.parent
        writable = sorted(name for name in self.field_names if not parent.fields[name].read_only)
        errors: list[str] = []
        columns: dict[str, str] = {}
        for name, texts in data.items():
            if name not in writable:
                errors.append(
                    translation.gettext("%(field)s: not a translated field here; these are: %(fields)s.")
                    % {"field": name, "fields": ", ".join(writable)}
                )
            elif not isinstance(texts, dict):
                errors.append(translation.gettext("%(field)s: give an object {language: text}.") % {"field": name})
            else:
                max_length = self.model._meta.get_field(name).max_length
                for code, text in texts.items():
                    place = f"{name}.{code}: "
                    if code not in content_languages():
                        errors.append(place + unknown_language_message(str(code)))
                    elif text is not None and not isinstance(text, str):
                        errors.append(place + translation.gettext("give a text, or null to remove it."))
                    elif max_length and text and len(text.strip()) > max_length:
                        errors.append(
                            place
                            + translation.gettext("no more than %(max)s characters, please.") % {"max": max_length}
                        )
                    else:
                        columns[f"{name}_{code}"] = (text or "").strip()
        if errors:
            raise serializers.ValidationError(errors)
        return columns


@functools.cache
def translations_serializer(model: Any, names: tuple[str, ...]) -> type[TranslationsSerializer]:
    """The `translations` serializer of `model`: one class per model and fields, made once, so the
    OpenAPI schema has one component per model ("CaseTranslations")."""
    suffix = "" if names == translated_fields(model) else "".join(name.title().replace("_", "") for name in names)
    return type(
        f"{model.__name__}{suffix}Translations",
        (TranslationsSerializer,),
        {"model": model, "field_names": names, "__doc__": TranslationsSerializer.__doc__},
    )


class TranslatedContentMixin(serializers.ModelSerializer):
    """Serializers of records with translated fields (cases/translation.py): each such field reads
    in the request's language, `translations` holds them all, `original_language` says which one
    the record was written in. A write gives a field in the request's language (`title`), or any
    languages at once (`translations`), or both; what reaches the service are the columns
    (title_ru, ...), never the active-language alias."""

    def build_standard_field(self, field_name: str, model_field: Any) -> tuple[type[serializers.Field], dict[str, Any]]:
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if field_name in translated_fields(self.Meta.model):
            field_class = TranslatedTextField
            # Required in *some* language, which `validate` checks: a record written in Russian
            # only is complete.
            kwargs["required"] = False
            kwargs["allow_blank"] = True
            kwargs.pop("allow_null", None)
        return field_class, kwargs

    def translated_names(self) -> tuple[str, ...]:
        own = translated_fields(self.Meta.model)
        return tuple(name for name in self.Meta.fields if name in own)

    def build_field(self, field_name: str, info: Any, model_class: Any, nested_depth: int) -> Any:
        if field_name == "translations":
            return translations_serializer(model_class, self.translated_names()), {
                "source": "*",
                "required": False,
                "help_text": TRANSLATIONS_HELP,
            }
        return super().build_field(field_name, info, model_class, nested_depth)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        language = content_language_of(self.context)
        errors: dict[str, list[str]] = {}
        for name in self.translated_names():
            if name not in attrs:
                continue
            column = f"{name}_{language}"
            text = attrs.pop(name).strip()
            if column in attrs and attrs[column] != text:
                errors[name] = [
                    translation.gettext("Differs from translations.%(field)s.%(language)s; give the text once.")
                    % {"field": name, "language": language}
                ]
            attrs[column] = text
        for name in self.translated_names():
            model: Any = self.Meta.model
            model_field = model._meta.get_field(name)
            if model_field.blank or self.fields[name].read_only:
                continue
            columns = [f"{name}_{code}" for code in content_languages()]
            if self.instance is None and not any(attrs.get(column) for column in columns):
                if not (self.partial and not any(column in attrs for column in columns)):
                    errors[name] = [translation.gettext("This field is required (in at least one language).")]
            elif self.instance is not None and any(column in attrs for column in columns):
                kept = [
                    attrs[column] if column in attrs else field_in(self.instance, name, column[len(name) + 1 :])
                    for column in columns
                ]
                if not any(kept):
                    errors[name] = [translation.gettext("This field cannot be empty in every language.")]
        if errors:
            raise serializers.ValidationError(errors)
        if self.instance is None and "original_language" not in attrs:
            # Written in one language only: that is the original, whatever the request's language.
            written = {
                code for name in self.translated_names() for code in content_languages() if attrs.get(f"{name}_{code}")
            }
            attrs["original_language"] = written.pop() if len(written) == 1 else language
        return attrs


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


class CourtSerializer(TranslatedContentMixin, FastReadMixin):
    time_zone = TimeZoneField(use_pytz=False)

    class Meta:
        model = Court
        fields = [
            "id",
            "name",
            "name_local",
            "jurisdiction",
            "level",
            "city",
            "address",
            "time_zone",
            "appeals_to",
            "website",
            "original_language",
            "translations",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["version", "created_at", "updated_at"]


PARTY_PRIVATE = ("contact_email", "contact_phone", "contact_address", "notes", "consent_to_publish")


def party_public_field(party: Party) -> str:
    """Which of a party's fields outsiders know the person by: the name with consent, else the alias."""
    return "name" if party.consent_to_publish else "alias"


class PublicNameField(serializers.CharField):
    """The name outsiders know the party by, in the request's language (cases/content.py)."""

    def get_attribute(self, instance: Party) -> str:
        return localized(instance, party_public_field(instance), content_language_of(self.context)).text


class PartySerializer(TranslatedContentMixin, CaseBoundMixin, PrivateFieldsMixin):
    private_fields = PARTY_PRIVATE
    public_name = PublicNameField(read_only=True)

    class Meta:
        model = Party
        fields = [
            "id",
            "case",
            "role",
            "kind",
            "name",
            "alias",
            "public_name",
            "consent_to_publish",
            "represents",
            "description",
            "contact_email",
            "contact_phone",
            "contact_address",
            "notes",
            "original_language",
            "translations",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["version", "created_at", "updated_at"]
        extra_kwargs = {"represents": {"queryset": Party.objects.all()}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        represents = self.fields.get("represents")
        if isinstance(represents, serializers.PrimaryKeyRelatedField) and not represents.read_only:
            represents.queryset = Party.objects.filter(case__in=_visible_cases(self.context))

    def to_representation(self, instance: Party) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not _is_member(self.context, self.organization_id_of(instance)):
            # Without consent the person is known to outsiders by the alias only, in every language.
            data["name"] = data["public_name"]
            if "translations" in data and not instance.consent_to_publish:
                data["translations"]["name"] = data["translations"]["alias"]
        return data


class HearingSerializer(TranslatedContentMixin, CaseBoundMixin, PrivateFieldsMixin):
    starts_at = AwareDateTimeField()

    class Meta:
        model = Hearing
        fields = [
            "id",
            "case",
            "court",
            "starts_at",
            "time_to_be_confirmed",
            "duration_minutes",
            "courtroom",
            "judge",
            "kind",
            "status",
            "outcome_notes",
            "notes",
            "original_language",
            "translations",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["version", "created_at", "updated_at"]


class RulingSerializer(TranslatedContentMixin, CaseBoundMixin, PrivateFieldsMixin):
    class Meta:
        model = Ruling
        fields = [
            "id",
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
            "original_language",
            "translations",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["version", "created_at", "updated_at"]


class AppealSerializer(TranslatedContentMixin, CaseBoundMixin, PrivateFieldsMixin):
    class Meta:
        model = Appeal
        fields = [
            "id",
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
            "original_language",
            "translations",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["version", "created_at", "updated_at"]
        extra_kwargs = {
            "ruling": {"queryset": Ruling.objects.all()},
            "appellant": {"queryset": Party.objects.all()},
            "decided_by": {"queryset": Ruling.objects.all()},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        visible = _visible_cases(self.context)
        for name, model in (("ruling", Ruling), ("appellant", Party), ("decided_by", Ruling)):
            field = self.fields.get(name)
            if isinstance(field, serializers.PrimaryKeyRelatedField) and not field.read_only:
                field.queryset = model._default_manager.filter(case__in=visible)


class DeadlineSerializer(FastReadMixin):
    """A procedural deadline, for members of the case's organization only (deadlines/selectors.py):
    in a ruling's and a case's detail and as `deadline` items of the sync feed. Read-only here:
    lawyers change a due date on the case page or in the admin, with the reason."""

    explanation = serializers.ListField(
        child=serializers.CharField(),
        source="explanation_sentences",
        read_only=True,
        help_text="How the date was reached, step by step, in the request's language (Accept-Language).",
    )

    class Meta:
        model = Deadline
        fields = [
            "id",
            "case",
            "ruling",
            "rule_code",
            "rule_version",
            "rule_title",
            "rule_source",
            "step",
            "trigger_label",
            "trigger_on",
            "computed_due_on",
            "override_due_on",
            "override_reason",
            "due_on",
            "state",
            "state_reason",
            "closed_by_appeal",
            "explanation",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


DEADLINES_HELP = (
    "The deadlines that run from it and still apply (not void), by due date. Members of the case's "
    "organization only: for everyone else always an empty list, even on a public case."
)


def _deadlines_field(context: dict[str, Any], deadlines: list[Deadline]) -> list[dict[str, Any]]:
    return DeadlineSerializer(deadlines, many=True, context=context).data  # type: ignore[return-value]


class RulingDetailSerializer(RulingSerializer):
    """A ruling's detail: the ruling and, for members, its deadlines (context `deadlines`, read
    by the view with the caller's visibility). Lists and the sync feed carry the ruling alone;
    the feed has its own `deadline` items."""

    deadlines = serializers.SerializerMethodField(help_text=DEADLINES_HELP)

    class Meta(RulingSerializer.Meta):
        fields = [*RulingSerializer.Meta.fields, "deadlines"]

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, ruling: Ruling) -> list[dict[str, Any]]:
        return _deadlines_field(self.context, self.context.get("deadlines", []))


class CaseSerializer(TranslatedContentMixin, PrivateFieldsMixin):
    organization = serializers.SlugRelatedField(slug_field="slug", queryset=Organization.objects.all())
    tags = TagNamesField(required=False, help_text="Tag names; a write replaces them all.")

    class Meta:
        model = Case
        fields = [
            "id",
            "organization",
            "title",
            "slug",
            "summary",
            "claims",
            "legal_basis",
            "proceeding",
            "tags",
            "status",
            "outcome",
            "is_public",
            "filed_on",
            "notes",
            "sources",
            "original_language",
            "translations",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["version", "created_at", "updated_at"]
        extra_kwargs = {"slug": {"required": False}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["organization"].read_only = True

    def organization_id_of(self, instance: Case) -> int:
        return instance.organization_id

    def case_id_of(self, instance: Case) -> int:
        return instance.pk


class PartyBriefSerializer(PartySerializer):
    class Meta(PartySerializer.Meta):
        fields = [name for name in PartySerializer.Meta.fields if name not in ("case", "created_at", "updated_at")]


class InstanceSerializer(serializers.Serializer):
    """One step of the appeal chain: a ruling and the appeals against it."""

    ruling = RulingSerializer()
    appeals = AppealSerializer(many=True)


class CaseDetailSerializer(CaseSerializer):
    parties = serializers.SerializerMethodField()
    upcoming_hearings = serializers.SerializerMethodField()
    latest_ruling = serializers.SerializerMethodField()
    appeal_chain = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField(
        help_text=DEADLINES_HELP.replace("that run from it", "of the case's rulings")
    )

    class Meta(CaseSerializer.Meta):
        fields = [
            *CaseSerializer.Meta.fields,
            "parties",
            "upcoming_hearings",
            "latest_ruling",
            "appeal_chain",
            "deadlines",
        ]

    @extend_schema_field(PartyBriefSerializer(many=True))
    def get_parties(self, case: Case) -> list[dict[str, Any]]:
        return PartyBriefSerializer(case.parties.all(), many=True, context=self.context).data  # type: ignore[return-value]

    @extend_schema_field(HearingSerializer(many=True))
    def get_upcoming_hearings(self, case: Case) -> list[dict[str, Any]]:
        hearings = self.context.get("upcoming_hearings", [])
        return HearingSerializer(hearings, many=True, context=self.context).data  # type: ignore[return-value]

    @extend_schema_field(RulingSerializer(allow_null=True))
    def get_latest_ruling(self, case: Case) -> dict[str, Any] | None:
        chain: list[Instance] = self.context.get("appeal_chain", [])
        if not chain:
            return None
        latest = max(chain, key=lambda step: (step.ruling.decided_on, step.ruling.pk))
        return RulingSerializer(latest.ruling, context=self.context).data  # type: ignore[return-value]

    @extend_schema_field(InstanceSerializer(many=True))
    def get_appeal_chain(self, case: Case) -> list[dict[str, Any]]:
        chain = self.context.get("appeal_chain", [])
        return InstanceSerializer(chain, many=True, context=self.context).data  # type: ignore[return-value]

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, case: Case) -> list[dict[str, Any]]:
        return _deadlines_field(self.context, self.context.get("deadlines", []))
