"""What the dossier says about a case, before any rendering (the template's input)."""

import datetime as dt
from zoneinfo import ZoneInfo

from actions import hearings as hearing_actions
from documents.dossier.content import dossier_content
from tests.factories import CaseFactory, CourtFactory, HearingFactory

MOSCOW = ZoneInfo("Europe/Moscow")


def test_a_rescheduled_hearing_shows_its_move_on_the_timeline_and_in_the_table(db):
    # given a hearing on 21 October 2019 at 10:00 Moscow time, moved to 28 October at 14:30
    case = CaseFactory(filed_on=dt.date(2019, 10, 2))
    hearing = HearingFactory(case=case, court=CourtFactory(name="Savyolovsky District Court"))
    hearing_actions.hearing_reschedule(
        hearing=hearing,
        starts_at=dt.datetime(2019, 10, 28, 14, 30, tzinfo=MOSCOW),
        reason="Judge ill",
        reason_is_public=True,
    )

    content = dossier_content(case=case, edition="public", language="en")

    # then the timeline has the filing, the move (on the old date) and the hearing (on the new)
    assert [(e["date"], e["kind"], e["title"], e["detail"]) for e in content.timeline] == [
        ("2 October 2019", "filing", "Case filed", ""),
        (
            "21 October 2019",
            "reschedule",
            "Hearing at Savyolovsky District Court moved to 28 October 2019",
            "Judge ill",
        ),
        ("28 October 2019", "hearing", "Merits hearing at Savyolovsky District Court (scheduled)", ""),
    ]
    # and the hearings table gives the court's local time and the move
    [row] = content.hearings
    assert (row["date"], row["time"], row["time_zone"]) == ("28 October 2019", "14:30", "Europe/Moscow")
    assert row["reschedules"] == [{"from": "21 October 2019", "to": "28 October 2019", "reason": "Judge ill"}]


def test_russian_edition_names_courts_in_russian_and_dates_in_the_genitive(db):
    case = CaseFactory(filed_on=dt.date(2019, 10, 2))
    court = CourtFactory(name_en="Savyolovsky District Court", name_ru="Савёловский районный суд г. Москвы")
    HearingFactory(case=case, court=court, time_to_be_confirmed=True)

    content = dossier_content(case=case, edition="internal", language="ru")

    [row] = content.hearings
    assert (row["date"], row["time"], row["court"]) == (
        "21 октября 2019 г.",
        "время не подтверждено",
        "Савёловский районный суд г. Москвы",
    )
    assert content.case["status"] == "Подан"
