"""Who sees which deadlines, in which order (for the API, dashboard, dossier and reminders)."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from actions import cases as case_actions
from actions import deadlines as deadline_actions
from actions import rulings as ruling_actions
from cases.models import Case
from deadlines import selectors
from deadlines.models import Deadline
from tests.factories import CaseFactory, CourtFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def deadlines(case, lawyer):
    """A public civil case with three first-instance rulings: due 2019-12-11, 2020-01-09, unknown."""
    district = CourtFactory()
    made = {}
    for name, final_form_on in (("early", D(2019, 11, 11)), ("late", D(2019, 12, 7)), ("unknown", None)):
        ruling = ruling_actions.ruling_record(
            case=case,
            court=CourtFactory() if made else district,
            decided_on=D(2019, 11, 6),
            final_form_on=final_form_on,
            outcome="dismissed",
        )
        made[name] = Deadline.objects.get(ruling=ruling)
    return made


def test_members_see_open_deadlines_with_a_date_nearest_first(deadlines, lawyer, case):
    viewer = MembershipFactory(organization=case.organization, role="viewer").user
    for user in (lawyer, viewer):
        assert list(selectors.deadlines_upcoming(user=user, today=D(2019, 12, 1))) == [
            deadlines["early"],
            deadlines["late"],
        ]


def test_deadlines_stay_inside_the_organization_even_on_a_public_case(deadlines, case, outsider):
    assert case.is_public
    other_org_lawyer = MembershipFactory(role="lawyer").user
    for user in (outsider, other_org_lawyer, AnonymousUser(), None):
        assert list(selectors.deadlines_upcoming(user=user)) == []
        assert list(selectors.deadlines_undetermined(user=user)) == []
    superuser = UserFactory(username="root", is_superuser=True)
    assert selectors.deadlines_upcoming(user=superuser, today=D(2019, 12, 1)).count() == 2


def test_overdue_ones_come_first_unless_left_out(deadlines, lawyer):
    today = D(2019, 12, 20)
    assert list(selectors.deadlines_upcoming(user=lawyer, today=today)) == [deadlines["early"], deadlines["late"]]
    assert list(selectors.deadlines_upcoming(user=lawyer, today=today, include_overdue=False)) == [deadlines["late"]]
    assert deadlines["early"].is_overdue(today) is True
    assert deadlines["late"].is_overdue(today) is False
    assert list(selectors.deadlines_upcoming(user=lawyer, today=D(2019, 12, 1), until=D(2019, 12, 31))) == [
        deadlines["early"]
    ]


def test_closed_and_met_deadlines_are_not_upcoming(deadlines, lawyer):
    deadline_actions.deadline_close(deadline=deadlines["early"], reason="Client will not appeal")
    assert list(selectors.deadlines_upcoming(user=lawyer, today=D(2019, 12, 1))) == [deadlines["late"]]


def test_undetermined_deadlines_are_listed_for_the_lawyers_to_complete(deadlines, lawyer):
    assert list(selectors.deadlines_undetermined(user=lawyer)) == [deadlines["unknown"]]


def test_a_cases_deadlines_unknown_dates_last_and_void_ones_left_out(deadlines, case):
    assert list(selectors.deadlines_for_case(case=case)) == [
        deadlines["early"],
        deadlines["late"],
        deadlines["unknown"],
    ]
    case_actions.case_update(case=case, proceeding=Case.Proceeding.CRIMINAL)  # no rule runs: all void
    assert list(selectors.deadlines_for_case(case=case)) == []
    assert selectors.deadlines_for_case(case=case, include_void=True).count() == 3


def test_upcoming_reads_in_one_query(deadlines, lawyer, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = [
            (d.due_on, d.case.title, d.ruling.court.name, d.case.organization.name)
            for d in selectors.deadlines_upcoming(user=lawyer, today=D(2019, 12, 1))
        ]
    assert [row[0] for row in rows] == [D(2019, 12, 11), D(2020, 1, 9)]


def test_other_cases_are_not_mixed_in(deadlines, lawyer, case):
    other = CaseFactory(organization=case.organization)
    ruling_actions.ruling_record(
        case=other, court=CourtFactory(), decided_on=D(2019, 11, 6), final_form_on=D(2019, 11, 8), outcome="dismissed"
    )
    assert selectors.deadlines_upcoming(user=lawyer, today=D(2019, 12, 1)).count() == 3
    assert list(selectors.deadlines_upcoming(user=lawyer, today=D(2019, 12, 1), case=case)) == [
        deadlines["early"],
        deadlines["late"],
    ]


def test_a_cases_deadlines_for_a_given_user_only_if_a_member(deadlines, case, lawyer, outsider):
    assert selectors.deadlines_for_case(case=case, user=lawyer).count() == 3
    assert list(selectors.deadlines_for_case(case=case, user=outsider)) == []
    assert list(selectors.deadlines_for_case(case=case, user=AnonymousUser())) == []
