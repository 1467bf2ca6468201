"""Closing a deadline without filing through the API (POST /api/v1/deadlines/<id>/close/): what
the case page's button does (tests/web/test_deadlines.py), for lawyers and owners of the case's
organization; a viewer is refused, anyone else finds no such deadline, and nothing changes."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from actions import deadlines as deadline_actions
from actions import rulings as ruling_actions
from deadlines.models import Deadline
from tests.api.conftest import client_with_token
from tests.changes.test_feed import sync
from tests.factories import CaseFactory, CourtFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
D = dt.date
REASON = "The client decided not to appeal"


@pytest.fixture
def deadline(case, lawyer):
    """The appeal deadline of a ruling reasoned on 29 January 2020: due on 2 March 2020, long overdue."""
    ruling = ruling_actions.ruling_record(
        case=case,
        court=CourtFactory(name="Tverskoy District Court"),
        decided_on=D(2020, 1, 24),
        final_form_on=D(2020, 1, 29),
        outcome="dismissed",
        actor=lawyer,
    )
    made = ruling.deadlines.get()
    assert (made.state, made.due_on, made.version) == ("open", D(2020, 3, 2), 1)
    return made


def close_url(deadline):
    return f"/api/v1/deadlines/{deadline.pk}/close/"


def overdue_on_dashboard(user):
    """The dashboard's overdue list, as the user sees it (tests/web/test_deadlines.py reads it the same way)."""
    browser = Client()
    browser.force_login(user)
    response = browser.get(reverse("web:dashboard"))
    assert response.status_code == 200
    return response.context["deadlines"].overdue


def unchanged(deadline):
    current = Deadline.objects.get(pk=deadline.pk)
    return (current.state, current.state_reason, current.version, current.history.count()) == ("open", "", 1, 1)


def test_a_lawyer_closes_a_deadline_and_gets_it_back_as_the_case_detail_shows_it(lawyer_api, lawyer, case, deadline):
    # given the overdue deadline on the lawyer's dashboard
    assert overdue_on_dashboard(lawyer) == [deadline]
    etag = lawyer_api.get(f"/api/v1/cases/{case.pk}/").json()["deadlines"][0]["version"]
    # when the lawyer closes it, with the reason and the version read
    response = lawyer_api.post(close_url(deadline), {"reason": REASON}, format="json", HTTP_IF_MATCH=f'"v{etag}"')
    # then it is closed with the reason kept, and answered as the case's detail now shows it
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["state"], body["state_reason"], body["version"]) == (deadline.pk, "closed", REASON, 2)
    assert body == next(
        d for d in lawyer_api.get(f"/api/v1/cases/{case.pk}/").json()["deadlines"] if d["id"] == deadline.pk
    )
    assert response["ETag"].startswith('"v2-')
    deadline.refresh_from_db()
    assert (deadline.state, deadline.state_reason, deadline.version) == ("closed", REASON, 2)
    assert [row.history_user for row in deadline.history.order_by("history_id")] == [lawyer, lawyer]
    assert deadline.history.order_by("history_id").last().history_change_reason == f"Closed: {REASON}"
    # and it has left the overdue list
    assert overdue_on_dashboard(lawyer) == []


def test_an_owner_may_close_without_if_match(case, deadline):
    owner = MembershipFactory(organization=case.organization, role="owner", user=UserFactory(username="owner")).user
    response = client_with_token(owner).post(close_url(deadline), {"reason": REASON}, format="json")
    assert response.status_code == 200
    assert Deadline.objects.values_list("state", "state_reason").get(pk=deadline.pk) == ("closed", REASON)


def test_a_viewer_is_refused_and_nothing_changes(viewer, deadline):
    response = client_with_token(viewer).post(close_url(deadline), {"reason": REASON}, format="json")
    assert response.status_code == 403
    assert response.json()["error"] == {
        "status": 403,
        "code": "permission_denied",
        "message": "Only the organization's lawyers and owners can change its cases.",
    }
    assert unchanged(deadline)


