"""From a card's events to proposals (courtwatch/proposals.py), on the example cards of
../shared/domain/court-pages/ as their readers return them: the right UTC times for a Moscow and
an Ekaterinburg court, one "moved" proposal for a postponement with its new date, and nothing
proposed twice."""

import dataclasses
import datetime as dt

import pytest
import time_machine

from actions import hearings as hearing_actions
from cases.models import Hearing
from courtwatch.models import CourtUpdate
from courtwatch.proposals import courtroom_of, result_meaning, room_key, updates_propose
from courtwatch.services import update_apply, update_dismiss
from tests.courtwatch.readings import (
    EKATERINBURG,
    MOS_GORSUD,
    MOS_GORSUD_POSTPONED,
    MOSCOW,
    SUDRF_CLASSIC,
    SUDRF_NEWER,
    SUDRF_URL,
    D,
    T,
    court_in,
    hearing_row,
    watch_on,
)
from tests.factories import CaseFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
UTC = dt.UTC

# Early November 2026: after the Ekaterinburg postponement, before the Moscow hearing.
NOVEMBER = dt.datetime(2026, 11, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def november():
    with time_machine.travel(NOVEMBER, tick=False):
        yield NOVEMBER


@pytest.fixture
def moscow_watch():
    case = CaseFactory(title="Belova v. IT Department")
    return watch_on(case, court_in(MOSCOW, "Savyolovsky District Court"))


@pytest.fixture
def lawyer(moscow_watch):
    organization = moscow_watch.docket.case.organization
    return MembershipFactory(organization=organization, role="lawyer", user=UserFactory(username="lawyer")).user


@pytest.fixture
def ekaterinburg_watch():
    case = CaseFactory(title="Case in Ekaterinburg")
    return watch_on(case, court_in(EKATERINBURG, "Leninsky District Court"), url=SUDRF_URL, number="2а-4471/2026")


def summary(updates):
    return [
        (u.kind, u.hearing_id, u.proposed["starts_at"], u.proposed["courtroom"], u.proposed["status"]) for u in updates
    ]


def schedule(watch, starts_at, **fields):
    docket = watch.docket
    return hearing_actions.hearing_schedule(case=docket.case, court=docket.court, starts_at=starts_at, **fields)


def test_an_ekaterinburg_card_proposes_its_hearings_at_the_right_utc_times(ekaterinburg_watch, november):
    # when the card is read for a docket with no hearings yet
    updates = updates_propose(watch=ekaterinburg_watch, reading=SUDRF_CLASSIC)
    # then the preparation meeting (held) and the postponed hearing, at its new date, are proposed:
    # 14.12.2026 15:40 in Ekaterinburg (UTC+5) is 10:40 UTC
    assert [u.proposed for u in updates] == [
        {
            "event": "Подготовка дела (собеседование)",
            "starts_at": "2026-10-05T09:30:00+00:00",
            "time_to_be_confirmed": False,
            "courtroom": "305",
            "status": "held",
            "outcome": "Проведена беседа",
            "reason": "",
            "kind": "preliminary",
            "judge": "Кузнецова Ольга Петровна",
        },
        {
            "event": "Судебное заседание",
            "starts_at": "2026-12-14T10:40:00+00:00",
            "time_to_be_confirmed": False,
            "courtroom": "305",
            "status": "scheduled",
            "outcome": "",
            "reason": "Отложено (ИСТРЕБОВАНИЕ ДОКАЗАТЕЛЬСТВ)",
            "kind": "merits",
            "judge": "Кузнецова Ольга Петровна",
        },
    ]
    assert [(u.kind, u.state, u.hearing, u.previous, u.case) for u in updates] == [
        ("new", "proposed", None, {}, ekaterinburg_watch.docket.case),
        ("new", "proposed", None, {}, ekaterinburg_watch.docket.case),
    ]


def test_a_moscow_card_proposes_its_hearings_at_the_right_utc_times(moscow_watch, november):
    updates = updates_propose(watch=moscow_watch, reading=MOS_GORSUD)
    # 13.10.2026 11:00 and 10.12.2026 10:30 in Moscow (UTC+3)
    assert summary(updates) == [
        ("new", None, "2026-10-13T08:00:00+00:00", "410", "held"),
        ("new", None, "2026-12-10T07:30:00+00:00", "410", "scheduled"),
    ]
    assert updates[0].proposed["outcome"] == "Проведена"


def test_an_adjourned_hearing_sat_and_its_continuation_is_another_hearing(moscow_watch):
    # given the card of a case decided on 18 November, read in December
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=UTC), tick=False):
        updates = updates_propose(watch=moscow_watch, reading=SUDRF_NEWER)
    # then three hearings, each held with the court's words; the decision in final form is no hearing
    assert [(u.proposed["starts_at"], u.proposed["courtroom"], u.proposed["status"]) for u in updates] == [
        ("2026-10-20T08:00:00+00:00", "12", "held"),
        ("2026-11-16T06:30:00+00:00", "2", "held"),
        ("2026-11-18T11:00:00+00:00", "2", "held"),
    ]
    assert [u.proposed["outcome"] for u in updates] == [
        "Проведена беседа",
        "Перерыв в судебном заседании",
        "Вынесено решение по делу (ИСК (ЗАЯВЛЕНИЕ) УДОВЛЕТВОРЕН ЧАСТИЧНО)",
    ]


