"""python manage.py restore /var/backups/tracker/2026-05-01 [--replace]

Checks every file of the backup against its manifest first (a damaged backup restores
nothing), then restores the database with pg_restore into this tracker's DATABASE_URL (an
empty database, unless --replace) and the files into its storage (the folder or the bucket),
each read back and compared with its SHA-256."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from tracker.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` (database and files), verified by SHA-256."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="The backup's folder (it holds manifest.json).")
        parser.add_argument(
            "--replace", action="store_true", help="Drop what the database holds and put the backup in its place."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with tqdm(
                unit="B", unit_scale=True, desc="files", disable=options["verbosity"] == 0, file=self.stderr._out
            ) as bar:  # type: ignore[call-overload]
                summary = backup_restore(
                    folder=options["folder"].resolve(), replace=options["replace"], on_file=bar.update
                )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored from {summary.folder}: the database and {summary.files} files ({summary.file_bytes} bytes), "
            "each matching its SHA-256."
        )