def test_a_read_only_token_is_refused_and_nothing_changes(lawyer, deadline):
    response = client_with_token(lawyer, read_only=True).post(close_url(deadline), {"reason": REASON}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert unchanged(deadline)


@pytest.mark.parametrize("who", ["outsider", "other organization's lawyer"])
def test_anyone_outside_the_organization_finds_no_such_deadline_and_nothing_changes(who, outsider, deadline):
    # even on a public case: deadlines are for members only (deadlines/selectors.py)
    assert deadline.case.is_public
    user = outsider
    if who == "other organization's lawyer":
        user = MembershipFactory(organization=CaseFactory().organization, role="lawyer").user
    response = client_with_token(user).post(close_url(deadline), {"reason": REASON}, format="json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert unchanged(deadline)


def test_an_anonymous_caller_must_authenticate_and_nothing_changes(api, deadline):
    response = api.post(close_url(deadline), {"reason": REASON}, format="json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert unchanged(deadline)


def test_no_such_deadline_is_a_404(lawyer_api, deadline):
    response = lawyer_api.post(f"/api/v1/deadlines/{deadline.pk + 1000}/close/", {"reason": REASON}, format="json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"reason": ["This field is required."]}),
        ({"reason": ""}, {"reason": ["This field may not be blank."]}),
        ({"reason": "   "}, {"reason": ["This field may not be blank."]}),
        ({"reason": None}, {"reason": ["This field may not be null."]}),
        ({"reason": ["No appeal"]}, {"reason": ["Not a valid string."]}),
        ({"reason": "x" * 301}, {"reason": ["Ensure this field has no more than 300 characters."]}),
        (["No appeal"], {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}),
    ],
)
def test_a_missing_or_unusable_reason_is_a_400_naming_the_field(lawyer_api, deadline, body, fields):
    response = lawyer_api.post(close_url(deadline), body, format="json")
    assert response.status_code == 400
    assert response.json()["error"] == {
        "status": 400,
        "code": "invalid",
        "message": "The request has invalid fields; see `fields`.",
        "fields": fields,
    }
    assert unchanged(deadline)


def test_a_body_that_is_not_json_is_a_400(lawyer_api, deadline):
    response = lawyer_api.post(close_url(deadline), '{"reason": ', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"
    assert unchanged(deadline)


def test_the_messages_follow_the_clients_language(lawyer_api, deadline):
    response = lawyer_api.post(close_url(deadline), {"reason": ""}, format="json", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"reason": ["Это поле не может быть пустым."]}
    deadline_actions.deadline_close(deadline=deadline, reason="Earlier")
    response = lawyer_api.post(close_url(deadline), {"reason": REASON}, format="json", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "state": ["Закрыть можно только открытый срок; этот — закрыт без подачи."]
    }


def test_a_stale_if_match_is_a_412_and_nothing_changes(lawyer_api, lawyer, deadline):
    # given someone overrode the due date since the client read version 1
    deadline_actions.deadline_override(deadline=deadline, due_on=D(2020, 3, 10), reason="Served late", actor=lawyer)
    # when the client closes it with the version it read
    response = lawyer_api.post(
        close_url(deadline), {"reason": REASON}, format="json", HTTP_IF_MATCH='"v1-0123456789abcdef"'
    )
    # then it is refused, and the deadline stays open at version 2
    assert response.status_code == 412
    assert response.json()["error"]["code"] == "precondition_failed"
    assert Deadline.objects.values_list("state", "state_reason", "version").get(pk=deadline.pk) == ("open", "", 2)


def test_an_if_match_this_api_never_returned_is_a_412(lawyer_api, deadline):
    response = lawyer_api.post(close_url(deadline), {"reason": REASON}, format="json", HTTP_IF_MATCH="yesterday")
    assert response.status_code == 412
    assert unchanged(deadline)


@pytest.mark.parametrize("how", ["closed", "void"])
def test_a_deadline_that_is_not_open_cannot_be_closed(lawyer_api, deadline, how):
    if how == "closed":
        deadline_actions.deadline_close(deadline=deadline, reason="Earlier")
    else:
        Deadline.objects.filter(pk=deadline.pk).update(state=Deadline.State.VOID)
    before = Deadline.objects.values_list("state", "state_reason", "version").get(pk=deadline.pk)
    response = lawyer_api.post(close_url(deadline), {"reason": REASON}, format="json")
    assert response.status_code == 400
    label = {"closed": "closed without filing", "void": "no longer applies"}[how]
    assert response.json()["error"]["fields"] == {
        "state": [f"Only an open deadline can be closed; this one is {label}."]
    }
    assert Deadline.objects.values_list("state", "state_reason", "version").get(pk=deadline.pk) == before


def test_an_unknown_query_parameter_or_language_is_a_400(lawyer_api, deadline):
    assert lawyer_api.post(f"{close_url(deadline)}?force=1", {"reason": REASON}, format="json").status_code == 400
    assert lawyer_api.post(f"{close_url(deadline)}?lang=xx", {"reason": REASON}, format="json").status_code == 400
    assert unchanged(deadline)


def test_query_count(lawyer_api, deadline, django_assert_num_queries):
    # 1 the token with its user and memberships; 1 the deadline with its case. The write
    # (actions.deadlines.deadline_close), 22: its transaction (2: a savepoint in a test; BEGIN and
    # COMMIT in production, which the count does not see) and the service's savepoint (2); the row
    # locked (1); full_clean's 3 lookups (case, ruling, the rule unique per ruling) and 3 check
    # constraints, each in a savepoint (9); the update and its history row (2); the case read again
    # for the change-log entry, and the entry (2); the deadline's reminders, none left to cancel (1).
    with django_assert_num_queries(24):
        response = lawyer_api.post(close_url(deadline), {"reason": REASON}, format="json")
    assert response.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_sync_feed_carries_the_close_to_members(lawyer_api, deadline):
    # committed transactions: the feed reads only what is below the visibility horizon (tests/changes)
    cursor = sync(lawyer_api)["next"]
    assert lawyer_api.post(close_url(deadline), {"reason": REASON}, format="json").status_code == 200
    items = [item for item in sync(lawyer_api, cursor)["results"] if item["type"] == "deadline"]
    assert [(item["id"], item["op"], item["version"]) for item in items] == [(deadline.pk, "upsert", 2)]
    assert (items[0]["data"]["state"], items[0]["data"]["state_reason"]) == ("closed", REASON)
