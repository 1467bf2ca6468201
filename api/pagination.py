from __future__ import annotations

from base64 import b64encode
from typing import Any
from urllib import parse

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination

BIGINT = range(-(2**63), 2**63)


class StableCursorPagination(CursorPagination):
    """Cursor pages: stable under inserts and deletes, no deep OFFSET scans, no page cap."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"
    cursor_query_description = (
        "Where the page starts: take it from the `next` or `previous` link of the page before; omit it for "
        "the first page. It is opaque: a forged or stale one is a 404."
    )
    page_size_query_description = f"How many records a page holds, 1 to {max_page_size} (default {page_size})."

    def get_page_size(self, request: Any) -> int:
        """DRF ignores a page_size it cannot read (`0`, `false`, `null`) and caps a large one; a
        client that asked for something else must hear so: a 400, as the schema's bounds say."""
        text = request.query_params.get(self.page_size_query_param)
        if text is None:
            return self.page_size
        if not (text.isascii() and text.isdigit() and 1 <= int(text) <= self.max_page_size):
            raise ValidationError({self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]})
        return int(text)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        return parameters

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        """The page as OpenAPI 3.1 has it (DRF's own uses 3.0's `nullable`, and its example link
        ends in a stray quote that no URI validator accepts)."""
        link = {"type": ["string", "null"], "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {
                    **link,
                    "description": "The next page's URL; null on the last page.",
                    "examples": ["http://127.0.0.1:8000/api/v1/cases/?cursor=cD00ODY%3D"],
                },
                "previous": {
                    **link,
                    "description": "The previous page's URL; null on the first page.",
                    "examples": ["http://127.0.0.1:8000/api/v1/cases/?cursor=cj0xJnA9NDg3"],
                },
                "results": schema,
            },
        }

    def decode_cursor(self, request: Any) -> Cursor | None:
        """DRF's decoding, plus: the position is a primary key. A forged cursor ("p=abc", or a
        number past bigint) is DRF's 404 "Invalid cursor", not a database error."""
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            try:
                valid = int(cursor.position) in BIGINT
            except ValueError:
                valid = False
            if not valid:
                raise NotFound(self.invalid_cursor_message)
        return cursor

    def encode_cursor(self, cursor: Cursor) -> str:
        """DRF's link (the same URL: parameters sorted, the cursor among them), with the page's
        own URL taken apart once for both links instead of once per link (bench/RESULTS.md)."""
        tokens: dict[str, Any] = {}
        if cursor.offset != 0:
            tokens["o"] = str(cursor.offset)
        if cursor.reverse:
            tokens["r"] = "1"
        if cursor.position is not None:
            tokens["p"] = cursor.position
        encoded = b64encode(parse.urlencode(tokens).encode("ascii")).decode("ascii")
        parts = getattr(self, "_link_parts", None)
        if parts is None or parts[0] != self.base_url:
            scheme, netloc, path, query, fragment = parse.urlsplit(str(self.base_url))
            others = parse.parse_qs(query, keep_blank_values=True)
            others.pop(self.cursor_query_param, None)
            parts = self._link_parts = (self.base_url, scheme, netloc, path, fragment, others)
        _, scheme, netloc, path, fragment, others = parts
        query = parse.urlencode(sorted({**others, self.cursor_query_param: [encoded]}.items()), doseq=True)
        return parse.urlunsplit((scheme, netloc, path, query, fragment))
