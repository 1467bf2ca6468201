"""Re-encrypt every encrypted column with the first key of FIELD_ENCRYPTION_KEYS.

Rotation: put the new key first (`FIELD_ENCRYPTION_KEYS=new,old`), restart, run this command,
then drop the old key. Batches of --batch-size rows, each in its own transaction; safe to
interrupt and to run again (a value already under the first key is simply re-encrypted).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from tracker import crypto
from tracker.sealing import encrypted_tables, rewrite_table, rotate_values


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the first key of FIELD_ENCRYPTION_KEYS, in batches."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        total = 0
        for _model, table, key, columns in encrypted_tables():
            try:
                written = rewrite_table(
                    connection, table, key, columns, rotate_values, batch_size=options["batch_size"]
                )
            except crypto.UnreadableField as exc:
                raise CommandError(f"{table}: {exc}") from None
            total += written
            self.stdout.write(f"{table}: {written} row(s) re-encrypted ({', '.join(columns)}).")
        self.stdout.write(f"Done: {total} row(s) now under the first key.")
