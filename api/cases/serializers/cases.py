from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.cases.serializers.appeals import InstanceSerializer
from api.cases.serializers.common import RECORD_READ_ONLY, PrivateFieldsMixin, record_fields
from api.cases.serializers.hearings import HearingSerializer
from api.cases.serializers.parties import PartyBriefSerializer
from api.cases.serializers.rulings import (
    DEADLINES_HELP,
    DeadlineSerializer,
    RulingSerializer,
    _deadlines_field,
)
from api.cases.serializers.translations import TranslatedContentMixin
from cases.models import Case, Organization
from cases.selectors import Instance, tag_names_of
from cases.services import CASE_FIELDS


class TagNamesField(serializers.ListField):
    child = serializers.CharField(max_length=60)

    def get_attribute(self, instance: Any) -> Any:
        return instance  # the case: tag_names_of reads the annotation or the prefetch

    def to_representation(self, data: Any) -> list[str]:
        return tag_names_of(data)


class CaseSerializer(TranslatedContentMixin, PrivateFieldsMixin):
    organization = serializers.SlugRelatedField(slug_field="slug", queryset=Organization.objects.all())
    tags = TagNamesField(required=False, help_text="Tag names; a write replaces them all.")

    class Meta:
        model = Case
        fields = record_fields(Case, CASE_FIELDS, shown_after={"proceeding": "tags"})
        read_only_fields = list(RECORD_READ_ONLY)
        extra_kwargs = {"slug": {"required": False}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["organization"].read_only = True

    def organization_id_of(self, instance: Case) -> int:
        return instance.organization_id

    def case_id_of(self, instance: Case) -> int:
        return instance.pk


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
