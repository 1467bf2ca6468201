"""Rewriting encrypted columns in place, in batches: the data migrations that sealed existing
rows, `manage.py rotate_field_keys` (re-encrypting with the first key) and their reverses.

Raw SQL on purpose: migrations run with historical models whose fields may be plain text, and a
rotation must read the stored tokens, not the decrypted values the model fields hand back.
Keyset pagination on the primary key, one UPDATE statement per batch (psycopg's executemany).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.apps import apps as global_apps
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

from tracker import crypto

RowRewrite = Callable[[tuple[Any, ...]], tuple[Any, ...] | None]


def rewrite_table(
    connection: BaseDatabaseWrapper,
    table: str,
    key: str,
    columns: Sequence[str],
    rewrite: RowRewrite,
    *,
    read_columns: Sequence[str] = (),
    batch_size: int = 1000,
) -> int:
    """Apply `rewrite` to every row's `read_columns or columns` values; it returns the new values
    of `columns` (or None: unchanged). Returns the number of rows written."""
    quote = connection.ops.quote_name
    read = read_columns or columns
    select = (
        f"SELECT {quote(key)}, {', '.join(quote(c) for c in read)} FROM {quote(table)} "  # noqa: S608 (names from models)
        f"WHERE {quote(key)} > %s ORDER BY {quote(key)} LIMIT %s"
    )
    update = (
        f"UPDATE {quote(table)} SET {', '.join(f'{quote(c)} = %s' for c in columns)} "  # noqa: S608
        f"WHERE {quote(key)} = %s"
    )
    written, last = 0, None
    with connection.cursor() as cursor:
        while True:
            cursor.execute(select, [last if last is not None else _lowest(cursor, table, key, quote), batch_size])
            rows = cursor.fetchall()
            if not rows:
                return written
            changes = []
            for row in rows:
                new = rewrite(tuple(row[1:]))
                if new is not None:
                    changes.append([*new, row[0]])
            if changes:
                with transaction.atomic(using=connection.alias):  # a batch at a time (a savepoint in a migration)
                    cursor.executemany(update, changes)
                written += len(changes)
            last = rows[-1][0]


def _lowest(cursor: Any, table: str, key: str, quote: Callable[[str], str]) -> Any:
    cursor.execute(f"SELECT min({quote(key)}) - 1 FROM {quote(table)}")  # noqa: S608
    value = cursor.fetchone()[0]
    return value if value is not None else 0


def _sealed(value: str) -> bool:
    if not crypto.is_token(value):
        return False
    try:
        crypto.decrypt(value)
    except crypto.UnreadableField:
        return False
    return True


def seal_values(values: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """Plaintext -> token; a value already sealed (a migration run twice) is left alone."""
    new = tuple(v if not v or _sealed(v) else crypto.encrypt(v) for v in values)
    return new if new != values else None


def open_values(values: tuple[Any, ...]) -> tuple[Any, ...] | None:
    new = tuple(crypto.decrypt(v) if v and _sealed(v) else v for v in values)
    return new if new != values else None


def rotate_values(values: tuple[Any, ...]) -> tuple[Any, ...] | None:
    if not any(values):
        return None
    return tuple(crypto.rotate(v) if v else v for v in values)


def seal_model_columns(
    connection: BaseDatabaseWrapper, model: type[Model], names: Sequence[str], *, reverse: bool = False
) -> int:
    """Seal (or open) the columns of `names` in `model`'s table: for data migrations."""
    columns = [str(model._meta.get_field(name).column) for name in names]  # type: ignore[union-attr]
    return rewrite_table(
        connection, model._meta.db_table, model._meta.pk.column, columns, open_values if reverse else seal_values
    )


def encrypted_tables() -> Iterator[tuple[type[Model], str, str, list[str]]]:
    """Every installed model (historical ones included) with encrypted fields: (model, table,
    key column, encrypted columns)."""
    from tracker.fields import encrypted_fields

    for model in global_apps.get_models():
        fields = encrypted_fields(model)
        if fields and not model._meta.proxy:
            yield model, model._meta.db_table, model._meta.pk.column, [f.column for f in fields]
