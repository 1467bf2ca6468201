"""Claim the reminders and notices due now and queue them for the workers: what the beat does
every minute, for an operator who wants it now (e.g. after an outage)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from reminders.tasks import reminders_dispatch_due_task


class Command(BaseCommand):
    help = "Queue every due reminder and notice for sending now (the beat's tick, run once)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = reminders_dispatch_due_task()
        self.stdout.write(f"Queued {count} message(s) for sending.")
