from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from changes.services import change_log_prune


class Command(BaseCommand):
    help = "Drop sync-feed rows older than the retention window that a fresh sync does not need."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=settings.CHANGE_LOG_RETENTION_DAYS)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] < 1:
            self.stderr.write("The retention window is at least one day.")
            raise SystemExit(2)
        deleted = change_log_prune(older_than=dt.timedelta(days=options["days"]))
        self.stdout.write(f"Pruned {deleted} change rows older than {options['days']} days.")
