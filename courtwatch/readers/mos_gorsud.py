"""mos-gorsud.ru's case card (court-sites.md, layout 3): the case's facts as `div.row_card`
(`div.left` label, `div.right` value), the hearings in `div#sessions`' table ("Стадия", "Дата и
время" in one cell, "Зал", "Результат", "Основание"). That table lists sessions only, so each of
its rows is a hearing."""

from __future__ import annotations

import lxml.etree
from django.utils.translation import gettext_noop

from courtwatch.readers.common import (
    Element,
    case_number_clean,
    events_table_read,
    fact_find,
    hidden_blank,
    label_values,
)
from courtwatch.reading import CardReading, CardUnreadable, words

LAYOUT = "mos-gorsud"

_ROW_CARD = "contains(concat(' ', normalize-space(@class), ' '), ' row_card ')"
_FACT_ROWS = lxml.etree.XPath(f"//div[{_ROW_CARD}]")
_SESSIONS = lxml.etree.XPath("//div[@id='sessions']")
_LEFT = lxml.etree.XPath("./div[contains(concat(' ', normalize-space(@class), ' '), ' left ')]")
_RIGHT = lxml.etree.XPath("./div[contains(concat(' ', normalize-space(@class), ' '), ' right ')]")


def is_this_layout(page: Element) -> bool:
    return bool(_FACT_ROWS(page) or _SESSIONS(page))


def card_read(page: Element) -> CardReading:
    facts = label_values(
        (left[0], right[0]) for row in _FACT_ROWS(page) if (left := _LEFT(row)) and (right := _RIGHT(row))
    )
    # "Номер дела ~ материала": "02а-0911/2026 ~ М-7730/2026"
    case_number = case_number_clean(fact_find(facts, "номер дела", "номер"))
    if not case_number:
        raise CardUnreadable("layout", words(gettext_noop("mos-gorsud.ru card without a case number (div.row_card)")))
    containers = _SESSIONS(page)
    tables = containers[0].xpath(".//table") if containers else []
    if not tables:
        raise CardUnreadable(
            "layout",
            words(gettext_noop("mos-gorsud.ru card without its hearings table (div#sessions)")),
        )
    return CardReading(
        layout=LAYOUT,
        case_number=case_number,
        case_uid=fact_find(facts, "уникальный идентификатор"),
        judge=hidden_blank(fact_find(facts, "судья")),
        events=events_table_read(tables[0], all_hearings=True),
    )
