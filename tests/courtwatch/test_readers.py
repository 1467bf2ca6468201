"""The readers of the published case cards (court-sites.md): the example cards of
shared/domain/court-pages/ (copied byte for byte into demo/court_site/) read with exact values, the
variants real cards show, and the pages that are not a card read whole."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from courtwatch.models import CourtWatch
from courtwatch.readers import card_read
from courtwatch.readers.common import column_of, event_is_hearing
from courtwatch.reading import CardEvent, CardReading, CardUnreadable
from tests.courtwatch.court_server import card_bytes as card

D, T = dt.date, dt.time


def unreadable(body: bytes, content_type: str = "text/html") -> CardUnreadable:
    with pytest.raises(CardUnreadable) as caught:
        card_read(body, content_type=content_type)
    return caught.value


def hearings(reading: CardReading) -> list[tuple]:
    return [(e.date, e.time, e.room, e.result, e.reason) for e in reading.events if e.is_hearing]


# --- the example cards, with what court-pages/README.md says a reader finds -------------------

SUDRF_CLASSIC = CardReading(
    layout="sudrf-classic",
    case_number="2а-4471/2026",
    case_uid="66RS0004-01-2026-004471-18",
    judge="Кузнецова Ольга Петровна",
    events=(
        CardEvent("Регистрация административного искового заявления", D(2026, 9, 14), T(11, 20)),
        CardEvent("Передача материалов судье", D(2026, 9, 15), T(9, 0)),
        CardEvent(
            "Решение вопроса о принятии к производству",
            D(2026, 9, 18),
            T(10, 0),
            result="Административное исковое заявление принято к производству",
        ),
        CardEvent(
            "Подготовка дела (собеседование)",
            D(2026, 10, 5),
            T(14, 30),
            room="Зал № 305",
            result="Проведена беседа",
            is_hearing=True,
        ),
        CardEvent(
            "Судебное заседание",
            D(2026, 11, 2),
            T(10, 0),
            room="Зал № 305",
            result="Отложено",
            reason="ИСТРЕБОВАНИЕ ДОКАЗАТЕЛЬСТВ",
            is_hearing=True,
        ),
        CardEvent("Судебное заседание", D(2026, 12, 14), T(15, 40), room="Зал № 305", is_hearing=True),
    ),
)

SUDRF_NEWER = CardReading(
    layout="sudrf-newer",
    case_number="2-812/2026",
    case_uid="69RS0004-01-2026-000812-40",
    judge="Орлов Денис Игоревич",
    events=(
        CardEvent(
            "Регистрация иска (заявления, жалобы) в суде и принятие его к производству", D(2026, 10, 1), T(12, 5)
        ),
        CardEvent(
            "Подготовка дела (собеседование)",
            D(2026, 10, 20),
            T(11, 0),
            room="Кабинет № 12",
            result="Проведена беседа",
            is_hearing=True,
        ),
        CardEvent(
            "Судебное заседание",
            D(2026, 11, 16),
            T(9, 30),
            room="Зал № 2",
            result="Перерыв в судебном заседании",
            is_hearing=True,
        ),
        CardEvent(
            "Судебное заседание",
            D(2026, 11, 18),
            T(14, 0),
            room="Зал № 2",
            result="Вынесено решение по делу",
            reason="ИСК (ЗАЯВЛЕНИЕ) УДОВЛЕТВОРЕН ЧАСТИЧНО",
            is_hearing=True,
        ),
        # The decision in final form: no time, and not a hearing.
        CardEvent("Изготовлено мотивированное решение в окончательной форме", D(2026, 11, 25), None),
    ),
)

MOS_GORSUD_PREPARATION = CardEvent(
    "Подготовка к судебному разбирательству",
    D(2026, 10, 13),
    T(11, 0),
    room="410",
    result="Проведена",
    is_hearing=True,
)
MOS_GORSUD = CardReading(
    layout="mos-gorsud",
    case_number="02а-0911/2026",
    case_uid="77RS0023-02-2026-011204-55",
    judge="Лебедев К. А.",
    events=(
        MOS_GORSUD_PREPARATION,
        CardEvent("Судебное заседание", D(2026, 12, 10), T(10, 30), room="410", is_hearing=True),
    ),
)
MOS_GORSUD_POSTPONED = CardReading(
    layout="mos-gorsud",
    case_number="02а-0911/2026",
    case_uid="77RS0023-02-2026-011204-55",
    judge="Лебедев К. А.",
    events=(
        MOS_GORSUD_PREPARATION,
        CardEvent(
            "Судебное заседание",
            D(2026, 12, 10),
            T(10, 30),
            room="410",
            result="Отложено",
            reason="Неявка административного ответчика",
            is_hearing=True,
        ),
        CardEvent("Судебное заседание", D(2027, 1, 21), T(15, 0), room="412", is_hearing=True),
    ),
)


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        # The classic card declares windows-1251 only in its <meta>, as sudrf.ru serves it.
        ("sudrf-classic.html", "text/html", SUDRF_CLASSIC),
        ("sudrf-newer.html", "text/html; charset=utf-8", SUDRF_NEWER),
        ("mos-gorsud.html", "text/html; charset=UTF-8", MOS_GORSUD),
        ("mos-gorsud-postponed.html", "text/html; charset=UTF-8", MOS_GORSUD_POSTPONED),
    ],
)
def test_an_example_card_reads_whole_with_exact_values(name, content_type, expected):
    assert card_read(card(name), content_type=content_type) == expected


@pytest.mark.parametrize(
    ("name", "sha256"),
    [
        # sha256sum of shared/domain/court-pages/ when they were copied (2026-12-07).
        ("sudrf-classic.html", "47889786fc0be43ace78e919d25ffc884cf7198936f73be17e14e5187ae1c317"),
        ("sudrf-newer.html", "874d7af980b57045a45cb5030317ef140993bdb305e0f6ca3d25106632165bce"),
        ("mos-gorsud.html", "3fad1eb89c5a5dd6d6ca19c05a1585d90fd0737a76486373408ed0d30b3bd38d"),
        ("mos-gorsud-postponed.html", "4ea7013868b009697023935e08e847153e3ee87171c723d80aafaceeb1b7dfd7"),
    ],
)
def test_the_example_cards_are_the_shared_ones_byte_for_byte(name, sha256):
    # An editor re-saving the windows-1251 card as UTF-8 would test a card no court serves.
    assert hashlib.sha256(card(name)).hexdigest() == sha256


def test_the_hearings_are_those_the_readme_table_lists():
    # court-pages/README.md: (date, time, room, result, reason) in the court's local time.
    assert hearings(card_read(card("sudrf-classic.html"))) == [
        (D(2026, 10, 5), T(14, 30), "Зал № 305", "Проведена беседа", ""),
        (D(2026, 11, 2), T(10, 0), "Зал № 305", "Отложено", "ИСТРЕБОВАНИЕ ДОКАЗАТЕЛЬСТВ"),
        (D(2026, 12, 14), T(15, 40), "Зал № 305", "", ""),
    ]
    assert hearings(card_read(card("sudrf-newer.html"))) == [
        (D(2026, 10, 20), T(11, 0), "Кабинет № 12", "Проведена беседа", ""),
        (D(2026, 11, 16), T(9, 30), "Зал № 2", "Перерыв в судебном заседании", ""),
        (D(2026, 11, 18), T(14, 0), "Зал № 2", "Вынесено решение по делу", "ИСК (ЗАЯВЛЕНИЕ) УДОВЛЕТВОРЕН ЧАСТИЧНО"),
    ]
    assert hearings(card_read(card("mos-gorsud.html"))) == [
        (D(2026, 10, 13), T(11, 0), "410", "Проведена", ""),
        (D(2026, 12, 10), T(10, 30), "410", "", ""),
    ]
    assert hearings(card_read(card("mos-gorsud-postponed.html"))) == [
        (D(2026, 10, 13), T(11, 0), "410", "Проведена", ""),
        (D(2026, 12, 10), T(10, 30), "410", "Отложено", "Неявка административного ответчика"),
        (D(2027, 1, 21), T(15, 0), "412", "", ""),
    ]


# --- variants: column order, label variants, &nbsp;, hidden names, missing columns ------------


def test_a_classic_card_with_reordered_columns_varied_labels_and_hidden_judge():
    # windows-1251 declared in an upper-case <META HTTP-EQUIV>; "Дата события" first, "Зал
    # судебного заседания", "Время события", the reason before "Результат", no "Примечание";
    # &nbsp; around values and inside names; a blank row and a one-cell row; the judge hidden.
    assert card_read(card("sudrf-classic-variant.html"), content_type="text/html") == CardReading(
        layout="sudrf-classic",
        case_number="2-1907/2026",  # "ДЕЛО №&nbsp;2-1907/2026 ~ М-1650/2026"
        case_uid="66RS0005-01-2026-001907-33",
        judge="",
        events=(
            CardEvent("Регистрация иска (заявления, жалобы) в суде", D(2026, 3, 2), T(10, 12)),
            # The order naming the hearing is paperwork dated the day it was signed, not a hearing.
            CardEvent("Вынесено определение о назначении предварительного судебного заседания", D(2026, 3, 6), None),
            CardEvent(
                "Предварительное судебное заседание",
                D(2026, 3, 23),
                T(9, 0),
                room="Зал № 14",
                result="Проведено",
                is_hearing=True,
            ),
            # No time printed: to be confirmed, never midnight.
            CardEvent("Судебное заседание", D(2026, 4, 13), None, room="Зал № 14", is_hearing=True),
        ),
    )


def test_a_newer_card_with_labels_in_th_cells_and_no_reason_column():
    assert card_read(card("sudrf-newer-variant.html"), content_type="text/html; charset=utf-8") == CardReading(
        layout="sudrf-newer",
        case_number="2-77/2027",  # "Дело №2-77/2027"
        case_uid="69RS0013-01-2026-002311-07",
        judge="Смирнов Павел Андреевич",  # label "Судья:", the name split by &nbsp; and a line break
        events=(
            CardEvent(
                "Регистрация иска (заявления, жалобы) в суде и принятие его к производству", D(2027, 1, 11), T(15, 47)
            ),
            CardEvent("Передача материалов судье", D(2027, 1, 18), None),
            CardEvent(
                "Подготовка дела (собеседование)", D(2027, 2, 1), T(9, 30), result="Проведена беседа", is_hearing=True
            ),
            CardEvent("Судебное заседание", D(2027, 2, 15), None, room="Зал № 3", is_hearing=True),
        ),
    )


def test_a_mos_gorsud_card_with_a_latin_c_judge_label_and_a_date_without_time():
    assert card_read(card("mos-gorsud-variant.html"), content_type="text/html") == CardReading(
        layout="mos-gorsud",
        case_number="02-9031/2026",
        case_uid="77RS0004-02-2026-020331-12",
        judge="Фролова Н. С.",  # under "Cудья", its first letter a Latin C
        events=(
            CardEvent("Беседа", D(2026, 11, 24), T(14, 15), room="301", result="Проведена", is_hearing=True),
            # "Дата и время" holding a date alone: time to be confirmed.
            CardEvent("Судебное заседание", D(2026, 12, 8), None, room="301", is_hearing=True),
        ),
    )
    assert "Cудья".encode() in card("mos-gorsud-variant.html")  # the C really is Latin


def test_a_hidden_judge_reads_as_no_judge_and_changes_nothing_else():
    body = card("sudrf-classic.html").replace(
        "Кузнецова Ольга Петровна".encode("cp1251"), "Информация скрыта".encode("cp1251")
    )
    reading = card_read(body)
    assert reading.judge == ""
    assert reading.events == SUDRF_CLASSIC.events
    assert (reading.case_number, reading.case_uid) == (SUDRF_CLASSIC.case_number, SUDRF_CLASSIC.case_uid)

    body = card("mos-gorsud.html").replace(
        '<div class="left">Судья</div><div class="right">Лебедев К. А.</div>'.encode(),
        '<div class="left">Cудья</div><div class="right">\u00a0Информация\u00a0скрыта </div>'.encode(),
    )
    assert card_read(body).judge == ""


def test_a_card_without_a_judge_row_reads_with_no_judge():
    body = card("sudrf-newer.html").replace("<tr><td>Судья</td><td>Орлов Денис Игоревич</td></tr>".encode(), b"")
    assert card_read(body) == CardReading(
        layout="sudrf-newer",
        case_number=SUDRF_NEWER.case_number,
        case_uid=SUDRF_NEWER.case_uid,
        judge="",
        events=SUDRF_NEWER.events,
    )


def test_a_long_card_reads_every_event_in_order():
    row = "<tr><td>Судебное заседание</td><td>{:02d}.12.2026</td><td>10:00</td><td>Зал № 2</td><td>Отложено</td><td></td><td></td><td></td></tr>"
    rows = "\n".join(row.format(day) for day in range(1, 29)) * 10
    body = card("sudrf-newer.html").replace(
        b'</table></div>\n<div id="tab_content_PersonList"',
        rows.encode() + b'</table></div>\n<div id="tab_content_PersonList"',
    )
    events = card_read(body).events
    assert len(events) == len(SUDRF_NEWER.events) + 280
    assert events[-1] == CardEvent(
        "Судебное заседание", D(2026, 12, 28), T(10, 0), room="Зал № 2", result="Отложено", is_hearing=True
    )


def test_a_row_of_one_cell_across_the_table_is_a_heading_not_an_event():
    heading = '<tr><td colspan="8">Дело передано в архив 12.12.2026</td></tr>'
    body = card("sudrf-newer.html").replace(
        b'</table></div>\n<div id="tab_content_PersonList"',
        heading.encode() + b'</table></div>\n<div id="tab_content_PersonList"',
    )
    assert card_read(body).events == SUDRF_NEWER.events


def test_a_paperwork_row_without_a_date_is_left_out_but_a_hearing_without_one_makes_the_card_unreadable():
    paperwork = "<tr><td>Дело сдано в отдел судебного делопроизводства</td><td></td><td></td><td></td><td></td><td></td><td></td><td></td></tr>"
    body = card("sudrf-newer.html").replace(
        b'</table></div>\n<div id="tab_content_PersonList"',
        paperwork.encode() + b'</table></div>\n<div id="tab_content_PersonList"',
    )
    assert card_read(body).events == SUDRF_NEWER.events

    # Left out, the hearing would read as one the court no longer lists.
    body = card("sudrf-newer.html").replace(b"<td>18.11.2026</td><td>14:00</td>", b"<td>18.11.20</td><td>14:00</td>")
    problem = unreadable(body)
    assert problem.problem == CourtWatch.Problem.LAYOUT
    assert "Судебное заседание" in problem.detail


@pytest.mark.parametrize(
    ("label", "column"),
    [
        ("Наименование события", "name"),
        ("Стадия", "name"),
        ("Дата", "date"),
        ("Дата события", "date"),
        ("ДАТА  СОБЫТИЯ:", "date"),
        ("Время", "time"),
        ("Время события", "time"),
        ("Дата и время", "date_time"),
        ("Место проведения", "room"),
        ("Зал судебного заседания", "room"),
        ("Зал", "room"),
        ("Результат события", "result"),
        ("Результат", "result"),
        ("Основания для выбранного результата события", "reason"),
        ("Основание", "reason"),
        ("Примечание", None),
        ("Дата размещения", None),
        ("Cтадия", "name"),  # Latin C
    ],
)
def test_a_column_label_names_its_value_tolerantly(label, column):
    assert column_of(label) == column


@pytest.mark.parametrize(
    ("name", "is_hearing"),
    [
        ("Судебное заседание", True),
        ("Предварительное судебное заседание", True),
        ("Подготовка дела (собеседование)", True),
        ("Подготовка к судебному разбирательству", True),
        ("Беседа", True),
        ("Изготовлено мотивированное решение в окончательной форме", False),
        ("Регистрация иска (заявления, жалобы) в суде", False),
        ("Передача материалов судье", False),
        ("Вынесено определение о назначении предварительного судебного заседания", False),
        ("Вынесено определение о подготовке дела к судебному разбирательству", False),
        ("Регистрация апелляционной жалобы", False),
        ("Направлено в суд вышестоящей инстанции", False),
    ],
)
def test_which_events_are_hearings(name, is_hearing):
    assert event_is_hearing(name) is is_hearing


# --- pages that are not a card read whole --------------------------------------------------------


@pytest.mark.parametrize("name", ["captcha-sudrf.html", "captcha-mos-gorsud.html"])
def test_a_captcha_page_is_unreadable_as_a_captcha(name):
    assert unreadable(card(name)).problem == CourtWatch.Problem.CAPTCHA == "captcha"


@pytest.mark.parametrize(
    "words",
    [
        "Введите код с картинки",
        "ВВЕДИТЕ СИМВОЛЫ С КАРТИНКИ:",
        "Проверочный код",
        "Подтвердите, что вы не робот: CAPTCHA",
        "Я не робот",
    ],
)
def test_a_page_asking_for_a_captcha_in_words_only_is_a_captcha(words):
    # No attribute names the captcha (the image is /img/check.png): the page's words do.
    page = f'<html><body><form method="post"><img src="/img/check.png"><p>{words}</p><input name="code"></form></body></html>'
    assert unreadable(page.encode()).problem == "captcha"


def test_a_captcha_in_the_card_frame_is_a_captcha_not_a_layout():
    # The site's frame (case number) around a captcha form instead of the events.
    body = card("sudrf-classic.html")
    start, end = body.index(b'<div id="cont2">'), body.index(b'<div id="cont3">')
    form = '<div id="captcha"><form method="post"><img src="/captcha.php?r=8812"><br>Введите код с картинки: <input name="code"></form></div>\n'
    assert unreadable(body[:start] + form.encode("cp1251") + body[end:]).problem == "captcha"


def test_a_card_read_whole_is_read_even_when_the_page_mentions_a_captcha():
    # The site's search form with its captcha, in the page's footer: the card itself is whole.
    body = card("sudrf-newer.html").replace(
        b"</body>", b'<form action="/search"><img src="/captcha.php"><input name="captcha"></form></body>'
    )
    assert card_read(body) == SUDRF_NEWER


def test_an_unknown_page_is_unreadable_as_a_layout():
    assert unreadable(card("unknown-layout.html")).problem == CourtWatch.Problem.LAYOUT == "layout"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   \r\n\t ",
        b"\x00\x00\x00",
        b"<html></html>",
        b'{"error": "Not found"}',
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
    ],
)
def test_an_empty_or_foreign_body_is_unreadable_as_a_layout(body):
    assert unreadable(body).problem == "layout"


def test_a_known_layout_without_its_events_table_is_unreadable():
    assert unreadable(card("sudrf-newer-no-events.html")).problem == "layout"

    body = card("sudrf-classic.html")
    start, end = body.index(b'<div id="cont2">'), body.index(b'<div id="cont3">')
    assert "events table" in unreadable(body[:start] + body[end:]).detail

    body = card("mos-gorsud.html")
    start, end = body.index(b'<div id="sessions"'), body.index(b'<div id="state-history"')
    assert unreadable(body[:start] + body[end:]).problem == "layout"


def test_a_known_layout_without_its_case_number_is_unreadable():
    body = card("sudrf-classic.html").replace("ДЕЛО № 2а-4471/2026".encode("cp1251"), b"")
    assert "case number" in unreadable(body).detail
    body = card("mos-gorsud.html").replace("Номер дела ~ материала".encode(), "Категория".encode())
    assert unreadable(body).problem == "layout"


def test_an_events_table_without_labels_for_the_event_and_its_date_is_unreadable():
    body = card("sudrf-newer.html").replace("<td>Дата</td>".encode(), "<td>Когда</td>".encode())
    assert "labels" in unreadable(body).detail


@pytest.mark.parametrize(
    ("name", "first_hearing"),
    [("sudrf-classic.html", b"05.10.2026"), ("sudrf-newer.html", b"20.10.2026"), ("mos-gorsud.html", b"13.10.2026")],
)
def test_a_card_cut_off_in_transit_is_unreadable_not_a_card_with_fewer_events(name, first_hearing):
    body = card(name)
    cut = body.index(b"</tr>", body.index(first_hearing)) + len(b"</tr>")
    # lxml closes what the cut left open: with an end tag, the cut card reads one hearing.
    assert len(hearings(card_read(body[:cut] + b"</html>"))) == 1
    assert unreadable(body[:cut]).detail == "the page is cut off before its end"
    assert unreadable(body[: body.index(b"</body>")]).problem == "layout"


def test_a_card_the_parser_gives_up_on_midway_is_unreadable():
    # libxml2 stops at 256 levels of nesting and keeps what it read: the events after would be lost.
    deep = b"<tr><td>" + b"<div>" * 300 + b"x" + b"</div>" * 300 + b"</td></tr>"
    body = card("sudrf-newer.html").replace(
        b'</table></div>\n<div id="tab_content_PersonList"', deep + b'</table></div>\n<div id="tab_content_PersonList"'
    )
    assert "parsed whole" in unreadable(body).detail
