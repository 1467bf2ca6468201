"""Deadlines in the product: computed when a ruling is recorded, recomputed when its dates
change, overridden with a reason, closed by the appeal."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from actions import appeals as appeal_actions
from actions import cases as case_actions
from actions import courts as court_actions
from actions import deadlines as deadline_actions
from actions import rulings as ruling_actions
from cases import services
from cases.models import Appeal, Case
from deadlines.models import Deadline
from tests.factories import CaseFactory, CourtFactory

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def district(db):
    return CourtFactory(name="Savyolovsky District Court")


@pytest.fixture
def city(db):
    return CourtFactory(name="Moscow City Court", level="appeal")


@pytest.fixture
def cassation(db):
    return CourtFactory(name="Second Cassation Court", level="cassation")


@pytest.fixture
def kas_case(db):
    return CaseFactory(proceeding=Case.Proceeding.ADMINISTRATIVE)


def summary(ruling):
    return sorted(
        (d.rule_code, d.rule_version, d.trigger_on, d.computed_due_on, d.due_on, d.state)
        for d in Deadline.objects.filter(ruling=ruling)
    )


def test_recording_a_ruling_computes_its_appeal_deadline(kas_case, district, lawyer):
    # given an administrative-claim case; when the first instance decides, reasons on 29 January 2020
    ruling = ruling_actions.ruling_record(
        case=kas_case,
        court=district,
        decided_on=D(2020, 1, 24),
        final_form_on=D(2020, 1, 29),
        outcome="dismissed",
        actor=lawyer,
    )
    # then the one-month appeal runs from the final form and rolls off the weekend of 29 February
    assert summary(ruling) == [("ru-kas-appeal", "2015-09-15", D(2020, 1, 29), D(2020, 3, 2), D(2020, 3, 2), "open")]
    deadline = Deadline.objects.get(ruling=ruling)
    assert (deadline.case, deadline.step, deadline.rule_source) == (kas_case, "appeal", "KAS RF art. 298(1)")
    assert deadline.explanation_sentences[0] == "Trigger taken from the ruling's date of the decision in final form."
    assert deadline.explanation_sentences[-2:] == [
        "2020-02-29 is a Saturday; 2020-03-01 is a Sunday -> 2020-03-02, the next working day.",
        "Due on 2020-03-02.",
    ]
    assert (deadline.history.get().history_user, deadline.history.get().history_change_reason) == (
        lawyer,
        "Computed from the ruling",
    )


def test_an_unknown_final_form_date_is_recorded_as_such_not_guessed(kas_case, district):
    ruling = ruling_actions.ruling_record(case=kas_case, court=district, decided_on=D(2019, 11, 6), outcome="dismissed")
    deadline = Deadline.objects.get(ruling=ruling)
    assert (deadline.rule_code, deadline.rule_version, deadline.trigger_on, deadline.due_on, deadline.state) == (
        "ru-kas-appeal",
        "",
        None,
        None,
        "open",
    )
    assert deadline.explanation_sentences == [
        "Trigger date unknown: the ruling has no date of the decision in final form yet, so no due date can be "
        "computed. Enter the date on the ruling (or override the due date with the reason)."
    ]


def test_changing_the_rulings_dates_recomputes(kas_case, district, lawyer):
    ruling = ruling_actions.ruling_record(case=kas_case, court=district, decided_on=D(2019, 11, 6), outcome="dismissed")
    # when the final-form date becomes known, then changes
    ruling_actions.ruling_update(ruling=ruling, final_form_on=D(2019, 11, 11), actor=lawyer)
    assert summary(ruling) == [
        ("ru-kas-appeal", "2015-09-15", D(2019, 11, 11), D(2019, 12, 11), D(2019, 12, 11), "open")
    ]
    ruling_actions.ruling_update(ruling=ruling, final_form_on=D(2019, 12, 7), actor=lawyer)
    # then 7 January 2020 (Christmas) and 8 January (New Year holidays) move it to the 9th
    assert summary(ruling) == [("ru-kas-appeal", "2015-09-15", D(2019, 12, 7), D(2020, 1, 9), D(2020, 1, 9), "open")]
    deadline = Deadline.objects.get(ruling=ruling)
    assert deadline.version == 3
    assert [h.due_on for h in deadline.history.order_by("history_id")] == [None, D(2019, 12, 11), D(2020, 1, 9)]
    # a change that does not touch the dates leaves the deadline alone
    ruling_actions.ruling_update(ruling=ruling, summary="Dismissed in full.")
    assert Deadline.objects.get(ruling=ruling).version == 3


def test_cassation_and_ecthr_run_once_the_appellate_ruling_is_in_force(kas_case, district, city):
    first = ruling_actions.ruling_record(case=kas_case, court=district, decided_on=D(2019, 11, 6), outcome="dismissed")
    appeal_actions.appeal_file(case=kas_case, ruling=first, court=city, filed_on=D(2019, 12, 1))
    appellate = ruling_actions.ruling_record(case=kas_case, court=city, decided_on=D(2020, 1, 15), outcome="dismissed")
    assert summary(appellate) == []
    ruling_actions.ruling_update(ruling=appellate, in_force=True, in_force_on=D(2020, 1, 15))
    assert summary(appellate) == [
        ("echr-application", "6-months", D(2020, 1, 15), D(2020, 7, 15), D(2020, 7, 15), "open"),
        ("ru-kas-cassation", "2015-09-15", D(2020, 1, 15), D(2020, 7, 15), D(2020, 7, 15), "open"),
    ]
    # when the entry into force is undone, the deadlines no longer apply (kept, void, with the reason)
    ruling_actions.ruling_update(ruling=appellate, in_force=False, in_force_on=None)
    voided = Deadline.objects.filter(ruling=appellate).order_by("rule_code")
    assert [(d.rule_code, d.state, d.state_reason) for d in voided] == [
        ("echr-application", "void", "The rule no longer runs from this ruling (its court, dates or force)."),
        ("ru-kas-cassation", "void", "The rule no longer runs from this ruling (its court, dates or force)."),
    ]
    # and come back when it is in force again
    ruling_actions.ruling_update(ruling=appellate, in_force=True, in_force_on=D(2020, 1, 15))
    assert {d.state for d in Deadline.objects.filter(ruling=appellate)} == {"open"}


def test_gpk_cassation_runs_from_the_reasoned_appellate_ruling_since_september_2024(district, city, cassation):
    case = CaseFactory(proceeding=Case.Proceeding.CIVIL, filed_on=D(2024, 3, 1))
    appellate = ruling_actions.ruling_record(
        case=case,
        court=city,
        decided_on=D(2024, 9, 10),
        final_form_on=D(2024, 9, 24),
        in_force=True,
        in_force_on=D(2024, 9, 10),
        outcome="dismissed",
    )
    cassation_deadline = Deadline.objects.get(ruling=appellate, rule_code="ru-gpk-cassation")
    assert (cassation_deadline.rule_version, cassation_deadline.trigger_on, cassation_deadline.due_on) == (
        "2024-09-01",
        D(2024, 9, 24),
        D(2024, 12, 24),
    )
    # an older appellate ruling: the 2019 version, from entry into force
    old = ruling_actions.ruling_record(
        case=case,
        court=CourtFactory(level="appeal"),
        decided_on=D(2024, 5, 14),
        final_form_on=D(2024, 5, 20),
        in_force=True,
        in_force_on=D(2024, 5, 14),
        outcome="dismissed",
    )
    old_deadline = Deadline.objects.get(ruling=old, rule_code="ru-gpk-cassation")
    assert (old_deadline.rule_version, old_deadline.trigger_on, old_deadline.due_on) == (
        "2019-10-01",
        D(2024, 5, 14),
        D(2024, 8, 14),
    )
    # the cassation court's ruling opens the Supreme Court deadline (3 months from the ruling)
    supreme_from = ruling_actions.ruling_record(
        case=case, court=cassation, decided_on=D(2024, 10, 8), outcome="dismissed", in_force=True
    )
    # the ECtHR period runs from pronouncement too: 4 months, ending on a Saturday (no roll-over)
    assert sorted((d.rule_code, d.trigger_on, d.due_on) for d in Deadline.objects.filter(ruling=supreme_from)) == [
        ("echr-application", D(2024, 10, 8), D(2025, 2, 8)),
        ("ru-gpk-supreme", D(2024, 10, 8), D(2025, 1, 9)),  # 8 January 2025: the January holidays
    ]


def test_changing_the_cases_proceeding_recomputes_its_rulings(district):
    case = CaseFactory(proceeding=Case.Proceeding.CIVIL)
    ruling = ruling_actions.ruling_record(
        case=case, court=district, decided_on=D(2019, 11, 6), final_form_on=D(2019, 11, 11), outcome="dismissed"
    )
    assert [d.rule_code for d in Deadline.objects.filter(ruling=ruling)] == ["ru-gpk-appeal"]
    case_actions.case_update(case=case, proceeding=Case.Proceeding.ADMINISTRATIVE)
    assert sorted((d.rule_code, d.state) for d in Deadline.objects.filter(ruling=ruling)) == [
        ("ru-gpk-appeal", "void"),
        ("ru-kas-appeal", "open"),
    ]


@pytest.fixture
def appeal_deadline(kas_case, district):
    ruling = ruling_actions.ruling_record(
        case=kas_case, court=district, decided_on=D(2019, 11, 6), final_form_on=D(2019, 11, 11), outcome="dismissed"
    )
    return Deadline.objects.get(ruling=ruling)


def test_an_override_keeps_its_reason_and_author_in_the_history(appeal_deadline, lawyer):
    # when the lawyer learns the copy was served later
    overridden = deadline_actions.deadline_override(
        deadline=appeal_deadline, due_on=D(2019, 12, 20), reason="Copy received on 2019-11-20", actor=lawyer
    )
    assert (overridden.computed_due_on, overridden.override_due_on, overridden.due_on, overridden.version) == (
        D(2019, 12, 11),
        D(2019, 12, 20),
        D(2019, 12, 20),
        2,
    )
    assert (overridden.override_reason, overridden.overridden_by) == ("Copy received on 2019-11-20", lawyer)
    latest = overridden.history.first()
    assert (latest.history_user, latest.history_change_reason, latest.due_on) == (
        lawyer,
        "Override: Copy received on 2019-11-20",
        D(2019, 12, 20),
    )
    # a recompute keeps the override
    ruling_actions.ruling_update(ruling=appeal_deadline.ruling, final_form_on=D(2019, 11, 12))
    appeal_deadline.refresh_from_db()
    assert (appeal_deadline.computed_due_on, appeal_deadline.due_on) == (D(2019, 12, 12), D(2019, 12, 20))
    # removing the override goes back to the computed date, and says why
    cleared = deadline_actions.deadline_override(
        deadline=appeal_deadline, due_on=None, reason="Served date was wrong", actor=lawyer
    )
    assert (cleared.override_due_on, cleared.override_reason, cleared.due_on) == (None, "", D(2019, 12, 12))
    assert cleared.history.first().history_change_reason == "Override removed: Served date was wrong"


@pytest.mark.parametrize(
    ("due_on", "reason", "errors"),
    [
        (D(2019, 12, 20), "  ", {"override_reason": ["Give the reason for changing the due date."]}),
        (
            D(2019, 11, 1),
            "Typo",
            {"override_due_on": ["The period runs from 2019-11-11; the due date cannot be before it."]},
        ),
    ],
)
def test_a_bad_override_is_refused_and_changes_nothing(appeal_deadline, due_on, reason, errors):
    with pytest.raises(ValidationError) as exc:
        deadline_actions.deadline_override(deadline=appeal_deadline, due_on=due_on, reason=reason)
    assert exc.value.message_dict == errors
    appeal_deadline.refresh_from_db()
    assert (appeal_deadline.due_on, appeal_deadline.version, appeal_deadline.history.count()) == (
        D(2019, 12, 11),
        1,
        1,
    )


def test_an_override_from_a_stale_copy_is_refused(appeal_deadline):
    deadline_actions.deadline_override(deadline=appeal_deadline, due_on=D(2019, 12, 20), reason="Served late")
    with pytest.raises(services.VersionConflict):
        deadline_actions.deadline_override(
            deadline=appeal_deadline, due_on=D(2019, 12, 30), reason="Other", expected_version=1
        )
    appeal_deadline.refresh_from_db()
    assert appeal_deadline.due_on == D(2019, 12, 20)


def test_filing_the_appeal_closes_the_deadline(appeal_deadline, city, lawyer):
    appeal = appeal_actions.appeal_file(
        case=appeal_deadline.case, ruling=appeal_deadline.ruling, court=city, filed_on=D(2019, 12, 5), actor=lawyer
    )
    appeal_deadline.refresh_from_db()
    assert (appeal_deadline.state, appeal_deadline.closed_by_appeal, appeal_deadline.state_reason) == (
        "met",
        appeal,
        "Appeal filed on 2019-12-05.",
    )
    assert appeal_deadline.history.first().history_change_reason == "Closed by the appeal"
    # a correction of the filing date to after the due date makes it late
    appeal_actions.appeal_update(appeal=appeal, filed_on=D(2019, 12, 12))
    appeal_deadline.refresh_from_db()
    assert appeal_deadline.state == "late"


def test_a_planned_appeal_does_not_close_it_and_a_deleted_one_reopens_it(appeal_deadline, city):
    planned = appeal_actions.appeal_file(
        case=appeal_deadline.case, ruling=appeal_deadline.ruling, court=city, status=Appeal.Status.PLANNED
    )
    appeal_deadline.refresh_from_db()
    assert appeal_deadline.state == "open"
    appeal_actions.appeal_update(appeal=planned, status=Appeal.Status.FILED, filed_on=D(2019, 12, 2))
    appeal_deadline.refresh_from_db()
    assert (appeal_deadline.state, appeal_deadline.closed_by_appeal_id) == ("met", planned.pk)
    appeal_actions.appeal_delete(appeal=planned)
    appeal_deadline.refresh_from_db()
    assert (appeal_deadline.state, appeal_deadline.closed_by_appeal_id, appeal_deadline.state_reason) == (
        "open",
        None,
        "",
    )


def test_an_appeal_of_another_kind_leaves_the_deadline_open(appeal_deadline):
    ecthr = CourtFactory(name="European Court of Human Rights", jurisdiction="echr", level="international")
    appeal_actions.appeal_file(
        case=appeal_deadline.case,
        ruling=appeal_deadline.ruling,
        court=ecthr,
        kind=Appeal.Kind.INTERNATIONAL,
        filed_on=D(2019, 12, 5),
    )
    appeal_deadline.refresh_from_db()
    assert appeal_deadline.state == "open"


def test_closing_without_filing_needs_a_reason(appeal_deadline, lawyer):
    with pytest.raises(ValidationError) as exc:
        deadline_actions.deadline_close(deadline=appeal_deadline, reason="")
    assert exc.value.message_dict == {"state_reason": ["Give the reason for closing the deadline."]}
    closed = deadline_actions.deadline_close(deadline=appeal_deadline, reason="Client will not appeal", actor=lawyer)
    assert (closed.state, closed.state_reason) == ("closed", "Client will not appeal")
    with pytest.raises(ValidationError) as exc:
        deadline_actions.deadline_close(deadline=closed, reason="Again")
    assert exc.value.message_dict == {
        "state": ["Only an open deadline can be closed; this one is closed without filing."]
    }


def test_bad_ruling_input_is_refused_and_computes_nothing(kas_case, district):
    with pytest.raises(ValidationError):
        ruling_actions.ruling_record(
            case=kas_case, court=district, decided_on=D(2019, 11, 6), final_form_on=D(2019, 11, 1), outcome="dismissed"
        )
    assert Deadline.objects.count() == 0


def test_correcting_the_courts_level_recomputes_its_rulings(kas_case):
    # given a ruling recorded at a court entered by mistake as first instance
    court = CourtFactory(name="Moscow City Court")
    ruling = ruling_actions.ruling_record(
        case=kas_case,
        court=court,
        decided_on=D(2020, 1, 15),
        final_form_on=D(2020, 1, 20),
        in_force=True,
        in_force_on=D(2020, 1, 15),
        outcome="dismissed",
    )
    assert [(d.rule_code, d.state) for d in Deadline.objects.filter(ruling=ruling)] == [("ru-kas-appeal", "open")]
    # when the court is corrected to an appeal court
    court_actions.court_update(court=court, level="appeal")
    # then the appeal deadline no longer applies; cassation and the ECtHR do
    assert sorted((d.rule_code, d.state, d.due_on) for d in Deadline.objects.filter(ruling=ruling)) == [
        ("echr-application", "open", D(2020, 7, 15)),
        ("ru-kas-appeal", "void", D(2020, 2, 20)),
        ("ru-kas-cassation", "open", D(2020, 7, 15)),
    ]


def test_a_ruling_moved_to_another_case_takes_its_deadlines_along(appeal_deadline):
    # given a ruling entered on the wrong case; when it is moved
    right_case = CaseFactory(organization=appeal_deadline.case.organization, proceeding=Case.Proceeding.ADMINISTRATIVE)
    ruling_actions.ruling_update(ruling=appeal_deadline.ruling, case=right_case)
    appeal_deadline.refresh_from_db()
    assert (appeal_deadline.case, appeal_deadline.rule_code, appeal_deadline.due_on) == (
        right_case,
        "ru-kas-appeal",
        D(2019, 12, 11),
    )
