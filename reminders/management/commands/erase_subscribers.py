from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from reminders.retention import subscribers_erase


class Command(BaseCommand):
    help = (
        "Erase the addresses of subscribers unsubscribed, or never confirmed, for more than "
        "SUBSCRIBER_RETENTION_DAYS (or --days) days; the beat does it every six hours."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] if options["days"] is not None else settings.SUBSCRIBER_RETENTION_DAYS
        if days < 0:
            raise CommandError("--days cannot be negative.")
        erased = subscribers_erase(days=days)
        self.stdout.write(f"Erased {erased} subscriber address(es) older than {days} day(s).")
