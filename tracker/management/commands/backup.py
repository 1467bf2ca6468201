"""python manage.py backup --out /var/backups/tracker/2026-05-01

The database (pg_dump, custom format) and every stored file, with a manifest of SHA-256s.
See tracker/backup.py for the folder's layout; `manage.py restore DIR` puts it back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from tracker.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database (pg_dump) and every stored file, with a manifest of SHA-256s."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="A new (or empty) folder for the backup.")

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"].resolve()
        try:
            with tqdm(
                unit="B", unit_scale=True, desc="files", disable=options["verbosity"] == 0, file=self.stderr._out
            ) as bar:  # type: ignore[call-overload]
                summary = backup_create(out=out, on_file=bar.update)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Backup in {summary.folder}: database {summary.database_bytes} bytes, {summary.files} files "
            f"({summary.file_bytes} bytes); manifest.json lists their SHA-256."
        )
