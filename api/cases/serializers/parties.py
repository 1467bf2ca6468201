from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.cases.serializers.common import (
    RECORD_READ_ONLY,
    CaseBoundMixin,
    PrivateFieldsMixin,
    _is_member,
    _visible_cases,
    record_fields,
)
from api.cases.serializers.translations import TranslatedContentMixin, content_language_of
from cases.content import localized
from cases.models import Party
from cases.services import PARTY_FIELDS

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
        fields = record_fields(Party, PARTY_FIELDS, shown_after={"alias": "public_name"})
        read_only_fields = list(RECORD_READ_ONLY)
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


class PartyBriefSerializer(PartySerializer):
    class Meta(PartySerializer.Meta):
        fields = [name for name in PartySerializer.Meta.fields if name not in ("case", "created_at", "updated_at")]
