from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.people import parties_of_person, party_export


def select_parties(options: dict[str, Any]) -> Any:
    """The party records the options name, or a CommandError with a sentence."""
    try:
        parties = parties_of_person(
            ids=options["party_ids"], name=options["name"] or "", case_slug=options["case"] or ""
        )
    except ValidationError as exc:
        raise CommandError(
            " ".join(exc.messages) + " E.g. `party_export 12 15` or `party_export --name 'Anna Popova'`."
        ) from None
    found = list(parties)
    if not found:
        raise CommandError("No party record matches: check the ids, the name (exact, in any language) or --case.")
    missing = sorted(set(options["party_ids"] or ()) - {p.pk for p in found})
    if missing:
        raise CommandError(f"No party record with id {', '.join(map(str, missing))}: nothing was done.")
    return parties


def add_selection_arguments(parser: CommandParser) -> None:
    parser.add_argument("party_ids", nargs="*", type=int, metavar="PARTY_ID", help="Party record ids.")
    parser.add_argument("--name", help="A name or alias, exact (case-insensitive), in any language.")
    parser.add_argument("--case", help="Only within the case with this slug.")


class Command(BaseCommand):
    help = (
        "Print as JSON everything held about a person: their party records across cases, who "
        "represents them, the appeals they brought and every history row (152-FZ art. 14, GDPR art. 15)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_selection_arguments(parser)
        parser.add_argument("--out", help="Write to this file instead of standard output.")

    def handle(self, *args: Any, **options: Any) -> None:
        data = party_export(parties=select_parties(options))
        text = json.dumps(data, ensure_ascii=False, indent=2)
        if options["out"]:
            try:
                with open(options["out"], "x", encoding="utf-8") as out:
                    out.write(text + "\n")
            except OSError as exc:
                raise CommandError(f"Cannot write {options['out']}: {exc.strerror}.") from None
            self.stderr.write(f"Wrote {len(data['records'])} party record(s) to {options['out']}.")
        else:
            self.stdout.write(text)
