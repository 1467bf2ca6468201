"""The example cards of ../shared/domain/court-pages/ as their readers return them (CardReading
values written out by hand from each page's rows), and a watch on a docket to read them into."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from cases import services as case_services
from courtwatch.models import CourtWatch
from courtwatch.reading import CardEvent, CardReading
from tests.factories import CourtFactory

D, T = dt.date, dt.time
MOSCOW = ZoneInfo("Europe/Moscow")
EKATERINBURG = ZoneInfo("Asia/Yekaterinburg")


def hearing_row(name, day, time, room="", result="", reason=""):
    return CardEvent(name=name, date=day, time=time, room=room, result=result, reason=reason, is_hearing=True)


def other_row(name, day, time=None, result=""):
    return CardEvent(name=name, date=day, time=time, result=result, is_hearing=False)


# sudrf-classic.html: a district court in Ekaterinburg (UTC+5), read in early November 2026.
SUDRF_CLASSIC = CardReading(
    layout="sudrf-classic",
    case_number="2а-4471/2026",
    case_uid="66RS0004-01-2026-004471-18",
    judge="Кузнецова Ольга Петровна",
    events=(
        other_row("Регистрация административного искового заявления", D(2026, 9, 14), T(11, 20)),
        other_row("Передача материалов судье", D(2026, 9, 15), T(9, 0)),
        other_row(
            "Решение вопроса о принятии к производству",
            D(2026, 9, 18),
            T(10, 0),
            "Административное исковое заявление принято к производству",
        ),
        hearing_row("Подготовка дела (собеседование)", D(2026, 10, 5), T(14, 30), "Зал № 305", "Проведена беседа"),
        hearing_row(
            "Судебное заседание", D(2026, 11, 2), T(10, 0), "Зал № 305", "Отложено", "ИСТРЕБОВАНИЕ ДОКАЗАТЕЛЬСТВ"
        ),
        hearing_row("Судебное заседание", D(2026, 12, 14), T(15, 40), "Зал № 305"),
    ),
)

# sudrf-newer.html: a district court in Moscow's zone, read after the decision.
SUDRF_NEWER = CardReading(
    layout="sudrf-newer",
    case_number="2-812/2026",
    case_uid="69RS0004-01-2026-000812-40",
    judge="Орлов Денис Игоревич",
    events=(
        other_row(
            "Регистрация иска (заявления, жалобы) в суде и принятие его к производству", D(2026, 10, 1), T(12, 5)
        ),
        hearing_row("Подготовка дела (собеседование)", D(2026, 10, 20), T(11, 0), "Кабинет № 12", "Проведена беседа"),
        hearing_row("Судебное заседание", D(2026, 11, 16), T(9, 30), "Зал № 2", "Перерыв в судебном заседании"),
        hearing_row(
            "Судебное заседание",
            D(2026, 11, 18),
            T(14, 0),
            "Зал № 2",
            "Вынесено решение по делу",
            "ИСК (ЗАЯВЛЕНИЕ) УДОВЛЕТВОРЕН ЧАСТИЧНО",
        ),
        other_row("Изготовлено мотивированное решение в окончательной форме", D(2026, 11, 25)),
    ),
)

# mos-gorsud.html, then mos-gorsud-postponed.html: the same Moscow card read twice.
MOS_GORSUD = CardReading(
    layout="mos-gorsud",
    case_number="02а-0911/2026",
    case_uid="77RS0023-02-2026-011204-55",
    judge="Лебедев К. А.",
    events=(
        hearing_row("Подготовка к судебному разбирательству", D(2026, 10, 13), T(11, 0), "410", "Проведена"),
        hearing_row("Судебное заседание", D(2026, 12, 10), T(10, 30), "410"),
    ),
)
MOS_GORSUD_POSTPONED = dataclasses.replace(
    MOS_GORSUD,
    events=(
        MOS_GORSUD.events[0],
        hearing_row(
            "Судебное заседание", D(2026, 12, 10), T(10, 30), "410", "Отложено", "Неявка административного ответчика"
        ),
        hearing_row("Судебное заседание", D(2027, 1, 21), T(15, 0), "412"),
    ),
)

MOS_GORSUD_URL = "https://mos-gorsud.ru/rs/savyolovskij/services/cases/kas/details/5b6c1f9e-0a4d-11f1-9f51-0050568d4c2b"
SUDRF_URL = (
    "https://ekb-lenin--svd.sudrf.ru/modules.php?name=sud_delo&srv_num=1&name_op=case"
    "&case_id=4471&case_uid=66RS0004-01-2026-004471-18&delo_id=1540005"
)


# The default allow-list of issue 23 ("*.sudrf.ru", "mos-gorsud.ru", "www.mos-gorsud.ru").
def court_in(zone: ZoneInfo, name: str):
    return CourtFactory(name=name, time_zone=zone)


def watch_on(case, court, *, url=MOS_GORSUD_URL, number="02а-0911/2026", **fields) -> CourtWatch:
    """A watch on the case's docket at `court` (the docket made here), as the rounds would find it."""
    docket = case_services.docket_set(case=case, court=court, number=number)
    return CourtWatch.objects.create(docket=docket, url=url, next_check_at=timezone.now(), **fields)
