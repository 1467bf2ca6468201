"""What a reader found on a court's case card: the types every layout's reader returns.

Dates and times are as the card prints them, in the court's local time; turning them into aware
datetimes (`Court.time_zone`) is the proposals' business, not the readers'.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, Union

from django.utils.translation import gettext

WordsValue = Union[str, int, "Words"]


@dataclasses.dataclass(frozen=True)
class Words:
    """A sentence a person reads about a failed reading ("no connection within 10 s"), kept as
    its English source, marked with gettext_noop, and its values. A worker writes it in no one's
    language; it is translated when it is shown, into the language of the lawyer who reads the
    page or the email. Values are technical (a status, a URL, an exception's name) or Words."""

    source: str
    values: Mapping[str, WordsValue] = dataclasses.field(default_factory=dict)

    def english(self) -> str:
        return self._fill(self.source, {k: v.english() if isinstance(v, Words) else v for k, v in self.values.items()})

    def translated(self) -> str:
        """In the active language (translation.override around it)."""
        values = {k: v.translated() if isinstance(v, Words) else v for k, v in self.values.items()}
        return self._fill(gettext(self.source), values)

    def __str__(self) -> str:
        return self.english()

    @staticmethod
    def _fill(text: str, values: Mapping[str, Any]) -> str:
        # A sentence without values may hold a literal "%" (a URL's %20): never %-formatted.
        return text % values if values else text

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "values": {k: v.as_json() if isinstance(v, Words) else v for k, v in self.values.items()},
        }

    @classmethod
    def from_json(cls, data: Any) -> Words | None:
        """None for anything that is not what as_json wrote (a row written before, edited by hand)."""
        if not isinstance(data, dict) or not isinstance(data.get("source"), str):
            return None
        values: dict[str, WordsValue] = {}
        for key, value in (data.get("values") or {}).items():
            nested = cls.from_json(value) if isinstance(value, dict) else value
            if nested is None or not isinstance(nested, str | int | Words):
                return None
            values[str(key)] = nested
        return cls(data["source"], values)


def words(source: str, **values: WordsValue) -> Words:
    return Words(source, values)


class CardUnreadable(Exception):
    """The page is not a case card we can read whole (a captcha, an unknown layout, an empty
    page). `problem` is one of `CourtWatch.Problem`'s values; nothing may be concluded from it.
    `words` say what was wrong; `detail` is their English."""

    def __init__(self, problem: str, detail: Words | str = "") -> None:
        self.words = detail if isinstance(detail, Words) else Words(detail)
        self.detail = self.words.english()
        super().__init__(self.detail or problem)
        self.problem = problem


@dataclasses.dataclass(frozen=True)
class CardEvent:
    """One row of the card's event list ("ДВИЖЕНИЕ ДЕЛА" / "Стадия")."""

    name: str  # "Судебное заседание", "Подготовка дела (собеседование)", ...
    date: dt.date
    time: dt.time | None  # None: the card gives no time (to be confirmed, never midnight)
    room: str = ""  # "Зал № 305" as printed, whitespace collapsed
    result: str = ""  # "Отложено", "Вынесено решение по делу", ... as printed
    reason: str = ""  # "Основания для выбранного результата события"
    is_hearing: bool = False  # a hearing or preparation meeting (court-sites.md, "What a card's event means")


@dataclasses.dataclass(frozen=True)
class CardReading:
    layout: str  # "sudrf-classic" | "sudrf-newer" | "mos-gorsud"
    case_number: str  # "2а-4471/2026"
    case_uid: str = ""  # "Уникальный идентификатор дела"
    judge: str = ""  # "" when hidden ("Информация скрыта") or absent
    events: tuple[CardEvent, ...] = ()


# Letters that a case number spells with either alphabet ("2a-4471/2026" typed with a Latin "a"
# for the court's Cyrillic "а"), mapped to the Cyrillic ones.
_LOOKALIKES = str.maketrans({"a": "а", "b": "в", "c": "с", "e": "е", "k": "к", "m": "м", "o": "о", "p": "р",
                             "t": "т", "x": "х", "y": "у", "h": "н", "ё": "е"})  # fmt: skip
_NUMBER_NOISE = re.compile(r"№|\bдело\b|\s+")
_DIGITS = re.compile(r"\d+")


def case_number_key(number: str) -> str:
    """A case number as compared: "ДЕЛО № 02а-0911/2026", "2a-911/2026" and "2А-911/2026" are one
    number (the courts' sites pad with zeros, lawyers type Latin look-alikes)."""
    text = _NUMBER_NOISE.sub("", number.lower()).translate(_LOOKALIKES)
    return _DIGITS.sub(lambda digits: str(int(digits.group())), text)