def test_the_same_reading_twice_proposes_nothing_twice(moscow_watch, november):
    first = updates_propose(watch=moscow_watch, reading=MOS_GORSUD)
    # when the unchanged card is read again
    again = updates_propose(watch=moscow_watch, reading=MOS_GORSUD)
    # then nothing new, and the first proposals are still open
    assert again == []
    assert list(CourtUpdate.objects.values_list("pk", "state")) == [(u.pk, "proposed") for u in first]


def test_a_dismissed_proposal_is_not_proposed_again(moscow_watch, lawyer, november):
    first = updates_propose(watch=moscow_watch, reading=MOS_GORSUD)
    update_dismiss(update=first[0], actor=lawyer)
    # when the card still says the same
    assert updates_propose(watch=moscow_watch, reading=MOS_GORSUD) == []
    # then the dismissed one stays dismissed, and the other one open
    assert list(CourtUpdate.objects.order_by("pk").values_list("state", flat=True)) == ["dismissed", "proposed"]


def test_a_postponement_with_its_new_date_is_one_moved_proposal(moscow_watch, lawyer, november):
    # given the first reading accepted: the docket has both hearings
    for update in updates_propose(watch=moscow_watch, reading=MOS_GORSUD):
        update_apply(update=update, actor=lawyer)
    hearing = Hearing.objects.get(starts_at=dt.datetime(2026, 12, 10, 10, 30, tzinfo=MOSCOW))
    # when the card says 10 December is postponed, and the next row gives 21 January, room 412
    updates = updates_propose(watch=moscow_watch, reading=MOS_GORSUD_POSTPONED)
    # then one proposal: that hearing moves, with the court's reason
    assert summary(updates) == [("moved", hearing.pk, "2027-01-21T12:00:00+00:00", "412", "scheduled")]
    assert updates[0].proposed["reason"] == "Отложено (Неявка административного ответчика)"
    assert updates[0].previous == {
        "starts_at": "2026-12-10T07:30:00+00:00",
        "time_to_be_confirmed": False,
        "courtroom": "410",
        "status": "scheduled",
        "version": 1,
    }


def test_an_open_proposal_the_card_no_longer_makes_is_superseded(moscow_watch, november):
    # given the first reading's proposals, not yet answered
    first = updates_propose(watch=moscow_watch, reading=MOS_GORSUD)
    # when the card is read after the postponement
    second = updates_propose(watch=moscow_watch, reading=MOS_GORSUD_POSTPONED)
    # then the hearing of 10 December is proposed where it now stands, and the old proposal of it is superseded
    assert summary(second) == [("new", None, "2027-01-21T12:00:00+00:00", "412", "scheduled")]
    states = dict(CourtUpdate.objects.values_list("pk", "state"))
    assert (states[first[0].pk], states[first[1].pk], states[second[0].pk]) == ("proposed", "superseded", "proposed")


