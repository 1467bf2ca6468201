"""Rulings and the procedural deadlines that run from them."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.cases.serializers.common import (
    RECORD_READ_ONLY,
    CaseBoundMixin,
    FastReadMixin,
    PrivateFieldsMixin,
    record_fields,
)
from api.cases.serializers.translations import TranslatedContentMixin
from cases.models import Ruling
from cases.services import RULING_FIELDS
from deadlines.models import Deadline


class RulingSerializer(TranslatedContentMixin, CaseBoundMixin, PrivateFieldsMixin):
    class Meta:
        model = Ruling
        fields = record_fields(Ruling, RULING_FIELDS)
        read_only_fields = list(RECORD_READ_ONLY)


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
