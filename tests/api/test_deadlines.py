"""Deadlines in a ruling's and a case's detail: members of the case's organization see them
(override reason included); everyone else gets an empty list, even on a public case."""

import datetime as dt

import pytest

from actions import courts as court_actions
from actions import deadlines as deadline_actions
from actions import rulings as ruling_actions
from tests.api.conftest import client_with_token
from tests.factories import CaseFactory, CourtFactory

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def ruling(case, lawyer):
    # a civil case (the factory's) decided by a Russian district court, reasoned on 29 January 2020
    assert case.is_public and case.proceeding == "civil"
    return ruling_actions.ruling_record(
        case=case,
        court=CourtFactory(name="Tverskoy District Court"),
        decided_on=D(2020, 1, 24),
        final_form_on=D(2020, 1, 29),
        outcome="dismissed",
        actor=lawyer,
    )


@pytest.fixture
def overridden(ruling, lawyer):
    deadline = ruling.deadlines.get()
    return deadline_actions.deadline_override(
        deadline=deadline, due_on=D(2020, 3, 10), reason="Copy served on 10 February", actor=lawyer
    )


def test_member_sees_the_rulings_deadlines_with_the_override(lawyer_api, ruling, overridden):
    body = lawyer_api.get(f"/api/v1/rulings/{ruling.pk}/").json()
    assert [
        (d["id"], d["rule_code"], d["computed_due_on"], d["override_due_on"], d["due_on"], d["override_reason"])
        for d in body["deadlines"]
    ] == [(overridden.pk, "ru-gpk-appeal", "2020-03-02", "2020-03-10", "2020-03-10", "Copy served on 10 February")]
    deadline = body["deadlines"][0]
    assert (deadline["case"], deadline["ruling"], deadline["state"], deadline["version"]) == (
        ruling.case_id,
        ruling.pk,
        "open",
        2,
    )
    assert deadline["explanation"][0] == "Trigger taken from the ruling's date of the decision in final form."


def test_the_explanation_is_in_the_requests_language(lawyer_api, ruling):
    english = lawyer_api.get(f"/api/v1/rulings/{ruling.pk}/").json()["deadlines"][0]["explanation"]
    russian = lawyer_api.get(f"/api/v1/rulings/{ruling.pk}/", HTTP_ACCEPT_LANGUAGE="ru").json()["deadlines"][0]
    assert english[-1] == "Due on 2020-03-02."
    assert russian["explanation"][-1] == "Срок истекает 2020-03-02."
    assert russian["explanation"][-2] == (
        "2020-02-29 — суббота; 2020-03-01 — воскресенье -> 2020-03-02, следующий рабочий день."
    )
    assert len(russian["explanation"]) == len(english)


def test_member_sees_the_cases_deadlines_but_not_void_ones(lawyer_api, case, ruling, overridden):
    # given a second ruling whose deadline no longer applies (its court became an appeal court)
    other = ruling_actions.ruling_record(
        case=case, court=CourtFactory(), decided_on=D(2020, 2, 3), final_form_on=D(2020, 2, 5), outcome="dismissed"
    )
    court_actions.court_update(court=other.court, level="appeal")
    other_deadline = other.deadlines.get(rule_code="ru-gpk-appeal")
    other_deadline.refresh_from_db()
    assert other_deadline.state == "void"
    # when a member reads the case
    body = lawyer_api.get(f"/api/v1/cases/{case.pk}/").json()
    # then the case's applicable deadlines are there, by due date; the void one is not
    assert overridden.pk in [d["id"] for d in body["deadlines"]]
    assert other_deadline.pk not in [d["id"] for d in body["deadlines"]]
    due_dates = [d["due_on"] for d in body["deadlines"]]
    assert due_dates == sorted(due_dates)


@pytest.mark.parametrize("who", ["anonymous", "outsider", "other organization's lawyer"])
def test_outsiders_get_no_deadlines_even_on_a_public_case(who, api, outsider, case, ruling, overridden):
    client = {
        "anonymous": api,
        "outsider": client_with_token(outsider),
        "other organization's lawyer": client_with_token(_lawyer_elsewhere()),
    }[who]
    ruling_body = client.get(f"/api/v1/rulings/{ruling.pk}/")
    case_body = client.get(f"/api/v1/cases/{case.pk}/")
    assert (ruling_body.status_code, case_body.status_code) == (200, 200)
    assert ruling_body.json()["deadlines"] == []
    assert case_body.json()["deadlines"] == []
    assert "Copy served" not in ruling_body.content.decode() + case_body.content.decode()
    assert "2020-03-10" not in ruling_body.content.decode() + case_body.content.decode()


def _lawyer_elsewhere():
    from tests.factories import MembershipFactory, UserFactory

    elsewhere = CaseFactory()
    return MembershipFactory(organization=elsewhere.organization, role="lawyer", user=UserFactory()).user


def test_the_etag_changes_for_a_member_when_a_deadline_moves(lawyer_api, ruling, lawyer):
    url = f"/api/v1/rulings/{ruling.pk}/"
    etag = lawyer_api.get(url)["ETag"]
    assert lawyer_api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    deadline_actions.deadline_override(
        deadline=ruling.deadlines.get(), due_on=D(2020, 3, 12), reason="Served late", actor=lawyer
    )
    assert lawyer_api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_the_rulings_list_carries_no_deadlines(lawyer_api, ruling):
    # lists and the feed carry the ruling alone (the feed has `deadline` items of its own)
    item = next(r for r in lawyer_api.get("/api/v1/rulings/").json()["results"] if r["id"] == ruling.pk)
    assert "deadlines" not in item
