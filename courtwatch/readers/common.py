"""What the three layouts share: the parsed page, a cell's text, tolerant labels, an events table
read by its label row, dates and times as printed, and which events are hearings.

Parsing is lxml's (libxml2's HTML parser, in C): a 200-event card parses in a few milliseconds, and
it recovers from the broken markup court sites serve the way browsers do.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

import lxml.etree
from django.utils.translation import gettext_noop
from lxml.etree import _Element as Element

from courtwatch.reading import CardEvent, CardUnreadable, words

HIDDEN = "информация скрыта"  # 262-FZ art. 15: personal data replaced on published cards

# Latin letters that look like Cyrillic ones, in labels typed by hand ("Cудья" on mos-gorsud.ru).
_LOOKALIKES = str.maketrans("acekmhoptxyb", "асекмнортхув")
_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_TIME = re.compile(r"(?<!\d)(\d{1,2})[:.](\d{2})(?!\d)")
_CASE_NUMBER_PREFIX = re.compile(r"^(?:дело|материал|административное\s+дело)?\s*№\s*", re.IGNORECASE)
_PAGE_END = re.compile(r"</(?:html|body)\s*>", re.IGNORECASE)


_STRING = lxml.etree.XPath("string()", smart_strings=False)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def page_parse(text: str) -> Element:
    """The page's tree. The text is handed over as UTF-8 with the encoding fixed, so a stale
    <meta charset> or an XML declaration in it cannot make libxml2 decode it a second time.
    lxml.etree's own elements, not lxml.html's: the latter's Python class lookup per element
    costs a third of the time of reading a 200-event card."""
    if not text.strip():
        raise CardUnreadable("layout", words(gettext_noop("the page is empty")))
    # Control characters are no HTML text (and a NUL cannot be stored in PostgreSQL's text).
    if _CONTROL.search(text):
        text = _CONTROL.sub(" ", text)
    parser = lxml.etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        page = lxml.etree.fromstring(text.encode("utf-8", "replace"), parser=parser)
    except (lxml.etree.LxmlError, ValueError) as error:
        raise CardUnreadable(
            "layout", words(gettext_noop("the page is not HTML (%(error)s)"), error=str(error))
        ) from error
    if page is None:
        raise CardUnreadable("layout", words(gettext_noop("the page is not HTML")))
    # libxml2 stops at a resource limit (nesting deeper than 256) and keeps what it had read:
    # the events after that point would be missing from a card that otherwise looks whole.
    fatal = [error for error in parser.error_log if error.level_name == "FATAL"]
    if fatal:
        raise CardUnreadable(
            "layout", words(gettext_noop("the page could not be parsed whole (%(error)s)"), error=str(fatal[0].message))
        )
    # A <br> separates words ("Истец: ...<br/>Ответчик: ..."): a space after each, once, so
    # that a cell's text is its string value.
    for br in page.iter("br"):
        br.tail = " " + (br.tail or "")
    return page


def page_is_whole(text: str) -> bool:
    """Whether the page reached its end. lxml closes what a cut-off page left open without a word,
    and a card cut after its third event would otherwise read as a card of three events."""
    return _PAGE_END.search(text) is not None


def text_collapse(text: str) -> str:
    """`&nbsp;` and runs of whitespace as one space, trimmed (str.split's whitespace is
    Unicode's, no-break space included)."""
    return " ".join(text.split())


def cell_text(element: Element) -> str:
    """The element's text as a reader sees it, whitespace collapsed."""
    return " ".join(_STRING(element).split())


def label_fold(text: str) -> str:
    """A label reduced to what tells labels apart: lower case, ё as е, Latin look-alikes as
    Cyrillic, trailing colon and whitespace gone."""
    return text_collapse(text).lower().replace("ё", "е").translate(_LOOKALIKES).rstrip(" :.")


def hidden_blank(value: str) -> str:
    """The name, or nothing when the court hid it ("Информация скрыта") or left it blank."""
    return "" if label_fold(value) in {HIDDEN, "", "-", "—"} else value


def case_number_clean(text: str) -> str:
    """The case's number as a docket holds it: from "ДЕЛО № 2а-4471/2026 ~ М-1234/2026",
    "2а-4471/2026" (no prefix; the case's number, not the material's, unless it has none yet)."""
    numbers = [part.strip() for part in _CASE_NUMBER_PREFIX.sub("", text_collapse(text)).split("~")]
    return next((number for number in numbers if number), "")


# --- the events table -------------------------------------------------------------------------

NAME, DATE, TIME, DATE_TIME, ROOM, RESULT, REASON = "name", "date", "time", "date_time", "room", "result", "reason"


def column_of(label: str) -> str | None:
    """Which of an event's values a column label names, tolerantly (court-sites.md lists the
    variants: "Дата"/"Дата события", "Место проведения"/"Зал судебного заседания", ...); None for
    columns a reader does not need ("Примечание", "Дата размещения")."""
    folded = label_fold(label)
    if "дата и время" in folded:
        return DATE_TIME
    if folded.startswith(("дата размещ", "примечан")):
        return None
    # "Основания для выбранного результата события" names a result too: the reason first.
    if folded.startswith("основани"):
        return REASON
    if folded.startswith("результат"):
        return RESULT
    if folded.startswith(("наименование", "стадия")) or folded in {"событие", "вид события"}:
        return NAME
    if folded.startswith("время"):
        return TIME
    if folded.startswith("дата"):
        return DATE
    if folded.startswith(("место", "зал", "кабинет")):
        return ROOM
    return None


_TABLE_ROWS = lxml.etree.XPath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")


def table_rows(table: Element) -> list[Element]:
    return _TABLE_ROWS(table)


def row_cells(row: Element) -> list[Element]:
    """The row's cells, a cell spanning n columns repeated n times so positions match the labels."""
    cells: list[Element] = []
    for cell in row:
        if cell.tag == "td" or cell.tag == "th":
            span = cell.get("colspan")
            if span is None:
                cells.append(cell)
            else:
                cells.extend([cell] * (int(span) if span.isdigit() and 1 < int(span) <= 20 else 1))
    return cells


def columns_find(rows: Sequence[Element]) -> tuple[int, dict[str, int]] | None:
    """The label row's index and the column of each value it names, or None when no row names
    at least the event and its date."""
    for index, row in enumerate(rows):
        columns: dict[str, int] = {}
        for position, cell in enumerate(row_cells(row)):
            column = column_of(cell_text(cell))
            if column is not None:
                columns.setdefault(column, position)
        if NAME in columns and (DATE in columns or DATE_TIME in columns):
            return index, columns
    return None


def date_parse(text: str) -> dt.date | None:
    match = _DATE.search(text)
    if match is None:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def time_parse(text: str) -> dt.time | None:
    """The time printed in `text` ("10:00", "9.30"), or None: no time is "to be confirmed"."""
    match = _TIME.search(_DATE.sub(" ", text))
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    return dt.time(hour, minute) if hour < 24 and minute < 60 else None


# Events named like a hearing but which are the court's paperwork about one ("Вынесено определение
# о назначении предварительного судебного заседания" is the order, dated the day it was signed).
_PAPERWORK = (
    "вынесен",
    "изготовлен",
    "определени",
    "назначен",
    "регистрац",
    "передач",
    "поступ",
    "направлен",
    "сдач",
    "сдано",
    "принят",
    "решение вопроса",
    "возвращ",
    "извещ",
)
_HEARING_WORDS = ("заседани", "бесед", "подготовк")


def event_is_hearing(name: str) -> bool:
    """A hearing or a preparation meeting (court-sites.md, "What a card's event means")."""
    folded = label_fold(name)
    return not folded.startswith(_PAPERWORK) and any(word in folded for word in _HEARING_WORDS)


def events_read(
    rows: Iterable[Element], columns: dict[str, int], *, all_hearings: bool = False
) -> tuple[CardEvent, ...]:
    """The events of the rows after the label row. A row of one cell (a sub-heading) or of blank
    cells is skipped; so is paperwork without a date. A hearing without a readable date makes the
    whole card unreadable: left out, it would read as a hearing the court no longer lists.
    `all_hearings`: the table lists only hearings (mos-gorsud.ru's "Стадия" table)."""
    events: list[CardEvent] = []
    when_column = DATE_TIME if DATE_TIME in columns else DATE
    for row in rows:
        cells = row_cells(row)
        if len(cells) < 2 or cells[0] is cells[-1]:  # one cell across the table: a sub-heading
            continue
        # Only the columns an event needs; a short row lacks its last values.
        texts = {
            column: cell_text(cells[position]) if position < len(cells) else "" for column, position in columns.items()
        }
        if not any(texts.values()):
            continue
        name, when = texts[NAME], texts[when_column]
        is_hearing = (all_hearings and not label_fold(name).startswith(_PAPERWORK)) or event_is_hearing(name)
        date = date_parse(when)
        if date is None:
            if is_hearing:
                raise CardUnreadable(
                    "layout",
                    words(
                        gettext_noop("a hearing without a readable date: %(event)s %(when)s"),
                        event=repr(name[:80]),
                        when=repr(when[:40]),
                    ),
                )
            continue
        events.append(
            CardEvent(
                name=name,
                date=date,
                time=time_parse(texts[TIME] if TIME in columns else when),
                room=texts.get(ROOM, ""),
                result=texts.get(RESULT, ""),
                reason=texts.get(REASON, ""),
                is_hearing=is_hearing,
            )
        )
    return tuple(events)


def events_table_read(table: Element, *, all_hearings: bool = False) -> tuple[CardEvent, ...]:
    """The events of a table whose label row comes first (after any heading rows)."""
    rows = table_rows(table)
    found = columns_find(rows)
    if found is None:
        raise CardUnreadable(
            "layout", words(gettext_noop("the events table has no row of labels naming the event and its date"))
        )
    label_row, columns = found
    return events_read(rows[label_row + 1 :], columns, all_hearings=all_hearings)


def label_values(pairs: Iterable[tuple[Element, Element]]) -> dict[str, str]:
    """{folded label: value} of a case's facts (label cell, value cell); the first one wins."""
    found: dict[str, str] = {}
    for label, value in pairs:
        found.setdefault(label_fold(cell_text(label)), cell_text(value))
    return found


def fact_find(facts: dict[str, str], *prefixes: str) -> str:
    """The value of the first fact whose folded label starts with one of `prefixes`."""
    for prefixes_one in prefixes:
        for label, value in facts.items():
            if label.startswith(prefixes_one):
                return value
    return ""


# --- a captcha instead of the card ------------------------------------------------------------

# Any attribute naming a captcha: <img src="/captcha.php">, <input name="captcha_code">,
# reCAPTCHA's and Yandex SmartCaptcha's widgets.
_CAPTCHA_ATTRIBUTE = lxml.etree.XPath(
    "//*[@*[contains(translate(., 'CAPTH', 'capth'), 'captcha')]]", smart_strings=False
)
_CAPTCHA_WORDS = (
    "captcha",
    "капча",
    "код с картинки",
    "символы с картинки",
    "код с изображения",
    "символы с изображения",
    "проверочный код",
    "я не робот",
)


def page_asks_captcha(page: Element) -> bool:
    """Whether the page is a court site's "prove you are not a robot" page."""
    if _CAPTCHA_ATTRIBUTE(page):
        return True
    words = text_collapse(_STRING(page)).lower().replace("ё", "е")
    return any(word in words for word in _CAPTCHA_WORDS)
