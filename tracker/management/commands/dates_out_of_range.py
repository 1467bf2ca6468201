"""python manage.py dates_out_of_range [--fix]

Lists every stored date and moment outside the years the services accept (1900-2200,
tracker/validation.py): values written before those checks, or by hand in SQL. A year-10000
value cannot even be read by Python (the database backend shows it as 30 December 9999), so the
values are compared and shown by the database itself. `--fix` moves each to the nearest accepted
day (1 January 1900 or 31 December 2200, midnight UTC), where a lawyer sees it and corrects it
in the ordinary forms (the history and the sync feed record that correction, not this repair). It exits with status 1 while any is left.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction

from tracker.validation import EVENT_YEAR_MAX, EVENT_YEAR_MIN


def _date_fields() -> list[tuple[type[models.Model], models.DateField]]:
    return [
        (model, field)
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
        for field in model._meta.concrete_fields
        if isinstance(field, models.DateField)  # DateTimeField too
    ]


def _bounds(field: models.DateField) -> tuple[dt.date, dt.date, dt.date]:
    """The first accepted value, the first one past the end, and the last accepted day."""
    low, high, last = dt.date(EVENT_YEAR_MIN, 1, 1), dt.date(EVENT_YEAR_MAX + 1, 1, 1), dt.date(EVENT_YEAR_MAX, 12, 31)
    if isinstance(field, models.DateTimeField):
        return tuple(dt.datetime.combine(day, dt.time(0, 0), tzinfo=dt.UTC) for day in (low, high, last))  # type: ignore[return-value]
    return low, high, last


class Command(BaseCommand):
    help = f"List (and with --fix, repair) stored dates outside the years {EVENT_YEAR_MIN}-{EVENT_YEAR_MAX}."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fix", action="store_true", help="Move each such value to the nearest accepted day.")

    def handle(self, *args: Any, **options: Any) -> None:
        found = 0
        quote = connection.ops.quote_name
        with transaction.atomic():
            for model, field in _date_fields():
                table, column, pk = quote(model._meta.db_table), quote(field.column), quote(model._meta.pk.column)
                low, high, last = _bounds(field)
                outside = f"{column} < %s OR {column} >= %s"
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT {pk}, CAST({column} AS TEXT) FROM {table} WHERE {outside} ORDER BY {pk}",  # noqa: S608
                        [low, high],
                    )
                    rows = cursor.fetchall()
                    for row_pk, value in rows:
                        self.stdout.write(f"{model._meta.label} #{row_pk} {field.name}: {value}")
                    if rows and options["fix"]:
                        # Moved, not emptied: a filed case keeps a filing date (a check constraint),
                        # and the lawyer sees what to correct.
                        cursor.execute(
                            f"UPDATE {table} SET {column} = CASE WHEN {column} < %s THEN %s ELSE %s END "  # noqa: S608
                            f"WHERE {outside}",
                            [low, low, last, low, high],
                        )
                found += len(rows)
        if not found:
            self.stdout.write(f"No stored date outside the years {EVENT_YEAR_MIN}-{EVENT_YEAR_MAX}.")
            return
        if options["fix"]:
            self.stdout.write(
                f"{found} value(s) moved to {EVENT_YEAR_MIN}-01-01 or {EVENT_YEAR_MAX}-12-31; "
                "correct them in the case's pages."
            )
            return
        raise CommandError(f"{found} value(s) outside the years {EVENT_YEAR_MIN}-{EVENT_YEAR_MAX}; run with --fix.")
