"""The feed's page as a typed contract: each item is one of the `<Type>Change` components, told
apart by `type` (a discriminated union, so generated clients get each type's record in `data`).
`ChangePageSerializer` is the whole page; a batch of the same items elsewhere (webhook
deliveries) reuses it rather than describing the items again."""

from __future__ import annotations

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from api.changes.readers import FEED_READERS
from api.schema import with_article
from changes.models import Change


def _type_field(type_name: str) -> serializers.Field:
    """`type` as a constant: one value per item component (an enum of one would be extracted as
    a clashing `TypeEnum` component per type)."""

    @extend_schema_field({"type": "string", "const": type_name, "description": "The record's type."})
    class TypeField(serializers.CharField):
        pass

    return TypeField()


def _change_item_serializer(
    type_name: str, record_serializer: type[serializers.BaseSerializer]
) -> type[serializers.Serializer]:
    fields = {
        "type": _type_field(type_name),
        "id": serializers.IntegerField(help_text="The record's id."),
        "op": serializers.ChoiceField(
            choices=Change.Op.choices,
            help_text="`upsert`: store `data` as the record; `delete`: remove it (deleted, or no longer visible to you).",
        ),
        "version": serializers.IntegerField(
            allow_null=True, help_text="The record's version (the number in its ETag); null on delete."
        ),
        "data": record_serializer(allow_null=True, help_text="The record as you may see it now; null on delete."),
    }
    name = f"{type_name.capitalize()}ChangeSerializer"
    return type(name, (serializers.Serializer,), {**fields, "__doc__": f"A change to {with_article(type_name)}."})


CHANGE_ITEM_SERIALIZERS: dict[str, serializers.Serializer | type[serializers.Serializer]] = {
    type_name: _change_item_serializer(type_name, serializer_class)
    for type_name, (_, serializer_class) in sorted(FEED_READERS.items())
}

CHANGE_ITEM = PolymorphicProxySerializer(
    component_name="ChangeItem",
    serializers=CHANGE_ITEM_SERIALIZERS,
    resource_type_field_name="type",
    many=True,
)


class ChangePageSerializer(serializers.Serializer):
    """A page of the sync feed: apply `results` in order, then ask again with `since=next`."""

    results = CHANGE_ITEM
    next = serializers.CharField(help_text="The cursor to send as `since` for the changes after this page.")
    has_more = serializers.BooleanField(help_text="True if the page is full: more changes may follow at once.")
