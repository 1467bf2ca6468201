"""GET /api/v1/changes/?since=<cursor>&limit=N: the lossless sync feed (see changes/selectors.py
for why nothing is missed). Each item is `{type, id, op, version, data}`; `data` is the record as
the caller may see it *now*, so applying the items in order converges on the server's state.
A record with translated fields carries them all in `data.translations` (and `data.title` etc.
in the request's language, `?lang=` or Accept-Language): a replica keeps every language, and an
edit of one translation is an upsert with a new version like any other edit.
A record the caller can no longer see (deleted, or its case turned private) comes as a delete.
The page itself is built in api/changes/rendering.py (webhooks push the same pages).
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.cases import sql_json
from api.cases.permissions import member_organizations, organization_ids_or_none
from api.changes.readers import FEED_READERS
from api.changes.rendering import CHANGE_ITEM_FIELDS, FeedReader, feed_items, feed_page_json
from api.changes.serializers import ChangePageSerializer
from api.errors import ErrorSerializer, Gone
from api.language import LANG_PARAMETER, lang_parameters, request_content_language
from changes.selectors import CursorExpired, CursorInvalid, FeedCursor, changes_visible_to

__all__ = ["CHANGE_ITEM_FIELDS", "DEFAULT_LIMIT", "FEED_READERS", "MAX_LIMIT", "ChangeFeedApi"]

DEFAULT_LIMIT = 500
MAX_LIMIT = 1000


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
                {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
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
        if not (limit_text.isascii() and limit_text.isdigit()) or not 1 <= int(limit_text) <= MAX_LIMIT:
            raise exceptions.ValidationError({"limit": [f"A whole number from 1 to {MAX_LIMIT}."]})
        limit = int(limit_text)
        since = request.query_params.get("since")
        try:
            after = FeedCursor.decode(since) if since else None
            organizations = organization_ids_or_none(member_organizations(request))
            page = changes_visible_to(organizations=organizations, after=after, limit=limit)
        except CursorInvalid as exc:
            raise exceptions.ValidationError({"since": [str(exc)]}) from exc
        except CursorExpired as exc:
            raise Gone(str(exc)) from exc
        reader = FeedReader(
            user=request.user, member_organizations=member_organizations(request), request=request, language=language
        )
        has_more = len(page.rows) == limit
        if sql_json.available() and request.accepted_renderer.format == "json":
            body = feed_page_json(reader, page.rows, next_cursor=page.next.encode(), has_more=has_more)
            return HttpResponse(body.encode(), content_type="application/json")
        return Response({"results": feed_items(reader, page.rows), "next": page.next.encode(), "has_more": has_more})
