import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from deadlines.counting import deadline_compute
from deadlines.rules import NoVersionInForce, UnknownRule, rule_codes


def _date(value: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"The {what} {value!r} is not a date: give it as YYYY-MM-DD, e.g. 2020-01-31.") from None


class Command(BaseCommand):
    help = "Compute a procedural deadline: the due date, the rule version applied and how the date was reached."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("rule", help=f"Rule code: {', '.join(rule_codes())}.")
        parser.add_argument("trigger_date", help="Date of the triggering event (YYYY-MM-DD).")
        parser.add_argument(
            "--pronounced-on", help="Date the judgment was pronounced, for rules capped from it (de-zpo-appeal)."
        )
        parser.add_argument("--json", action="store_true", help="Print JSON instead of text.")
        parser.add_argument(
            "--lang",
            default=settings.LANGUAGE_CODE,
            help=f"Language of the steps: {', '.join(code for code, _ in settings.LANGUAGES)}.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        languages = [code for code, _ in settings.LANGUAGES]
        if options["lang"] not in languages:
            raise CommandError(f"Unknown language {options['lang']!r}: use one of {', '.join(languages)}.")
        with translation.override(options["lang"]):
            self._print(options)

    def _print(self, options: dict[str, Any]) -> None:
        trigger_on = _date(options["trigger_date"], "trigger date")
        pronounced_on = _date(options["pronounced_on"], "pronouncement date") if options["pronounced_on"] else None
        try:
            result = deadline_compute(options["rule"], trigger_on, pronounced_on=pronounced_on)
        except (UnknownRule, NoVersionInForce) as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
            return
        self.stdout.write(result.due_on.isoformat())
        self.stdout.write(f"Rule: {result.rule.code}, version {result.rule.version}: {result.rule.title}.")
        self.stdout.write(f"Source: {result.rule.source}; counting: {result.rule.counting_source}.")
        for step in result.as_dict()["steps"]:
            self.stdout.write(f"  - {step}")
