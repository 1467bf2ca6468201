"""Each rule of the domain, given bad input: a clear error on the right field, nothing written."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from actions import appeals as appeal_actions
from actions import cases as case_actions
from actions import courts as court_actions
from actions import hearings as hearing_actions
from actions import rulings as ruling_actions
from cases import services
from cases.models import Appeal, Case, Docket, Hearing, Party, Ruling
from tests.factories import AppealFactory, CaseFactory, CourtFactory, HearingFactory, RulingFactory

pytestmark = pytest.mark.django_db
MOSCOW = ZoneInfo("Europe/Moscow")


def error_fields(exc: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_appeal_against_a_ruling_of_another_case_is_refused(appeal_court):
    # given a ruling in one case and another case
    ruling = RulingFactory()
    other_case = CaseFactory()
    # when an appeal in the other case challenges it
    with pytest.raises(ValidationError) as exc:
        appeal_actions.appeal_file(case=other_case, ruling=ruling, court=appeal_court, filed_on=dt.date(2019, 12, 1))
    # then
    assert error_fields(exc) == {"ruling": ["An appeal challenges a ruling of the same case."]}
    assert Appeal.objects.count() == 0


def test_appeal_to_the_court_that_gave_the_ruling_is_refused():
    ruling = RulingFactory()
    with pytest.raises(ValidationError) as exc:
        appeal_actions.appeal_file(case=ruling.case, ruling=ruling, court=ruling.court, filed_on=dt.date(2019, 12, 1))
    assert error_fields(exc) == {"court": ["An appeal goes to a different court from the one that gave the ruling."]}
    assert Appeal.objects.count() == 0


def test_appeal_filed_before_the_ruling_it_challenges_is_refused(appeal_court):
    ruling = RulingFactory(decided_on=dt.date(2019, 11, 6))
    with pytest.raises(ValidationError) as exc:
        appeal_actions.appeal_file(case=ruling.case, ruling=ruling, court=appeal_court, filed_on=dt.date(2019, 11, 5))
    assert error_fields(exc) == {
        "filed_on": ["The ruling challenged is of 2019-11-06; an appeal cannot be filed before it."]
    }
    assert Appeal.objects.count() == 0


def test_ruling_before_the_case_was_filed_is_refused(court):
    case = CaseFactory(filed_on=dt.date(2019, 10, 2))
    with pytest.raises(ValidationError) as exc:
        ruling_actions.ruling_record(case=case, court=court, decided_on=dt.date(2019, 10, 1), outcome="dismissed")
    assert error_fields(exc) == {"decided_on": ["The case was filed on 2019-10-02; nothing is decided before that."]}
    assert Ruling.objects.count() == 0
    case.refresh_from_db()
    assert case.status == Case.Status.FILED


def test_moving_the_filing_date_after_an_existing_ruling_is_refused():
    ruling = RulingFactory(decided_on=dt.date(2019, 11, 6))
    case = ruling.case
    with pytest.raises(ValidationError) as exc:
        case_actions.case_update(case=case, filed_on=dt.date(2019, 11, 7))
    assert error_fields(exc) == {
        "filed_on": ["The case has a ruling of 2019-11-06; it cannot have been filed after it."]
    }
    case.refresh_from_db()
    assert case.filed_on == dt.date(2019, 10, 2)
    assert case.version == 1


def test_docket_numbers_are_unique_per_court(court):
    first, second = CaseFactory(), CaseFactory()
    services.docket_set(case=first, court=court, number="2a-123/2019")
    with pytest.raises(ValidationError) as exc:
        services.docket_set(case=second, court=court, number="2a-123/2019")
    assert error_fields(exc) == {"__all__": ["This docket number is already used at this court."]}
    assert list(Docket.objects.values_list("case_id", flat=True)) == [first.pk]
    # the same number at another court is fine
    services.docket_set(case=second, court=CourtFactory(), number="2a-123/2019")
    assert Docket.objects.count() == 2


def test_a_cancelled_hearing_has_no_outcome():
    hearing = HearingFactory()
    with pytest.raises(ValidationError) as exc:
        hearing_actions.hearing_update(
            hearing=hearing, status=Hearing.Status.CANCELLED, outcome_notes="Claim dismissed"
        )
    assert error_fields(exc) == {"__all__": ["A cancelled hearing has no outcome."]}
    hearing.refresh_from_db()
    assert (hearing.status, hearing.outcome_notes, hearing.version) == ("scheduled", "", 1)


def test_the_database_itself_refuses_a_cancelled_hearing_with_an_outcome():
    hearing = HearingFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Hearing.objects.filter(pk=hearing.pk).update(status="cancelled", outcome_notes="held after all")


def test_the_database_refuses_a_duplicate_docket(court):
    Docket.objects.create(case=CaseFactory(), court=court, number="1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Docket.objects.create(case=CaseFactory(), court=court, number="1")


def test_a_party_without_consent_needs_an_alias(case):
    with pytest.raises(ValidationError) as exc:
        services.party_add(case=case, role=Party.Role.PLAINTIFF, name="Ivan Petrov", consent_to_publish=False)
    assert error_fields(exc) == {"__all__": ["A party who has not consented to publication needs an alias."]}
    assert Party.objects.count() == 0
    party = services.party_add(
        case=case, role=Party.Role.PLAINTIFF, name="Ivan Petrov", alias="Plaintiff P.", consent_to_publish=False
    )
    assert party.public_name == "Plaintiff P."


def test_a_representative_of_a_party_of_another_case_is_refused(case):
    other_party = services.party_add(case=CaseFactory(), role="plaintiff", name="A", consent_to_publish=True)
    with pytest.raises(ValidationError) as exc:
        services.party_add(case=case, role="representative", name="B", consent_to_publish=True, represents=other_party)
    assert error_fields(exc) == {"represents": ["A representative represents a party of the same case."]}


def test_the_case_lifecycle_refuses_a_jump(db):
    case = CaseFactory(status=Case.Status.PREPARING, filed_on=None)
    with pytest.raises(ValidationError) as exc:
        case_actions.case_update(case=case, status=Case.Status.DECIDED)
    assert error_fields(exc) == {"status": ["A case cannot go from preparing to decided."]}
    case.refresh_from_db()
    assert case.status == "preparing"


def test_a_closed_case_needs_an_outcome(case):
    with pytest.raises(ValidationError) as exc:
        case_actions.case_update(case=case, status=Case.Status.CLOSED)
    assert error_fields(exc) == {"__all__": ["A closed case needs an outcome, and only a closed case has one."]}


def test_a_ruling_with_appeals_cannot_be_deleted():
    appeal = AppealFactory()
    with pytest.raises(ValidationError) as exc:
        services.ruling_delete(ruling=appeal.ruling)
    assert exc.value.messages == ["Ruling is still referred to by: appeals. Remove those first."]
    assert Ruling.objects.filter(pk=appeal.ruling_id).exists()


def test_the_deciding_ruling_must_come_from_the_court_appealed_to():
    appeal = AppealFactory()
    wrong = RulingFactory(case=appeal.case, court=appeal.ruling.court, decided_on=dt.date(2020, 1, 10))
    with pytest.raises(ValidationError) as exc:
        appeal_actions.appeal_decide(appeal=appeal, ruling=wrong)
    assert error_fields(exc) == {"decided_by": ["The deciding ruling is one of the court appealed to."]}
    appeal.refresh_from_db()
    assert (appeal.status, appeal.decided_by_id) == ("filed", None)


def test_a_court_hierarchy_cannot_loop():
    top = CourtFactory()
    middle = CourtFactory(appeals_to=top)
    with pytest.raises(ValidationError) as exc:
        court_actions.court_update(court=top, appeals_to=middle)
    assert error_fields(exc) == {"appeals_to": ["This would make the court hierarchy a loop."]}
    top.refresh_from_db()
    assert top.appeals_to_id is None


def test_a_naive_hearing_time_is_refused(case, court):
    with pytest.raises(ValidationError) as exc:
        hearing_actions.hearing_schedule(case=case, court=court, starts_at=dt.datetime(2030, 1, 1, 10, 0))  # noqa: DTZ001
    assert error_fields(exc) == {"starts_at": ["Give the time with its time zone (the court's zone)."]}
    assert Hearing.objects.count() == 0


def test_an_unknown_field_is_refused(case):
    with pytest.raises(ValidationError) as exc:
        case_actions.case_update(case=case, version=99)
    assert error_fields(exc) == {"version": ["This field cannot be changed here."]}
