"""Properties of the readers (hypothesis): whatever bytes a court's site sends, the reader answers a
CardReading or CardUnreadable and nothing else; a card cut short is never read as a card; and a
card's events read the same whatever the column order, label variants and padding."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courtwatch.readers import card_read
from courtwatch.reading import CardEvent, CardReading, CardUnreadable
from tests.courtwatch.test_readers import card

EXAMPLES = ["sudrf-classic.html", "sudrf-newer.html", "mos-gorsud.html", "mos-gorsud-postponed.html"]
FIXTURES = [*EXAMPLES, "sudrf-classic-variant.html", "sudrf-newer-variant.html", "mos-gorsud-variant.html"]
CONTENT_TYPES = st.sampled_from(
    ["", "text/html", "text/html; charset=utf-8", "text/html; charset=windows-1251", "text/html; charset=latin-1"]
)
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read_or_problem(body: bytes, content_type: str) -> CardReading | CardUnreadable:
    """The reading, or the CardUnreadable raised; any other exception fails the test."""
    try:
        return card_read(body, content_type=content_type)
    except CardUnreadable as problem:
        assert problem.problem in {"captcha", "layout"}
        return problem


@PROPERTY
@given(body=st.binary(max_size=4000), content_type=CONTENT_TYPES)
def test_random_bytes_raise_nothing_but_card_unreadable(body, content_type):
    read_or_problem(body, content_type)


@PROPERTY
@given(
    name=st.sampled_from(FIXTURES),
    edits=st.lists(
        st.tuples(st.floats(0, 1), st.integers(0, 40), st.binary(max_size=12)),
        min_size=1,
        max_size=8,
    ),
    content_type=CONTENT_TYPES,
)
def test_a_card_mangled_anywhere_raises_nothing_but_card_unreadable(name, edits, content_type):
    body = card(name)
    for where, length, insert in edits:
        at = int(where * len(body))
        body = body[:at] + insert + body[at + length :]
    read_or_problem(body, content_type)


@PROPERTY
@given(name=st.sampled_from(FIXTURES), where=st.floats(0, 1, exclude_max=True))
def test_a_card_cut_anywhere_before_its_end_is_unreadable(name, where):
    body = card(name)
    cut = int(where * body.index(b"</body>"))
    result = read_or_problem(body[:cut], "text/html")
    assert isinstance(result, CardUnreadable)
    assert result.problem == "layout"


# --- the same events under any column order, label variant and padding --------------------------

LABELS = {
    "name": ["Наименование события"],
    "date": ["Дата", "Дата события"],
    "time": ["Время", "Время события"],
    "room": ["Место проведения", "Зал судебного заседания"],
    "result": ["Результат события", "Результат"],
    "reason": ["Основания для выбранного результата события", "Основание"],
    "note": ["Примечание"],
    "posted": ["Дата размещения"],
}
PADDING = st.sampled_from(["", " ", "&nbsp;", "\n  ", "&nbsp; ", "\t"])
EVENTS = (
    CardEvent(
        "Подготовка дела (собеседование)",
        dt.date(2026, 10, 5),
        dt.time(14, 30),
        "Зал № 305",
        "Проведена беседа",
        "",
        True,
    ),
    CardEvent(
        "Судебное заседание",
        dt.date(2026, 11, 2),
        dt.time(10, 0),
        "Зал № 305",
        "Отложено",
        "ИСТРЕБОВАНИЕ ДОКАЗАТЕЛЬСТВ",
        True,
    ),
    CardEvent("Изготовлено мотивированное решение в окончательной форме", dt.date(2026, 11, 25), None),
    CardEvent("Судебное заседание", dt.date(2026, 12, 14), None, "Зал № 2", "", "", True),
)


def cell_value(event: CardEvent, column: str) -> str:
    return {
        "name": event.name,
        "date": f"{event.date:%d.%m.%Y}",
        "time": f"{event.time:%H:%M}" if event.time else "",
        "room": event.room,
        "result": event.result,
        "reason": event.reason,
        "note": "",
        "posted": f"{event.date:%d.%m.%Y}",
    }[column]


@settings(max_examples=200, deadline=None)
@given(
    columns=st.permutations(list(LABELS)).flatmap(
        lambda order: st.tuples(
            st.just(order),
            st.tuples(*(st.sampled_from(LABELS[column]) for column in order)),
            st.lists(PADDING, min_size=len(order) * (len(EVENTS) + 1), max_size=len(order) * (len(EVENTS) + 1)),
        )
    ),
    layout=st.sampled_from(["sudrf-classic", "sudrf-newer"]),
)
def test_the_events_read_the_same_whatever_the_column_order_labels_and_padding(columns, layout):
    order, labels, paddings = columns
    pads = iter(paddings)

    def cell(text: str) -> str:
        pad = next(pads)
        return f"<td>{pad}{text}{pad}</td>"

    label_row = "<tr>" + "".join(cell(label) for label in labels) + "</tr>"
    rows = "".join("<tr>" + "".join(cell(cell_value(event, column)) for column in order) + "</tr>" for event in EVENTS)
    if layout == "sudrf-classic":
        events = f'<div id="cont2"><table><tr><th colspan="8">ДВИЖЕНИЕ ДЕЛА</th></tr>{label_row}{rows}</table></div>'
        page = f'<html><body><div class="casenumber">ДЕЛО № 2а-1/2026</div>{events}</body></html>'
    else:
        events = f'<div id="tab_content_EventList"><table>{label_row}{rows}</table></div>'
        page = f'<html><body><div class="case-num">дело № 2а-1/2026</div>{events}</body></html>'
    body = page.encode("cp1251" if layout == "sudrf-classic" else "utf-8")
    content_type = "text/html; charset=windows-1251" if layout == "sudrf-classic" else "text/html; charset=utf-8"
    assert card_read(body, content_type=content_type) == CardReading(
        layout=layout, case_number="2а-1/2026", events=EVENTS
    )
