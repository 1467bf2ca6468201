"""What the API shows of the litigation domain, and which fields a write accepts. One module per
topic; this package names them all.

Who sees what: anyone who can see a case sees its public fields; only members of the owning
organization (and superusers) see private notes, parties' contact details and the names of
parties who did not consent to publication. The views put `member_organizations` (a set of
organization ids, or ALL) in the serializer context, read once per request.

Case content kept in several languages (cases/translation.py) reads in the request's language
(`content_language` in the context, else the active one) with `translations` holding them all;
see TranslatedContentMixin.

A record's fields are its service's editable fields (`cases.services.*_FIELDS`) plus what only
reads: common.record_fields.
"""

from api.cases.serializers.appeals import AppealSerializer, InstanceSerializer
from api.cases.serializers.cases import CaseDetailSerializer, CaseSerializer, TagNamesField
from api.cases.serializers.common import (
    ALL,
    RECORD_READ_ONLY,
    AllOrganizations,
    AwareDateTimeField,
    CaseBoundMixin,
    FastReadMixin,
    PrivateFieldsMixin,
    TimeZoneField,
    _is_member,
    _visible_cases,
    case_redactors_of,
    record_fields,
)
from api.cases.serializers.courts import CourtSerializer
from api.cases.serializers.hearings import HearingSerializer
from api.cases.serializers.parties import (
    PARTY_PRIVATE,
    PartyBriefSerializer,
    PartySerializer,
    PublicNameField,
    party_public_field,
)
from api.cases.serializers.rulings import (
    DEADLINES_HELP,
    DeadlineSerializer,
    RulingDetailSerializer,
    RulingSerializer,
    _deadlines_field,
)
from api.cases.serializers.translations import (
    TRANSLATIONS_HELP,
    LanguageTextsSerializer,
    TranslatedContentMixin,
    TranslatedTextField,
    TranslationsSerializer,
    content_language_of,
    translations_serializer,
)

__all__ = [
    "ALL",
    "DEADLINES_HELP",
    "PARTY_PRIVATE",
    "RECORD_READ_ONLY",
    "TRANSLATIONS_HELP",
    "AllOrganizations",
    "AppealSerializer",
    "AwareDateTimeField",
    "CaseBoundMixin",
    "CaseDetailSerializer",
    "CaseSerializer",
    "CourtSerializer",
    "DeadlineSerializer",
    "FastReadMixin",
    "HearingSerializer",
    "InstanceSerializer",
    "LanguageTextsSerializer",
    "PartyBriefSerializer",
    "PartySerializer",
    "PrivateFieldsMixin",
    "PublicNameField",
    "RulingDetailSerializer",
    "RulingSerializer",
    "TagNamesField",
    "TimeZoneField",
    "TranslatedContentMixin",
    "TranslatedTextField",
    "TranslationsSerializer",
    "_deadlines_field",
    "_is_member",
    "_visible_cases",
    "case_redactors_of",
    "content_language_of",
    "party_public_field",
    "record_fields",
    "translations_serializer",
]
