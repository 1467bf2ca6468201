"""The services' effects: versions, history, reschedules, the lifecycle and the appeal chain."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from actions import appeals as appeal_actions
from actions import cases as case_actions
from actions import hearings as hearing_actions
from actions import organizations as organization_actions
from actions import rulings as ruling_actions
from cases import selectors, services
from cases.models import Appeal, Case, Hearing, HearingReschedule
from tests.factories import CourtFactory, HearingFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db
MOSCOW = ZoneInfo("Europe/Moscow")


def test_an_update_raises_the_version_and_records_who_did_it(case, lawyer):
    updated = case_actions.case_update(case=case, summary="New summary", actor=lawyer)
    assert updated.version == 2
    latest = updated.history.first()
    assert (latest.summary, latest.history_user, latest.history_type) == ("New summary", lawyer, "~")
    assert updated.history.count() == 2


def test_an_update_from_a_stale_copy_is_refused_and_changes_nothing(case):
    case_actions.case_update(case=case, summary="First lawyer's edit", expected_version=1)
    with pytest.raises(services.VersionConflict) as exc:
        case_actions.case_update(case=case, summary="Second lawyer's edit", expected_version=1)
    assert str(exc.value) == (
        "Case was changed by someone else (your copy is version 1, the current one is 2). "
        "Reload it and apply your change again."
    )
    case.refresh_from_db()
    assert (case.summary, case.version) == ("First lawyer's edit", 2)


def test_a_reschedule_keeps_the_old_date(court, case, lawyer):
    old = dt.datetime(2019, 10, 21, 10, 0, tzinfo=MOSCOW)
    new = dt.datetime(2019, 10, 28, 14, 30, tzinfo=MOSCOW)
    hearing = hearing_actions.hearing_schedule(case=case, court=court, starts_at=old, courtroom="301")
    moved = hearing_actions.hearing_reschedule(hearing=hearing, starts_at=new, reason="Judge ill", actor=lawyer)
    assert (moved.starts_at, moved.version, moved.status) == (new, 2, "scheduled")
    record = HearingReschedule.objects.get(hearing=hearing)
    assert (record.previous_starts_at, record.new_starts_at, record.reason, record.changed_by) == (
        old,
        new,
        "Judge ill",
        lawyer,
    )
    assert [h.starts_at for h in moved.history.order_by("history_id")] == [old, new]
    assert moved.starts_at_local.strftime("%Y-%m-%d %H:%M %Z") == "2019-10-28 14:30 MSK"


def test_a_reschedule_reason_longer_than_the_history_column_is_kept_whole_where_it_is_shown(court, case, lawyer):
    # given a reason as long as the form allows (300), longer than simple-history's 100
    old = dt.datetime(2019, 10, 21, 10, 0, tzinfo=MOSCOW)
    hearing = hearing_actions.hearing_schedule(case=case, court=court, starts_at=old, courtroom="301")
    reason = "The judge is ill and the court's secretary says the new date depends on the court's " * 3 + "calendar"
    assert 100 < len(reason) <= 300
    moved = hearing_actions.hearing_reschedule(
        hearing=hearing, starts_at=old + dt.timedelta(days=7), reason=reason, actor=lawyer
    )
    # the reschedule keeps it whole; the history row carries its first 100 characters, ending in …
    assert HearingReschedule.objects.get(hearing=hearing).reason == reason
    change_reason = moved.history.latest("history_id").history_change_reason
    assert len(change_reason) == 100 and change_reason == reason[:99] + "…"


def test_postpone_then_cancel(court, case):
    hearing = HearingFactory(case=case, court=court)
    postponed = hearing_actions.hearing_postpone(hearing=hearing, reason="Defendant absent")
    assert postponed.status == Hearing.Status.POSTPONED
    assert HearingReschedule.objects.get(hearing=hearing).new_starts_at is None
    cancelled = hearing_actions.hearing_cancel(hearing=postponed, reason="Claim withdrawn")
    assert (cancelled.status, cancelled.version) == ("cancelled", 3)


@time_machine.travel(dt.datetime(2019, 10, 20, 12, 0, tzinfo=MOSCOW), tick=False)
def test_a_hearing_cannot_be_marked_held_before_it_starts(court, case):
    hearing = HearingFactory(case=case, court=court, starts_at=dt.datetime(2019, 10, 21, 10, 0, tzinfo=MOSCOW))
    with pytest.raises(ValidationError) as exc:
        hearing_actions.hearing_record_outcome(hearing=hearing, outcome_notes="Adjourned")
    assert exc.value.message_dict == {"status": ["A hearing cannot be marked held before it starts."]}


def test_a_ruling_given_today_in_the_east_is_not_in_the_future_for_a_server_on_utc(case, court, appeal_court):
    # given 22:00 UTC on 7 December: already 8 December in Moscow (noon on the Line Islands), and 9 December nowhere yet
    with time_machine.travel(dt.datetime(2026, 12, 7, 22, 0, tzinfo=dt.UTC), tick=False):
        # when a lawyer records a ruling and an appeal of "today" on a Moscow clock
        ruling = ruling_actions.ruling_record(
            case=case, court=court, decided_on=dt.date(2026, 12, 8), outcome="dismissed"
        )
        appeal_actions.appeal_file(case=case, ruling=ruling, court=appeal_court, filed_on=dt.date(2026, 12, 8))
        # then both are taken; a date that is today on no clock is still refused
        with pytest.raises(ValidationError) as exc:
            ruling_actions.ruling_record(case=case, court=court, decided_on=dt.date(2026, 12, 9), outcome="granted")
    assert exc.value.message_dict == {"decided_on": ["A ruling cannot be dated in the future."]}


def test_recording_rulings_and_appeals_walks_the_case_lifecycle(case, court, appeal_court):
    # given a filed case; when the first instance decides
    first = ruling_actions.ruling_record(case=case, court=court, decided_on=dt.date(2019, 11, 6), outcome="dismissed")
    case.refresh_from_db()
    assert case.status == Case.Status.DECIDED
    # when an appeal is filed
    appeal = appeal_actions.appeal_file(case=case, ruling=first, court=appeal_court, filed_on=dt.date(2019, 12, 5))
    case.refresh_from_db()
    assert case.status == Case.Status.UNDER_APPEAL
    # when the appeal court decides it
    second = ruling_actions.ruling_record(
        case=case, court=appeal_court, decided_on=dt.date(2020, 2, 10), outcome="granted"
    )
    appeal_actions.appeal_decide(appeal=appeal, ruling=second)
    # then the chain walks both ways
    chain = selectors.case_instance_chain(case=case)
    assert [(step.ruling, [a.pk for a in step.appeals]) for step in chain] == [(first, [appeal.pk]), (second, [])]
    assert chain[0].appeals[0].decided_by == second
    assert list(second.decides_appeals.all()) == [Appeal.objects.get(pk=appeal.pk)]


def test_popova_path_is_representable(db):
    # Tverskoy fine -> Savyolovsky District Court -> Moscow City Court -> ECtHR
    ecthr = CourtFactory(name="European Court of Human Rights", jurisdiction="echr", level="international")
    city = CourtFactory(name="Moscow City Court", level="appeal")
    district = CourtFactory(name="Savyolovsky District Court", appeals_to=city)
    assert [district.appeals_to, city.appeals_to] == [city, None]
    case = services.case_create(
        organization=OrganizationFactory(),
        title="Popova v. Moscow",
        status="filed",
        filed_on=dt.date(2019, 10, 2),
        proceeding="administrative",
        tags=["facial recognition", "protest"],
    )
    assert case.slug == "popova-v-moscow"
    assert sorted(case.tags.values_list("name", flat=True)) == ["facial recognition", "protest"]
    ruling = ruling_actions.ruling_record(
        case=case, court=district, decided_on=dt.date(2019, 11, 6), outcome="dismissed"
    )
    to_city = appeal_actions.appeal_file(case=case, ruling=ruling, court=city, filed_on=dt.date(2019, 12, 1))
    city_ruling = ruling_actions.ruling_record(
        case=case, court=city, decided_on=dt.date(2020, 1, 15), outcome="dismissed"
    )
    appeal_actions.appeal_decide(appeal=to_city, ruling=city_ruling)
    appeal_actions.appeal_file(
        case=case, ruling=city_ruling, court=ecthr, kind="international", filed_on=dt.date(2020, 6, 1)
    )
    chain = selectors.case_instance_chain(case=case)
    assert [step.ruling.court.name for step in chain] == ["Savyolovsky District Court", "Moscow City Court"]
    assert [a.court.name for step in chain for a in step.appeals] == [
        "Moscow City Court",
        "European Court of Human Rights",
    ]


def test_visibility_rules(case, lawyer, outsider):
    private = services.case_create(
        organization=case.organization, title="Private matter", is_public=False, status="preparing"
    )
    viewer = UserFactory(username="viewer")
    organization_actions.membership_set(organization=case.organization, user=viewer, role="viewer")
    assert set(selectors.cases_visible_to(user=outsider)) == {case}
    assert set(selectors.cases_visible_to(user=None)) == {case}
    assert set(selectors.cases_visible_to(user=viewer)) == {case, private}
    assert selectors.case_user_is_member(user=outsider, case=case) is False
    assert selectors.case_user_can_write(user=lawyer, case=private) is True


def test_upcoming_hearings_are_nearest_first_and_visible_only(case, court, outsider):
    now = dt.datetime(2030, 1, 1, 9, 0, tzinfo=dt.UTC)
    later = HearingFactory(case=case, court=court, starts_at=now + dt.timedelta(days=3))
    sooner = HearingFactory(case=case, court=court, starts_at=now + dt.timedelta(hours=2))
    HearingFactory(case=case, court=court, starts_at=now - dt.timedelta(days=1))
    HearingFactory(case=case, court=court, starts_at=now + dt.timedelta(days=1), status="cancelled")
    private_case = services.case_create(organization=case.organization, title="Hidden", status="preparing")
    HearingFactory(case=private_case, court=court, starts_at=now + dt.timedelta(days=2))
    assert list(selectors.hearings_upcoming(user=outsider, now=now)) == [sooner, later]


def test_a_delete_is_checked_like_an_edit(court, case):
    # given a hearing another lawyer changed after this one read it (version 1 -> 2)
    hearing = HearingFactory(case=case, court=court, starts_at=dt.datetime(2030, 1, 21, 10, 0, tzinfo=MOSCOW))
    services.hearing_update(hearing=hearing, courtroom="5", expected_version=1)
    # when the first deletes from their copy, then it is refused and nothing is deleted
    with pytest.raises(services.VersionConflict) as exc:
        services.hearing_delete(hearing=hearing, expected_version=1)
    assert str(exc.value) == (
        "Hearing was changed by someone else (your copy is version 1, the current one is 2). "
        "Reload it and apply your change again."
    )
    assert Hearing.objects.filter(pk=hearing.pk).exists()
    # with the current version it goes
    services.hearing_delete(hearing=hearing, expected_version=2)
    assert not Hearing.objects.filter(pk=hearing.pk).exists()