def test_a_postponement_without_a_new_date_is_a_result(moscow_watch, lawyer):
    # given the hearing of 10 December on the docket, and the card read on the day after it
    with time_machine.travel(dt.datetime(2026, 11, 1, tzinfo=UTC), tick=False):
        hearing = schedule(moscow_watch, dt.datetime(2026, 12, 10, 10, 30, tzinfo=MOSCOW), courtroom="410")
    postponed_only = dataclasses.replace(MOS_GORSUD_POSTPONED, events=MOS_GORSUD_POSTPONED.events[:2])
    with time_machine.travel(dt.datetime(2026, 12, 11, 9, 0, tzinfo=UTC), tick=False):
        updates = updates_propose(watch=moscow_watch, reading=postponed_only)
    # then the earlier hearing is new to the docket, and the postponed one is a result
    assert summary(updates) == [
        ("new", None, "2026-10-13T08:00:00+00:00", "410", "held"),
        ("result", hearing.pk, "2026-12-10T07:30:00+00:00", "410", "postponed"),
    ]
    assert updates[1].proposed["reason"] == "Отложено (Неявка административного ответчика)"


def test_a_hearing_the_card_no_longer_lists_is_proposed_as_gone_never_deleted(moscow_watch, november):
    # given a hearing on 10 December and another on 3 February that the card does not list
    listed = schedule(moscow_watch, dt.datetime(2026, 12, 10, 10, 30, tzinfo=MOSCOW), courtroom="410")
    missing = schedule(moscow_watch, dt.datetime(2027, 2, 3, 12, 0, tzinfo=MOSCOW))
    updates = updates_propose(watch=moscow_watch, reading=MOS_GORSUD)
    # then the held preparation is new, the listed one is unchanged, the other is "no longer listed"
    assert summary(updates) == [
        ("new", None, "2026-10-13T08:00:00+00:00", "410", "held"),
        ("gone", missing.pk, "2027-02-03T09:00:00+00:00", "", "cancelled"),
    ]
    assert Hearing.objects.filter(pk__in=[listed.pk, missing.pk], status="scheduled").count() == 2


def test_a_time_on_the_same_day_moves_the_hearing(moscow_watch, november):
    hearing = schedule(moscow_watch, dt.datetime(2026, 12, 10, 10, 0, tzinfo=MOSCOW), courtroom="Зал № 410")
    preparation = schedule(moscow_watch, dt.datetime(2026, 10, 13, 11, 0, tzinfo=MOSCOW), courtroom="410")
    updates = updates_propose(watch=moscow_watch, reading=MOS_GORSUD)
    # then "Зал № 410" and "410" are one room, but 10:00 and 10:30 are not one time; and the
    # preparation, still "scheduled" on the docket, is held according to the card ("Проведена")
    assert summary(updates) == [
        ("result", preparation.pk, "2026-10-13T08:00:00+00:00", "410", "held"),
        ("moved", hearing.pk, "2026-12-10T07:30:00+00:00", "410", "scheduled"),
    ]


