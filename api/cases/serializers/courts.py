from __future__ import annotations

from api.cases.serializers.common import RECORD_READ_ONLY, FastReadMixin, TimeZoneField, record_fields
from api.cases.serializers.translations import TranslatedContentMixin
from cases.models import Court
from cases.services import COURT_FIELDS


class CourtSerializer(TranslatedContentMixin, FastReadMixin):
    time_zone = TimeZoneField(use_pytz=False)

    class Meta:
        model = Court
        fields = record_fields(Court, COURT_FIELDS)
        read_only_fields = list(RECORD_READ_ONLY)
