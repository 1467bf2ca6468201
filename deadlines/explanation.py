"""The "how it was computed" trail of a deadline, kept without a language and read in the reader's.

A step is stored as ``{"text": msgid, "args": {...}}`` (``Deadline.explanation``, a JSON list):
the msgid is the English sentence with ``%(name)s`` placeholders, marked where it is written
(``gettext_noop``) so that ``makemessages`` finds it; a step whose sentence depends on a number
also has ``"plural"`` and ``"count"`` (Russian has three plural forms). An argument is a plain
value (dates as ISO text: a date in law reads the same in every language), or one of these, each
rendered in the reader's language when read:

- ``{"weekday": 0-6}``: the day's name;
- ``{"month": "YYYY-MM"}``: the month and year;
- ``{"msgid": text, "context": ctx}``: a text of the rule table (its trigger, a note, why a rule
  applies), translated through the catalogue;
- ``{"holiday": {"calendar": "RU", "date": ISO}}``: the holiday's name from the ``holidays``
  package in that language (English where the country's calendar has no such translation);
- ``{"join": [step, ...], "sep": "; "}``: several steps read as one sentence.

Steps written before this format (plain English strings) are read as they are.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from typing import Any

import holidays
from django.utils import formats, translation
from django.utils.translation import gettext, ngettext, pgettext, pgettext_lazy

Step = dict[str, Any]

# Day names inside a sentence ("2020-02-29 is a Saturday"): Russian writes them in lower case,
# which Django's own (capitalised, stand-alone) names are not.
_WEEKDAYS = (
    pgettext_lazy("weekday in a sentence", "Monday"),
    pgettext_lazy("weekday in a sentence", "Tuesday"),
    pgettext_lazy("weekday in a sentence", "Wednesday"),
    pgettext_lazy("weekday in a sentence", "Thursday"),
    pgettext_lazy("weekday in a sentence", "Friday"),
    pgettext_lazy("weekday in a sentence", "Saturday"),
    pgettext_lazy("weekday in a sentence", "Sunday"),
)


# --- Writing steps (deadlines/counting.py, deadlines/services.py) -----------------------------


def step(text: str, **args: Any) -> Step:
    return {"text": text, "args": args}


def plural_step(singular: str, plural: str, count: int, **args: Any) -> Step:
    return {"text": singular, "plural": plural, "count": count, "args": {"count": count, **args}}


def weekday(day: dt.date) -> dict[str, int]:
    return {"weekday": day.weekday()}


def month(day: dt.date) -> dict[str, str]:
    return {"month": f"{day:%Y-%m}"}


def msg(text: str, context: str | None = None) -> dict[str, str | None]:
    return {"msgid": text, "context": context}


def holiday(calendar: str, day: dt.date) -> dict[str, dict[str, str]]:
    return {"holiday": {"calendar": calendar, "date": day.isoformat()}}


def joined(steps: Iterable[Step], sep: str) -> dict[str, Any]:
    return {"join": list(steps), "sep": sep}


# --- Reading them -----------------------------------------------------------------------------


@functools.cache
def holiday_names(calendar: str, language: str) -> holidays.HolidayBase:
    """The `holidays` calendar of `calendar` ("RU", "GB-ENG") naming its days in `language`
    (a Django code), or in US English where the package has no translation for that country."""
    country, _, subdiv = calendar.partition("-")
    supported = holidays.country_holidays(country, subdiv=subdiv or None).supported_languages
    wanted = next((code for code in supported if code == language or code.startswith(f"{language}_")), "en_US")
    return holidays.country_holidays(country, subdiv=subdiv or None, language=wanted)


def _arg(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    if "weekday" in value:
        return str(_WEEKDAYS[value["weekday"]])
    if "month" in value:
        return formats.date_format(dt.date.fromisoformat(f"{value['month']}-01"), "F Y")
    if "msgid" in value:
        return pgettext(value["context"], value["msgid"]) if value.get("context") else gettext(value["msgid"])
    if "holiday" in value:
        where = value["holiday"]
        names = holiday_names(where["calendar"], translation.get_language() or "en")
        return names.get(dt.date.fromisoformat(where["date"])) or ""
    if "join" in value:
        return value["sep"].join(step_text(part) for part in value["join"])
    if "text" in value:
        return step_text(value)
    return value


def step_text(entry: Step | str) -> str:
    """One step in the active language."""
    if isinstance(entry, str):
        return entry
    if "plural" in entry:
        text = ngettext(entry["text"], entry["plural"], entry["count"])
    else:
        text = gettext(entry["text"])
    args = entry.get("args") or {}
    return text % {name: _arg(value) for name, value in args.items()} if args else text


def explanation_text(steps: Iterable[Step | str], language: str | None = None) -> list[str]:
    """The steps as sentences, in `language` or else the active one."""
    if language is None:
        return [step_text(entry) for entry in steps]
    with translation.override(language):
        return [step_text(entry) for entry in steps]