def test_a_card_without_a_time_keeps_the_time_a_lawyer_knows_and_a_date_alone_is_to_be_confirmed(
    moscow_watch, november
):
    # given a hearing at 10:30 on 10 December, and one the lawyer knows only the date of
    known = schedule(moscow_watch, dt.datetime(2026, 12, 10, 10, 30, tzinfo=MOSCOW), courtroom="410")
    day_only = schedule(moscow_watch, dt.datetime(2027, 1, 21, 0, 0, tzinfo=MOSCOW), time_to_be_confirmed=True)
    reading = dataclasses.replace(
        MOS_GORSUD,
        events=(
            hearing_row("Судебное заседание", D(2026, 12, 10), None, "410"),
            hearing_row("Судебное заседание", D(2027, 1, 21), None),
            hearing_row("Судебное заседание", D(2027, 2, 4), None),
        ),
    )
    updates = updates_propose(watch=moscow_watch, reading=reading)
    # then neither is changed, and a new date without a time starts at midnight in Moscow
    assert summary(updates) == [("new", None, "2027-02-03T21:00:00+00:00", "", "scheduled")]
    assert updates[0].proposed["time_to_be_confirmed"] is True
    # and when the card gives the time of 21 January, that hearing moves to it
    reading = dataclasses.replace(
        reading, events=(*reading.events[:1], hearing_row("Судебное заседание", D(2027, 1, 21), T(15, 0)))
    )
    later = updates_propose(watch=moscow_watch, reading=reading)
    assert [(u.kind, u.hearing_id, u.proposed["starts_at"], u.proposed["time_to_be_confirmed"]) for u in later] == [
        ("moved", day_only.pk, "2027-01-21T12:00:00+00:00", False)
    ]
    assert known.pk not in [u.hearing_id for u in later]


def test_a_card_without_a_time_that_gives_the_room_keeps_the_time_a_lawyer_knows(moscow_watch, lawyer, november):
    # given a hearing at 10:30 on 10 December whose room the lawyer does not know
    known = schedule(moscow_watch, dt.datetime(2026, 12, 10, 10, 30, tzinfo=MOSCOW))
    reading = dataclasses.replace(MOS_GORSUD, events=(hearing_row("Судебное заседание", D(2026, 12, 10), None, "410"),))
    # when the card gives that day without a time, and room 410
    (update,) = updates_propose(watch=moscow_watch, reading=reading)
    # then the proposal gives the room at the time the lawyer knows (not midnight, to be confirmed)
    assert summary([update]) == [("moved", known.pk, "2026-12-10T07:30:00+00:00", "410", "scheduled")]
    assert update.proposed["time_to_be_confirmed"] is False
    # and says so: the hearing did not move, it got its room
    assert update.headline == "Courtroom given"
    # and accepting it leaves the time as it was (no "moved" notice for subscribers)
    applied = update_apply(update=update, actor=lawyer)
    known.refresh_from_db()
    assert (known.starts_at, known.time_to_be_confirmed, known.courtroom) == (
        dt.datetime(2026, 12, 10, 7, 30, tzinfo=UTC),
        False,
        "410",
    )
    assert applied.hearing_id == known.pk


def test_a_proposal_that_changes_only_the_room_says_so(moscow_watch, november):
    schedule(moscow_watch, dt.datetime(2026, 12, 10, 10, 30, tzinfo=MOSCOW), courtroom="305")
    (update,) = updates_propose(
        watch=moscow_watch, reading=dataclasses.replace(MOS_GORSUD, events=MOS_GORSUD.events[1:])
    )
    assert (update.kind, update.headline) == ("moved", "Courtroom changed")
    moved = schedule(moscow_watch, dt.datetime(2027, 1, 21, 10, 30, tzinfo=MOSCOW), courtroom="410")
    reading = dataclasses.replace(
        MOS_GORSUD, events=(*MOS_GORSUD.events[1:], hearing_row("Судебное заседание", D(2027, 1, 22), T(10, 30), "410"))
    )
    headlines = {u.hearing_id: u.headline for u in updates_propose(watch=moscow_watch, reading=reading)}
    assert headlines[moved.pk] == "Hearing moved"


def test_a_hearing_moved_without_a_postponement_row_is_matched_by_its_order(moscow_watch, november):
    # given the held preparation and a hearing on 11 December, which the card now gives on 15 December
    held = schedule(moscow_watch, dt.datetime(2026, 10, 13, 11, 0, tzinfo=MOSCOW), courtroom="410")
    hearing_actions.hearing_record_outcome(hearing=held, outcome_notes="Held")
    moved = schedule(moscow_watch, dt.datetime(2026, 12, 11, 10, 30, tzinfo=MOSCOW), courtroom="410")
    reading = dataclasses.replace(
        MOS_GORSUD, events=(MOS_GORSUD.events[0], hearing_row("Судебное заседание", D(2026, 12, 15), T(10, 30), "410"))
    )
    updates = updates_propose(watch=moscow_watch, reading=reading)
    # then it is one move, not a new hearing and a lost one
    assert summary(updates) == [("moved", moved.pk, "2026-12-15T07:30:00+00:00", "410", "scheduled")]


