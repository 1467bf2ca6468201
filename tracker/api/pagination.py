from __future__ import annotations

from typing import Any

from rest_framework.exceptions import NotFound
from rest_framework.pagination import Cursor, CursorPagination

BIGINT = range(-(2**63), 2**63)


class StableCursorPagination(CursorPagination):
    """Cursor pages: stable under inserts and deletes, no deep OFFSET scans, no page cap."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"

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
