"""The case list's page, read with one SQL statement written here rather than built with the
ORM on every request.

Why: building and compiling the ORM queryset (the visibility rule's membership subquery, the
cursor's filter, the JSON annotation) was much of `GET /api/v1/cases/` (bench/api.py; the
figures are in bench/RESULTS.md); the issue asks the list to stay within 3x of reading
the page with one raw query. The statement is fixed per audience: visibility from
cases.selectors.case_visibility_sql (with the organizations already read with the caller's
token), each row's JSON from api/cases/sql_json.py, keyset order on the primary key.

`CasePageQuery` offers DRF's CursorPagination the few QuerySet operations it uses (order_by on
the id, one `id__lt`/`id__gt` filter, one slice), so cursors, page sizes and next/previous links
stay DRF's own and interchangeable with the ORM path that filtered lists take.
tests/api/test_case_page.py checks both paths give the same pages.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from psycopg.adapt import Loader
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination

ORDER_FIELD = "id"


class Utf8Bytes(Loader):
    """A text column as the bytes PostgreSQL sent (UTF-8, the connection's encoding): the page's
    JSON goes into the response as it came, without being decoded into str and encoded back."""

    def load(self, data: Any) -> bytes:
        return bytes(data)


class CasePageQuery:
    def __init__(
        self,
        json_sql: str,
        json_params: list[Any],
        where_sql: str,
        where_params: list[Any],
        *,
        descending: bool = True,
        bound: tuple[str, int] | None = None,
    ) -> None:
        self.json_sql, self.json_params = json_sql, json_params
        self.where_sql, self.where_params = where_sql, where_params
        self.descending, self.bound = descending, bound

    def _copy(self, **changes: Any) -> CasePageQuery:
        state = {"descending": self.descending, "bound": self.bound, **changes}
        return CasePageQuery(self.json_sql, self.json_params, self.where_sql, self.where_params, **state)

    def order_by(self, *fields: str) -> CasePageQuery:
        if len(fields) != 1 or fields[0].lstrip("-") != ORDER_FIELD:
            raise ValueError(f"cases' pages are ordered by {ORDER_FIELD} only, not {fields}")
        return self._copy(descending=fields[0].startswith("-"))

    def filter(self, **conditions: Any) -> CasePageQuery:
        ((lookup, value),) = conditions.items()
        operator = {f"{ORDER_FIELD}__lt": "<", f"{ORDER_FIELD}__gt": ">"}[lookup]
        try:
            position = int(value)
        except (TypeError, ValueError):
            raise NotFound(CursorPagination.invalid_cursor_message) from None
        return self._copy(bound=(operator, position))

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        start, stop = window.start or 0, window.stop
        if window.step is not None or stop is None or stop < start:
            raise ValueError("a page is one bounded slice")
        where, params = [self.where_sql], [*self.where_params]
        if self.bound is not None:
            where.append(f'"cases_case"."{ORDER_FIELD}" {self.bound[0]} %s')
            params.append(self.bound[1])
        sql = (
            f'SELECT "cases_case"."{ORDER_FIELD}", {self.json_sql} FROM "cases_case" '  # noqa: S608 (no values in the text)
            f"WHERE {' AND '.join(where)} "
            f'ORDER BY "cases_case"."{ORDER_FIELD}" {"DESC" if self.descending else "ASC"} LIMIT %s OFFSET %s'
        )
        with connection.cursor() as cursor:
            # Only this cursor's text columns (the JSON; the key and the flag are not text).
            cursor.cursor.adapters.register_loader("text", Utf8Bytes)
            cursor.execute(sql, [*self.json_params, *params, stop - start, start])
            # A third column, when the caller's SQL has one, says whether the row needs redacting.
            return [
                {ORDER_FIELD: key, "list_json": text, "redact": bool(flag and flag[0])}
                for key, text, *flag in cursor.fetchall()
            ]