def test_with_more_new_dates_than_open_hearings_no_move_is_guessed(moscow_watch, november):
    moved = schedule(moscow_watch, dt.datetime(2026, 12, 11, 10, 30, tzinfo=MOSCOW))
    reading = dataclasses.replace(
        MOS_GORSUD,
        events=(
            hearing_row("Судебное заседание", D(2026, 12, 15), T(10, 30)),
            hearing_row("Судебное заседание", D(2026, 12, 22), T(10, 30)),
        ),
    )
    updates = updates_propose(watch=moscow_watch, reading=reading)
    assert [(u.kind, u.hearing_id) for u in updates] == [("new", None), ("new", None), ("gone", moved.pk)]


def test_a_held_result_on_a_hearing_still_to_come_is_not_believed(moscow_watch, november):
    hearing = schedule(moscow_watch, dt.datetime(2026, 12, 10, 10, 30, tzinfo=MOSCOW), courtroom="410")
    reading = dataclasses.replace(
        MOS_GORSUD, events=(hearing_row("Судебное заседание", D(2026, 12, 10), T(10, 30), "410", "Рассмотрено"),)
    )
    assert updates_propose(watch=moscow_watch, reading=reading) == []
    assert Hearing.objects.get(pk=hearing.pk).status == "scheduled"


def test_hearings_of_the_case_at_another_court_are_not_the_dockets(moscow_watch, november):
    other_court = court_in(MOSCOW, "Moscow City Court")
    hearing_actions.hearing_schedule(
        case=moscow_watch.docket.case, court=other_court, starts_at=dt.datetime(2027, 3, 1, 10, 0, tzinfo=MOSCOW)
    )
    updates = updates_propose(watch=moscow_watch, reading=MOS_GORSUD)
    assert [u.kind for u in updates] == ["new", "new"]


@pytest.mark.parametrize(
    ("result", "meaning"),
    [
        ("", None),
        ("Отложено", "postponed"),
        ("Судебное заседание отложено", "postponed"),
        ("Проведено", "held"),
        ("Проведена беседа", "held"),
        ("Вынесено решение по делу", "held"),
        ("Рассмотрено", "held"),
        ("Производство по делу прекращено", "held"),
        ("Перерыв в судебном заседании", "adjourned"),
        ("Снято с рассмотрения", "cancelled"),
    ],
)
def test_what_a_result_means(result, meaning):
    assert result_meaning(result) == meaning


def test_rooms_compare_as_the_same_room_whatever_the_label():
    assert room_key("Зал № 305") == room_key("зал 305") == room_key("305") == "305"
    assert room_key("Кабинет № 12") == "12"
    assert (courtroom_of("Зал № 305"), courtroom_of("Кабинет № 12"), courtroom_of("410")) == ("305", "12", "410")


def test_a_room_the_card_gives_for_a_past_hearing_is_no_proposal(moscow_watch, november):
    # given the preparation held on 13 October, logged without its room
    held = schedule(moscow_watch, dt.datetime(2026, 10, 13, 11, 0, tzinfo=MOSCOW))
    hearing_actions.hearing_record_outcome(hearing=held, outcome_notes="Preparation done")
    upcoming = schedule(moscow_watch, dt.datetime(2026, 12, 10, 10, 30, tzinfo=MOSCOW))
    # then only the hearing to come gets the card's room
    assert summary(updates_propose(watch=moscow_watch, reading=MOS_GORSUD)) == [
        ("moved", upcoming.pk, "2026-12-10T07:30:00+00:00", "410", "scheduled")
    ]
