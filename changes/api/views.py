"""GET /api/v1/changes/?since=<cursor>&limit=N: the lossless sync feed (see changes/selectors.py
for why nothing is missed). Each item is `{type, id, op, version, data}`; `data` is the record as
the caller may see it *now*, so applying the items in order converges on the server's state.
A record with translated fields carries them all in `data.translations` (and `data.title` etc.
in the request's language, `?lang=` or Accept-Language): a replica keeps every language, and an
edit of one translation is an upsert with a new version like any other edit.
A record the caller can no longer see (deleted, or its case turned private) comes as a delete.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.views import APIView

from cases.api import sql_json
from cases.api.permissions import member_organizations
from cases.selectors import bigint_array
from changes.api.readers import FEED_READERS
from changes.api.serializers import ChangePageSerializer
from changes.selectors import ChangeRow, CursorExpired, CursorInvalid, FeedCursor, changes_visible_to
from tracker.api.errors import ErrorSerializer, Gone
from tracker.api.language import LANG_PARAMETER, lang_parameters, request_content_language

__all__ = ["FEED_READERS", "ChangeFeedApi"]

DEFAULT_LIMIT = 500
MAX_LIMIT = 1000


def _pk_in(model: Any, ids: set[int]) -> RawSQL:
    """`id = ANY(%s)` with the ids as one array parameter: `pk__in` writes a placeholder per id,
    and binding a thousand of them cost more CPU than the rest of the query (bench/api.py)."""
    condition = f'"{model._meta.db_table}"."{model._meta.pk.column}" = ANY(%s::bigint[])'
    return RawSQL(condition, [bigint_array(ids)], BooleanField())  # noqa: S611


class ChangeFeedApi(APIView):
    """Every change to the records you can see, in commit order, with a cursor to continue."""

    @extend_schema(
        operation_id="changes_list",
        summary="Read the changes since a cursor",
        parameters=[
            OpenApiParameter(
                "since",
                OpenApiTypes.STR,
                description="The `next` of the previous page; omit it to start from the beginning (a full sync).",
            ),
            OpenApiParameter(
                "limit",
                OpenApiTypes.INT,
                description=f"How many changes a page holds, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}).",
            ),
            *lang_parameters(),
        ],
        responses={
            200: ChangePageSerializer,
            410: OpenApiResponse(
                ErrorSerializer,
                description="The cursor is older than the feed keeps (CHANGE_LOG_RETENTION_DAYS): sync again "
                "from the beginning, without `since`.",
            ),
        },
    )
    def get(self, request: Request) -> HttpResponse:
        language = request_content_language(request)
        unknown = sorted(set(request.query_params) - {"since", "limit", "format", LANG_PARAMETER})
        if unknown:
            raise exceptions.ValidationError(
                {name: ["Unknown query parameter. Allowed here: since, limit, lang."] for name in unknown}
            )
        limit_text = request.query_params.get("limit", str(DEFAULT_LIMIT))
        if not limit_text.isdigit() or not 1 <= int(limit_text) <= MAX_LIMIT:
            raise exceptions.ValidationError({"limit": [f"A whole number from 1 to {MAX_LIMIT}."]})
        limit = int(limit_text)
        since = request.query_params.get("since")
        try:
            after = FeedCursor.decode(since) if since else None
            page = changes_visible_to(user=request.user, after=after, limit=limit)
        except CursorInvalid as exc:
            raise exceptions.ValidationError({"since": [str(exc)]}) from exc
        except CursorExpired as exc:
            raise Gone(str(exc)) from exc
        if sql_json.available() and request.accepted_renderer.format == "json":
            return self._json_response(request, page.rows, page.next.encode(), len(page.rows) == limit, language)
        return Response(
            {
                "results": self._items(request, page.rows, language),
                "next": page.next.encode(),
                "has_more": len(page.rows) == limit,
            }
        )

    def _json_response(
        self, request: Request, rows: Sequence[ChangeRow], next_cursor: str, has_more: bool, language: str
    ) -> HttpResponse:
        """The same page as `_items`, with each record's JSON made by PostgreSQL in the query that
        reads it (cases/api/sql_json.py): no model instances, no serializer fields, no json.dumps
        of the records (bench/api.py: the initial sync's CPU went mostly there)."""
        last_mention = {(row.object_type, row.object_id): index for index, row in enumerate(rows)}
        wanted: dict[str, set[int]] = defaultdict(set)
        for row in rows:
            if row.object_type in FEED_READERS:
                wanted[row.object_type].add(row.object_id)
        members_of = member_organizations(request)
        found: dict[tuple[str, int], tuple[int, str]] = {}
        for type_name, ids in wanted.items():
            queryset_for, serializer_class = FEED_READERS[type_name]
            if not sql_json.renders(serializer_class):  # type: ignore[arg-type]
                # A field only Python gives (a deadline's steps in the reader's language).
                context = {"request": request, "member_organizations": members_of, "content_language": language}
                records = list(queryset_for(request.user).filter(_pk_in(serializer_class.Meta.model, ids)))  # type: ignore[attr-defined]
                rendered = serializer_class(records, many=True, context=context).data
                for record, data in zip(records, rendered, strict=True):
                    found[(type_name, record.pk)] = (
                        record.version,
                        json.dumps(data, cls=JSONEncoder, ensure_ascii=False, separators=(",", ":")),
                    )
                continue
            sql, params = sql_json.row_json(serializer_class, member_organizations=members_of, language=language)  # type: ignore[arg-type]
            rows_json = sql_json.plain_rows(
                queryset_for(request.user)
                .filter(_pk_in(serializer_class.Meta.model, ids))  # type: ignore[attr-defined]
                .order_by()  # the models' default orderings would only add a sort
                .annotate(feed_json=RawSQL(sql, params))  # noqa: S611 (cases/api/sql_json.py: values are parameters)
            ).values_list("pk", "version", "feed_json")
            for pk, version, text in rows_json:
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
        body = f'{{"results":{sql_json.json_array(items)},"next":"{next_cursor}","has_more":{"true" if has_more else "false"}}}'
        return HttpResponse(body.encode(), content_type="application/json")

    def _items(self, request: Request, rows: Sequence[ChangeRow], language: str) -> list[dict[str, Any]]:
        # Data is read now, so only the last mention of a record in a page needs to be sent.
        last_mention = {(row.object_type, row.object_id): index for index, row in enumerate(rows)}
        wanted: dict[str, set[int]] = defaultdict(set)
        for row in rows:
            if row.object_type in FEED_READERS:
                wanted[row.object_type].add(row.object_id)
        context = {
            "request": request,
            "member_organizations": member_organizations(request),
            "content_language": language,
        }
        found: dict[tuple[str, int], tuple[int, Any]] = {}
        for type_name, ids in wanted.items():
            queryset_for, serializer_class = FEED_READERS[type_name]
            records = list(queryset_for(request.user).filter(pk__in=ids))
            # One serializer per type and page: building a ModelSerializer's fields costs more
            # than serializing a record.
            rendered = serializer_class(records, many=True, context=context).data
            for record, data in zip(records, rendered, strict=True):
                found[(type_name, record.pk)] = (record.version, data)
        items = []
        for index, row in enumerate(rows):
            key = (row.object_type, row.object_id)
            if last_mention[key] != index or row.object_type not in FEED_READERS:
                continue
            current = found.get(key)
            if current is None:  # deleted, or no longer visible to this caller
                items.append(
                    {"type": row.object_type, "id": row.object_id, "op": "delete", "version": None, "data": None}
                )
                continue
            version, data = current
            items.append(
                {"type": row.object_type, "id": row.object_id, "op": "upsert", "version": version, "data": data}
            )
        return items
