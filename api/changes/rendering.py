"""A page of the sync feed as its reader may see it: what GET /api/v1/changes/ answers and what
a webhook endpoint receives (webhooks/services.py), built by one function so the two can never
differ. `data` is each record as the reader may see it *now*; a record they can no longer see
(deleted, or its case turned private) comes as a delete.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from rest_framework import serializers
from rest_framework.utils.encoders import JSONEncoder

from api.cases import sql_json
from api.cases.permissions import OrganizationIds
from api.changes.readers import FEED_READERS
from cases.redaction import PUBLIC_TEXT_FIELDS, CaseRedactors
from cases.selectors import User, bigint_array
from changes.models import Change
from changes.selectors import ChangeRow

CHANGE_ITEM_FIELDS: dict[str, serializers.Field] = {
    "type": serializers.ChoiceField(choices=sorted(FEED_READERS)),
    "id": serializers.IntegerField(),
    "op": serializers.ChoiceField(choices=Change.Op.choices),
    "version": serializers.IntegerField(allow_null=True),
    "data": serializers.DictField(allow_null=True),
}


@dataclass(frozen=True)
class FeedReader:
    """Who reads a page: the user whose visibility applies, the organizations they are a member
    of (private fields), and the HTTP request when there is one (absolute links, language)."""

    user: User
    member_organizations: OrganizationIds
    request: Any = None
    # Translated fields in this language (`?lang=` / Accept-Language); None: the active one.
    language: str | None = None
    # Hidden parties' names in what this reader reads as an outsider (cases/redaction.py).
    redactors: CaseRedactors = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "redactors", CaseRedactors(self.member_organizations))

    @property
    def context(self) -> dict[str, Any]:
        context = {
            "request": self.request,
            "member_organizations": self.member_organizations,
            "redactors": self.redactors,
        }
        if self.language:
            context["content_language"] = self.language
        return context


def _pk_in(model: Any, ids: set[int]) -> RawSQL:
    """`id = ANY(%s)` with the ids as one array parameter: `pk__in` writes a placeholder per id,
    and binding a thousand of them cost more CPU than the rest of the query (bench/api.py)."""
    condition = f'"{model._meta.db_table}"."{model._meta.pk.column}" = ANY(%s::bigint[])'
    return RawSQL(condition, [bigint_array(ids)], BooleanField())  # noqa: S611


def _wanted(rows: Sequence[ChangeRow]) -> tuple[dict[tuple[str, int], int], dict[str, set[int]]]:
    # Data is read now, so only the last mention of a record in a page needs to be sent.
    last_mention = {(row.object_type, row.object_id): index for index, row in enumerate(rows)}
    wanted: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        if row.object_type in FEED_READERS:
            wanted[row.object_type].add(row.object_id)
    return last_mention, wanted


def _preload_redactors(reader: FeedReader, records: Sequence[Any]) -> None:
    """One query for the hidden names of the records' cases this reader reads as an outsider."""
    members_of = reader.member_organizations
    case_ids = set()
    for record in records:
        if record._meta.model_name not in PUBLIC_TEXT_FIELDS:
            continue
        case = record if record._meta.model_name == "case" else getattr(record, "case", None)
        if case is not None and case.organization_id not in members_of:
            case_ids.add(case.pk)
    reader.redactors.preload(case_ids)


