from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accesslog.services import access_log_prune


class Command(BaseCommand):
    help = "Delete access-log records older than ACCESS_LOG_DAYS (or --days)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="Keep this many days (default ACCESS_LOG_DAYS).")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] if options["days"] is not None else settings.ACCESS_LOG_DAYS
        if days < 1:
            raise CommandError("--days must be at least 1: the log of today is never deleted.")
        deleted = access_log_prune(days=days)
        self.stdout.write(f"Deleted {deleted} access record(s) older than {days} day(s).")
