"""Checks every app applies to what comes in, whether through a page, the API, the admin or a
query string: dates within the years a case can have, known time zone names, text without
control characters. Each raises Django's ValidationError with a translated message, which forms
show next to the field and the API answers as a 400."""

from __future__ import annotations

import datetime as dt
import unicodedata
import zoneinfo
from functools import cache
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext, gettext_lazy

# A hearing, a ruling, a filing or a fact of a case: the years any of them can fall in. Python's
# dates end in 9999, so a date near that end moved to UTC (or to a reader's zone) no longer
# exists; PostgreSQL stores it anyway and every later read of the row fails.
EVENT_YEAR_MIN = 1900
EVENT_YEAR_MAX = 2200
EVENT_DATE_MIN = dt.date(EVENT_YEAR_MIN, 1, 1)
EVENT_DATE_MAX = dt.date(EVENT_YEAR_MAX, 12, 31)

# The world's latest clock is UTC+14 (the Line Islands): a date that is already today there is not
# "in the future". A server on UTC would otherwise refuse, from 21:00 UTC, a ruling given today
# in Moscow, and until 10:00 local time one given today in Vladivostok.
_LATEST_CLOCK = dt.timezone(dt.timedelta(hours=14))


def today_anywhere() -> dt.date:
    """The latest date on any clock on Earth now: the bound for a date that has happened."""
    return timezone.now().astimezone(_LATEST_CLOCK).date()


# The longest IANA zone name is 32 characters ("America/Argentina/ComodRivadavia").
TIME_ZONE_MAX_LENGTH = 64

# Control characters (Cc: C0 including NUL, DEL, C1) and lone surrogates (Cs: no encoder takes
# them), plus the Unicode line and paragraph separators, which calendar and mail readers treat
# as line breaks.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cs"})
_LINE_BREAKS = frozenset("\n\r\t")
# A free text without a length limit in its column (a summary, notes): long enough for any
# real one, short enough that one request cannot fill the database.
TEXT_MAX_LENGTH = 100_000


def event_date_validate(value: dt.date | dt.datetime | None) -> None:
    """A date or a moment of a case's life: years 1900 to 2200."""
    if value is None:
        return
    if not EVENT_YEAR_MIN <= value.year <= EVENT_YEAR_MAX:
        raise ValidationError(
            gettext_lazy("Enter a date between the years %(min)s and %(max)s."),
            code="date_out_of_range",
            params={"min": EVENT_YEAR_MIN, "max": EVENT_YEAR_MAX},
        )


@cache
def time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def time_zone_from_name(name: str) -> zoneinfo.ZoneInfo:
    """The zone of an IANA name, checked against the installed list before it is opened: a long
    or odd string given to ZoneInfo() reaches the file system (OSError on a 5,000-character name)."""
    if not isinstance(name, str) or len(name) > TIME_ZONE_MAX_LENGTH or name not in time_zone_names():
        shown = name if isinstance(name, str) and len(name) <= TIME_ZONE_MAX_LENGTH else f"{str(name)[:40]}…"
        raise ValidationError(
            gettext("Unknown time zone %(name)r; use a name like Europe/Moscow.") % {"name": shown},
            code="unknown_time_zone",
        )
    return zoneinfo.ZoneInfo(name)


def _forbidden(text: str, *, multiline: bool) -> str | None:
    for character in text:
        if multiline and character in _LINE_BREAKS:
            continue
        if unicodedata.category(character) in _FORBIDDEN_CATEGORIES or character in "\u2028\u2029":
            return character
    return None


@deconstructible
class PlainTextValidator:
    """Refuses control characters (and lone surrogates, private-use and unassigned code points).
    A single-line text (a title, a name) may hold no line break either; a multi-line one (a
    summary, notes) keeps newlines and tabs. Right-to-left marks and other visible formatting
    (Cf) are allowed: names in Arabic or Hebrew need them."""

    def __init__(self, *, multiline: bool = False) -> None:
        self.multiline = multiline

    def __call__(self, value: object) -> None:
        if not isinstance(value, str):
            return
        character = _forbidden(value, multiline=self.multiline)
        if character is not None:
            raise ValidationError(
                gettext_lazy("Remove the control character U+%(code)s from this text."),
                code="control_character",
                params={"code": f"{ord(character):04X}"},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlainTextValidator) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash(self.multiline)


single_line_text = PlainTextValidator()
multiline_text = PlainTextValidator(multiline=True)


def record_input_validate(model: type[models.Model], values: dict[str, Any]) -> None:
    """What a service is about to write into `model`, checked before any rule compares or
    converts it: each date within the event years, each single-line text (CharField) without
    control characters or line breaks, each multi-line text (TextField) without control
    characters and at most TEXT_MAX_LENGTH characters. One message per field."""
    errors: dict[str, list[ValidationError]] = {}
    for name, value in values.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue  # the service refuses unknown names with its own message
        try:
            if isinstance(field, models.DateField) and isinstance(value, dt.date):  # DateTimeField too
                event_date_validate(value)
            elif isinstance(field, models.CharField):
                single_line_text(value)
            elif isinstance(field, models.TextField) and isinstance(value, str):
                multiline_text(value)
                if len(value) > TEXT_MAX_LENGTH:
                    raise ValidationError(
                        gettext_lazy("No more than %(max)s characters, please."),
                        code="max_length",
                        params={"max": f"{TEXT_MAX_LENGTH:,}"},
                    )
        except ValidationError as exc:
            errors[name] = exc.error_list
    if errors:
        raise ValidationError(errors)