def feed_page_json(reader: FeedReader, rows: Sequence[ChangeRow], *, next_cursor: str, has_more: bool) -> str:
    """The page's JSON text, each record's JSON made by PostgreSQL in the query that reads it
    (api/cases/sql_json.py): no model instances, no serializer fields, no json.dumps of the
    records (bench/api.py: the initial sync's CPU went mostly there). PostgreSQL only; a type
    with a field only Python gives (a deadline's steps in the reader's language) is serialized."""
    last_mention, wanted = _wanted(rows)
    found: dict[tuple[str, int], tuple[int, str]] = {}
    for type_name, ids in wanted.items():
        queryset_for, serializer_class = FEED_READERS[type_name]
        model = serializer_class.Meta.model  # type: ignore[attr-defined]
        if not sql_json.renders(serializer_class):  # type: ignore[arg-type]
            records = list(queryset_for(reader.user).filter(_pk_in(model, ids)))
            _preload_redactors(reader, records)
            rendered = serializer_class(records, many=True, context=reader.context).data
            for record, data in zip(records, rendered, strict=True):
                found[(type_name, record.pk)] = (
                    record.version,
                    json.dumps(data, cls=JSONEncoder, ensure_ascii=False, separators=(",", ":")),
                )
            continue
        sql, params = sql_json.row_json(
            serializer_class,  # type: ignore[arg-type]
            member_organizations=reader.member_organizations,
            language=reader.language,
        )
        queryset = (
            queryset_for(reader.user)
            .filter(_pk_in(model, ids))
            .order_by()  # the models' default orderings would only add a sort
            .annotate(feed_json=RawSQL(sql, params))  # noqa: S611 (api/cases/sql_json.py: values are parameters)
        )
        model_name = model._meta.model_name
        if model_name not in PUBLIC_TEXT_FIELDS:  # courts, deadlines: no case text outsiders read
            for pk, version, text in sql_json.plain_rows(queryset).values_list("pk", "version", "feed_json"):
                found[(type_name, pk)] = (version, text)
            continue
        flag_sql, flag_params = sql_json.needs_redaction(model, member_organizations=reader.member_organizations)
        case_key = "pk" if model_name == "case" else "case_id"
        records_json = list(
            sql_json.plain_rows(queryset.annotate(redact=RawSQL(flag_sql, flag_params))).values_list(  # noqa: S611
                "pk", "version", case_key, "feed_json", "redact"
            )
        )
        texts = sql_json.redacted_texts(
            model_name,
            [(case_id, text, flag) for _pk, _v, case_id, text, flag in records_json],
            reader.redactors,
            reader.language,
        )
        for (pk, version, *_rest), text in zip(records_json, texts, strict=True):
            found[(type_name, pk)] = (version, text)
    items = []
    for index, row in enumerate(rows):
        key = (row.object_type, row.object_id)
        if last_mention[key] != index or row.object_type not in FEED_READERS:
            continue
        current = found.get(key)
        if current is None:  # deleted, or no longer visible to this caller
            items.append(
                f'{{"type":"{row.object_type}","id":{row.object_id},"op":"delete","version":null,"data":null}}'
            )
        else:
            items.append(
                f'{{"type":"{row.object_type}","id":{row.object_id},"op":"upsert","version":{current[0]},'
                f'"data":{current[1]}}}'
            )
    more = "true" if has_more else "false"
    return f'{{"results":{sql_json.json_array(items)},"next":"{next_cursor}","has_more":{more}}}'


def feed_items(reader: FeedReader, rows: Sequence[ChangeRow]) -> list[dict[str, Any]]:
    """The page's items through the serializers (any database, any renderer)."""
    last_mention, wanted = _wanted(rows)
    found: dict[tuple[str, int], tuple[int, Any]] = {}
    for type_name, ids in wanted.items():
        queryset_for, serializer_class = FEED_READERS[type_name]
        records = list(queryset_for(reader.user).filter(pk__in=ids))
        _preload_redactors(reader, records)
        # One serializer per type and page: building a ModelSerializer's fields costs more
        # than serializing a record.
        rendered = serializer_class(records, many=True, context=reader.context).data
        for record, data in zip(records, rendered, strict=True):
            found[(type_name, record.pk)] = (record.version, data)
    items = []
    for index, row in enumerate(rows):
        key = (row.object_type, row.object_id)
        if last_mention[key] != index or row.object_type not in FEED_READERS:
            continue
        current = found.get(key)
        if current is None:  # deleted, or no longer visible to this caller
            items.append({"type": row.object_type, "id": row.object_id, "op": "delete", "version": None, "data": None})
            continue
        version, data = current
        items.append({"type": row.object_type, "id": row.object_id, "op": "upsert", "version": version, "data": data})
    return items


def feed_page_body(reader: FeedReader, rows: Sequence[ChangeRow], *, next_cursor: str, has_more: bool) -> str:
    """The page as JSON text on any database: SQL-made JSON on PostgreSQL, else the serializers'."""
    if sql_json.available():
        return feed_page_json(reader, rows, next_cursor=next_cursor, has_more=has_more)
    page = {"results": feed_items(reader, rows), "next": next_cursor, "has_more": has_more}
    return json.dumps(page, cls=JSONEncoder, ensure_ascii=False, separators=(",", ":"))
