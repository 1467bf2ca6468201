from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.data import DEMO_ACCOUNTS, demo_seed


class Command(BaseCommand):
    help = "Load the demo cases (Popova v. Moscow and others) and demo accounts. Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-accounts", action="store_true", help="Load the cases without the demo accounts.")
        parser.add_argument(
            "--allow-demo-accounts-without-debug",
            action="store_true",
            help="Create the demo accounts (with their published passwords) even though DEBUG is off.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with_accounts = not options["no_accounts"]
        if with_accounts and not settings.DEBUG and not options["allow_demo_accounts_without_debug"]:
            raise CommandError(
                "DEBUG is off, so this looks like a real deployment: the demo accounts have published passwords. "
                "Use --no-accounts, or --allow-demo-accounts-without-debug if you really want them."
            )
        counts = demo_seed(with_accounts=with_accounts)
        self.stdout.write("Demo loaded: " + ", ".join(f"{count} {name}" for name, count in counts.items()) + ".")
        if with_accounts:
            self.stdout.write(f"Log in at {settings.SITE_BASE_URL}/admin/ with a demo account:")
            for username, password, role, _ in DEMO_ACCOUNTS:
                self.stdout.write(f"  {username:<8} password {password:<18} ({role})")
