"""Django's PostgreSQL backend, with dates that cannot break a page.

PostgreSQL stores years up to 294276; Python's dates end in 9999. Before the services checked
the years (tracker/validation.py), a hearing at 23:30 on 31.12.9999 in New York was stored as
year 10000 in UTC, and psycopg then refused every read of the row: the case page, the feed and
even the API's delete of the case failed for everyone. Such a value (or one before year 2,
which cannot be shown west of UTC) now reads as the nearest day that every zone can show, so
the case opens and the wrong date can be corrected in the ordinary form (`manage.py
dates_out_of_range` lists them). Only these two loaders change; the rest is Django's.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from django.db.backends.postgresql import base
from psycopg import DataError, adapters
from psycopg.pq import Format
from psycopg.types.datetime import DateLoader

TIMESTAMPTZ_OID = adapters.types["timestamptz"].oid

# A day before the end (and after the start) of Python's calendar, so that moving the value to
# any zone (offsets up to 14 hours) still gives a date Python has.
LATEST = dt.datetime(9999, 12, 30, tzinfo=dt.UTC)
EARLIEST = dt.datetime(2, 1, 2, tzinfo=dt.UTC)


def _too_large(exc: DataError) -> bool:
    return "too large" in str(exc)


@cache
def _clamping_timestamptz_loader(loader: type[Any]) -> type[Any]:
    class ClampingTimestamptzLoader(loader):  # type: ignore[valid-type, misc]
        def load(self, data: Any) -> dt.datetime:
            try:
                value = super().load(data)
            except DataError as exc:
                value = LATEST if _too_large(exc) else EARLIEST
                return value.astimezone(self.timezone) if self.timezone is not None else value.replace(tzinfo=None)
            if value.year < EARLIEST.year:
                return EARLIEST.astimezone(value.tzinfo) if value.tzinfo is not None else EARLIEST.replace(tzinfo=None)
            return value  # type: ignore[no-any-return]

    return ClampingTimestamptzLoader


class ClampingDateLoader(DateLoader):
    def load(self, data: Any) -> dt.date:
        try:
            return super().load(data)
        except DataError as exc:
            return (LATEST if _too_large(exc) else EARLIEST).date()


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        # Django's own timestamptz loader (the connection's time zone), wrapped.
        timestamptz = connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
        connection.adapters.register_loader("timestamptz", _clamping_timestamptz_loader(timestamptz))
        connection.adapters.register_loader("date", ClampingDateLoader)
        return connection
