from __future__ import annotations

from api.cases.serializers.common import (
    RECORD_READ_ONLY,
    AwareDateTimeField,
    CaseBoundMixin,
    PrivateFieldsMixin,
    record_fields,
)
from api.cases.serializers.translations import TranslatedContentMixin
from cases.models import Hearing
from cases.services import HEARING_FIELDS


class HearingSerializer(TranslatedContentMixin, CaseBoundMixin, PrivateFieldsMixin):
    starts_at = AwareDateTimeField()

    class Meta:
        model = Hearing
        fields = record_fields(Hearing, HEARING_FIELDS)
        read_only_fields = list(RECORD_READ_ONLY)
