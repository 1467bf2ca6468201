from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.cases.serializers.common import (
    RECORD_READ_ONLY,
    CaseBoundMixin,
    PrivateFieldsMixin,
    _visible_cases,
    record_fields,
)
from api.cases.serializers.rulings import RulingSerializer
from api.cases.serializers.translations import TranslatedContentMixin
from cases.models import Appeal, Party, Ruling
from cases.services import APPEAL_FIELDS


class AppealSerializer(TranslatedContentMixin, CaseBoundMixin, PrivateFieldsMixin):
    class Meta:
        model = Appeal
        fields = record_fields(Appeal, APPEAL_FIELDS)
        read_only_fields = list(RECORD_READ_ONLY)
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


class InstanceSerializer(serializers.Serializer):
    """One step of the appeal chain: a ruling and the appeals against it."""

    ruling = RulingSerializer()
    appeals = AppealSerializer(many=True)
