"""What a reader found on a court's case card: the types every layout's reader returns.

Dates and times are as the card prints them, in the court's local time; turning them into aware
datetimes (`Court.time_zone`) is the proposals' business, not the readers'.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re


class CardUnreadable(Exception):
    """The page is not a case card we can read whole (a captcha, an unknown layout, an empty
    page). `problem` is one of `CourtWatch.Problem`'s values; nothing may be concluded from it."""

    def __init__(self, problem: str, detail: str = "") -> None:
        super().__init__(detail or problem)
        self.problem = problem
        self.detail = detail


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
