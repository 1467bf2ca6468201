"""Deadlines in the sync feed: `deadline` items for members of the case's organization only
(even on a public case), an upsert on every compute, recompute, override and close, a tombstone
when the ruling or the case goes. Real committed transactions, as in test_feed.py."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from rest_framework.test import APIClient

from actions import appeals as appeal_actions
from actions import cases as case_actions
from actions import deadlines as deadline_actions
from actions import rulings as ruling_actions
from api.cases.serializers import ALL, DeadlineSerializer
from cases import services
from changes.models import Change
from deadlines.models import Deadline
from tests.api.conftest import client_with_token
from tests.changes.test_feed import _new_case, summary, sync
from tests.factories import CourtFactory

pytestmark = pytest.mark.django_db(transaction=True)
D = dt.date


def _record_ruling(case, **dates):
    return ruling_actions.ruling_record(
        case=case,
        court=CourtFactory(),
        decided_on=D(2020, 1, 24),
        outcome="dismissed",
        **dates,
    )


def test_a_member_gets_every_change_to_a_deadline_outsiders_nothing(org, member):
    # given a public case, synced by a member and by an anonymous client
    case = _new_case(org, public=True)
    member_client, public_client = client_with_token(member), APIClient()
    member_cursor, public_cursor = sync(member_client)["next"], sync(public_client)["next"]
    # when a ruling is recorded without its final-form date, then the date is entered, the due
    # date is overridden, and the deadline is closed
    ruling = _record_ruling(case)
    deadline = Deadline.objects.get(ruling=ruling)
    ruling_actions.ruling_update(ruling=ruling, final_form_on=D(2020, 1, 29))
    deadline = deadline_actions.deadline_override(
        deadline=deadline, due_on=D(2020, 3, 10), reason="Copy served on 10 February"
    )
    deadline_actions.deadline_close(deadline=deadline, reason="The client decided not to appeal")
    # then the member's feed carries the deadline as an upsert with its current state
    member_page = sync(member_client, member_cursor)
    items = {(item["type"], item["id"]): item for item in member_page["results"]}
    assert ("deadline", deadline.pk) in items
    item = items[("deadline", deadline.pk)]
    assert (item["op"], item["version"]) == ("upsert", 4)
    assert (item["data"]["due_on"], item["data"]["override_reason"], item["data"]["state"]) == (
        "2020-03-10",
        "Copy served on 10 February",
        "closed",
    )
    # one change row per write: computed, recomputed, overridden, closed
    assert Change.objects.filter(object_type="deadline", object_id=deadline.pk).count() == 4
    # and the public feed never mentions it, though it does carry the (public) ruling
    public_page = sync(public_client, public_cursor)
    assert [t for t, _, _ in summary(public_page)].count("deadline") == 0
    assert ("ruling", ruling.pk, "upsert") in summary(public_page)
    assert "Copy served" not in str(public_page)


def test_a_case_turning_private_or_public_does_not_show_deadlines_to_outsiders(org, member):
    case = _new_case(org, public=False)
    _record_ruling(case, final_form_on=D(2020, 1, 29))
    public_client = APIClient()
    cursor = sync(public_client)["next"]
    case_actions.case_update(case=case, is_public=True)
    assert "deadline" not in [t for t, _, _ in summary(sync(public_client, cursor))]
    assert "deadline" not in [t for t, _, _ in summary(sync(public_client))]


def test_deleting_the_ruling_or_the_case_sends_tombstones(org, member):
    case = _new_case(org)
    first = _record_ruling(case, final_form_on=D(2020, 1, 29))
    second = ruling_actions.ruling_record(
        case=case, court=CourtFactory(), decided_on=D(2020, 2, 3), final_form_on=D(2020, 2, 5), outcome="dismissed"
    )
    first_deadline, second_deadline = first.deadlines.get().pk, second.deadlines.get().pk
    first_id = first.pk
    client = client_with_token(member)
    cursor = sync(client)["next"]
    # when the first ruling is deleted
    services.ruling_delete(ruling=first)
    page = sync(client, cursor)
    assert sorted(summary(page)) == sorted([("ruling", first_id, "delete"), ("deadline", first_deadline, "delete")])
    # and when the whole case is deleted
    second_id, case_id = second.pk, case.pk
    services.case_delete(case=case)
    assert {(t, i, op) for t, i, op in summary(sync(client, page["next"]))} == {
        ("case", case_id, "delete"),
        ("ruling", second_id, "delete"),
        ("deadline", second_deadline, "delete"),
    }


def test_filing_the_appeal_is_an_upsert_of_the_deadline_it_closes(org, member):
    case = _new_case(org)
    ruling = _record_ruling(case, final_form_on=D(2020, 1, 29))
    deadline = ruling.deadlines.get()
    client = client_with_token(member)
    cursor = sync(client)["next"]
    appeal = appeal_actions.appeal_file(
        case=case,
        ruling=ruling,
        court=CourtFactory(level="appeal"),
        kind="appeal",
        status="filed",
        filed_on=D(2020, 2, 20),
    )
    page = sync(client, cursor)
    item = next(i for i in page["results"] if i["type"] == "deadline")
    assert (item["id"], item["data"]["state"], item["data"]["closed_by_appeal"]) == (deadline.pk, "met", appeal.pk)
    # and deleting the appeal reopens it, as another upsert
    appeal_actions.appeal_delete(appeal=appeal)
    item = next(i for i in sync(client, page["next"])["results"] if i["type"] == "deadline")
    assert (item["op"], item["data"]["state"], item["data"]["closed_by_appeal"]) == ("upsert", "open", None)


def test_deadline_items_read_in_the_requests_language_equal_the_serializers(org, member):
    # given a deadline (its steps are read in the reader's language, so PostgreSQL cannot make
    # its JSON: the feed's JSON path renders it with the serializer)
    ruling = _record_ruling(_new_case(org), final_form_on=D(2020, 1, 29))
    deadline = Deadline.objects.get(ruling=ruling)
    client = client_with_token(member)
    sync(client)  # until the feed's horizon has passed the deadline's transaction
    # when the member reads the feed in Russian and in English
    pages = {
        language: client.get("/api/v1/changes/?limit=500", HTTP_ACCEPT_LANGUAGE=language) for language in ("ru", "en")
    }
    # then each gets the deadline in its language, exactly as the serializer gives it
    for language, response in pages.items():
        assert response["Content-Type"] == "application/json"
        item = next(i for i in response.json()["results"] if i["type"] == "deadline")
        with translation.override(language):
            expected = json.loads(json.dumps(DeadlineSerializer(deadline, context={"member_organizations": ALL}).data))
        assert item["data"] == expected
    russian = next(i for i in pages["ru"].json()["results"] if i["type"] == "deadline")["data"]["explanation"]
    assert russian[-1] == "Срок истекает 2020-03-02."


def test_feed_query_count_with_deadlines_is_constant(org, member):
    for n in range(4):
        _record_ruling(_new_case(org, title=f"Case {n}"), final_form_on=D(2020, 1, 29))
    client = client_with_token(member)
    sync(client)  # every row below the horizon
    # the pruned point, the change rows (their audience reads the memberships in a subquery), then
    # one read per type in the page: never per row (the token's own lookup was made, and is
    # remembered, since sync(): apitokens/cache.py)
    for limit in (4, 16):
        with CaptureQueriesContext(connection) as queries:
            body = client.get(f"/api/v1/changes/?limit={limit}").json()
        types = {item["type"] for item in body["results"]}
        assert "deadline" in types and len(body["results"]) >= limit - 4  # a record's repeats are folded
        assert len(queries.captured_queries) == 2 + len(types), (limit, types)
