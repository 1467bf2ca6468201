"""sudrf.ru's two case-card layouts (court-sites.md, layouts 1 and 2). They differ only in where
things are: the classic card has `div.casenumber`, its facts in `div#cont1` and its events in
`div#cont2` under a "ДВИЖЕНИЕ ДЕЛА" heading row; the newer one `div.case-num`,
`div#tab_content_Case` and `div#tab_content_EventList` with the labels in the first row. Both
events tables are found by their row of labels, so either heading arrangement reads."""

from __future__ import annotations

import dataclasses

import lxml.etree
from django.utils.translation import gettext_noop

from courtwatch.readers.common import (
    Element,
    case_number_clean,
    cell_text,
    events_table_read,
    fact_find,
    hidden_blank,
    label_values,
    table_rows,
)
from courtwatch.reading import CardReading, CardUnreadable, words


def _div_with_class(name: str) -> lxml.etree.XPath:
    return lxml.etree.XPath(f"//div[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]")


@dataclasses.dataclass(frozen=True)
class SudrfLayout:
    name: str  # CardReading.layout
    case_number: lxml.etree.XPath
    facts: lxml.etree.XPath  # the tables of (label, value) rows
    events: lxml.etree.XPath  # the div holding the events table
    where: str  # for the reader's words when something is missing

    def is_this_layout(self, page: Element) -> bool:
        return bool(self.case_number(page) or self.events(page))

    def card_read(self, page: Element) -> CardReading:
        numbers = self.case_number(page)
        case_number = case_number_clean(cell_text(numbers[0])) if numbers else ""
        if not case_number:
            raise CardUnreadable(
                "layout", words(gettext_noop("%(layout)s without a case number"), layout=words(self.where))
            )
        containers = self.events(page)
        tables = containers[0].xpath(".//table") if containers else []
        if not tables:
            raise CardUnreadable(
                "layout", words(gettext_noop("%(layout)s without its events table"), layout=words(self.where))
            )
        facts = label_values(
            (cells[0], cells[1])
            for table in self.facts(page)
            for row in table_rows(table)
            if len(cells := row.xpath("./td | ./th")) >= 2
        )
        return CardReading(
            layout=self.name,
            case_number=case_number,
            case_uid=fact_find(facts, "уникальный идентификатор"),
            judge=hidden_blank(fact_find(facts, "судья")),
            events=events_table_read(tables[0]),
        )


CLASSIC = SudrfLayout(
    name="sudrf-classic",
    case_number=_div_with_class("casenumber"),
    facts=lxml.etree.XPath("//div[@id='cont1']//table"),
    events=lxml.etree.XPath("//div[@id='cont2']"),
    where=gettext_noop("sudrf.ru classic card (div.casenumber, div#cont2)"),
)

NEWER = SudrfLayout(
    name="sudrf-newer",
    case_number=_div_with_class("case-num"),
    facts=lxml.etree.XPath("//div[@id='tab_content_Case']//table"),
    events=lxml.etree.XPath("//div[@id='tab_content_EventList']"),
    where=gettext_noop("sudrf.ru card (div.case-num, div#tab_content_EventList)"),
)
