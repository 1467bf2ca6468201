from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from cases.management.commands.party_export import add_selection_arguments, select_parties
from cases.people import party_erase


class Command(BaseCommand):
    help = (
        "Erase a person: anonymise their party records and every history row of them (names, "
        "aliases, description, contact details, notes). Needs --yes (152-FZ art. 21, GDPR art. 17)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_selection_arguments(parser)
        parser.add_argument("--yes", action="store_true", help="Erase for real (without it: only list).")

    def handle(self, *args: Any, **options: Any) -> None:
        parties = list(select_parties(options))
        for party in parties:
            self.stdout.write(f"party {party.pk}: {party.name} ({party.get_role_display()}) in {party.case.slug}")
        if not options["yes"]:
            raise CommandError(
                f"Nothing erased: {len(parties)} party record(s) listed above; run again with --yes to erase them "
                "(export them first with party_export if the person asked for a copy)."
            )
        try:
            with transaction.atomic():  # all or none
                for party in parties:
                    party_erase(party=party)
        except ValidationError as exc:
            raise CommandError(f"Nothing erased: {' '.join(exc.messages)}") from None
        self.stdout.write(f"Erased {len(parties)} party record(s) and their history.")
