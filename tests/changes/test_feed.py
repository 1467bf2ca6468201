"""The sync feed on PostgreSQL with real, committed transactions (transaction=True: rows the
test's own open transaction wrote would sit above the visibility horizon)."""

import datetime as dt
import threading
import time

import pytest
import time_machine
from django.db import connection, transaction
from rest_framework.test import APIClient

from actions import cases as case_actions
from actions import hearings as hearing_actions
from cases import services
from changes.models import Change
from changes.services import change_log_prune
from tests.api.conftest import client_with_token
from tests.factories import CourtFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def feed(client, since=None, limit=100):
    url = f"/api/v1/changes/?limit={limit}" + (f"&since={since}" if since else "")
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()


_markers = iter(range(10**6))


def sync(client, since=None, limit=100):
    """Read the feed until it has caught up with everything committed so far, and return it as
    one page. The horizon is cluster-wide: other databases' transactions on this server (other
    test runs) may hold it back for a moment, so we write a public marker (a court) and read
    until it arrives; what came before it is exactly what the feed had to say."""
    marker = services.court_create(
        name=f"Marker court {next(_markers)}", jurisdiction="de", level="first_instance", time_zone="UTC"
    )
    results, deadline = [], time.monotonic() + 60
    while time.monotonic() < deadline:
        page = feed(client, since, limit)
        since = page["next"]
        for item in page["results"]:
            if (item["type"], item["id"]) == ("court", marker.pk):
                return {"results": results, "next": since}
            if item["type"] != "court" or not (item["data"] or {}).get("name", "").startswith("Marker court"):
                results.append(item)
        if not page["has_more"]:
            time.sleep(0.05)
    raise AssertionError("the feed did not catch up within 60 s")


def summary(page):
    return [(item["type"], item["id"], item["op"]) for item in page["results"]]


def _new_case(org, *, public=True, title="Popova v. Moscow"):
    return services.case_create(
        organization=org, title=title, is_public=public, status="filed", filed_on=dt.date(2019, 10, 2)
    )


def test_upserts_then_tombstones_in_commit_order(org):
    # given a case with a party and a hearing, written through the services
    case = _new_case(org)
    party = services.party_add(case=case, role="plaintiff", name="Alena Popova", consent_to_publish=True)
    court = services.court_create(
        name="Tverskoy District Court", jurisdiction="ru", level="first_instance", time_zone="Europe/Moscow"
    )
    hearing = hearing_actions.hearing_schedule(
        case=case, court=court, starts_at=dt.datetime(2019, 10, 21, 7, tzinfo=dt.UTC)
    )
    hearing_id = hearing.pk
    client = APIClient()
    # when an anonymous client syncs from scratch
    first = sync(client)
    # then it gets every record, with data, and a cursor
    assert summary(first) == [
        ("case", case.pk, "upsert"),
        ("party", party.pk, "upsert"),
        ("court", court.pk, "upsert"),
        ("hearing", hearing.pk, "upsert"),
    ]
    assert first["results"][1]["data"]["name"] == "Alena Popova"
    assert first["results"][0]["version"] == 1
    # and when the hearing is deleted, the next page is its tombstone
    services.hearing_delete(hearing=hearing)
    second = sync(client, first["next"])
    assert summary(second) == [("hearing", hearing_id, "delete")]
    assert second["results"][0]["data"] is None
    # and nothing more after that
    assert sync(client, second["next"])["results"] == []


def test_case_delete_sends_tombstones_for_everything_in_it(org):
    case = _new_case(org)
    party = services.party_add(case=case, role="plaintiff", name="A", consent_to_publish=True)
    start = sync(APIClient())["next"]
    party_id, case_id = party.pk, case.pk
    services.case_delete(case=case)
    assert sorted(summary(sync(APIClient(), start))) == sorted(
        [("party", party_id, "delete"), ("case", case_id, "delete")]
    )


def test_case_turning_private_is_a_delete_for_outsiders_only(org):
    # given a public case with a party, seen by an outsider and a member
    case = _new_case(org)
    party = services.party_add(case=case, role="plaintiff", name="A", consent_to_publish=True)
    member = MembershipFactory(organization=org, role="viewer", user=UserFactory(username="member")).user
    outsider_client, member_client = APIClient(), client_with_token(member)
    outsider_cursor, member_cursor = sync(outsider_client)["next"], sync(member_client)["next"]
    # when the case is made private
    case_actions.case_update(case=case, is_public=False)
    # then the outsider is told both records are gone, the member gets them updated
    outsider_page = sync(outsider_client, outsider_cursor)
    assert sorted(summary(outsider_page)) == sorted([("case", case.pk, "delete"), ("party", party.pk, "delete")])
    member_page = sync(member_client, member_cursor)
    assert sorted(summary(member_page)) == sorted([("case", case.pk, "upsert"), ("party", party.pk, "upsert")])
    # and later private edits never reach the outsider
    services.party_update(party=party, contact_email="a@example.org")
    assert sync(outsider_client, outsider_page["next"])["results"] == []


def test_member_feed_carries_private_fields_outsider_feed_never(org):
    case = _new_case(org)
    services.party_add(
        case=case, role="plaintiff", name="Real Name", alias="P.", consent_to_publish=False, contact_phone="+7 900"
    )
    member = MembershipFactory(organization=org, role="lawyer", user=UserFactory(username="m")).user
    member_party = sync(client_with_token(member))["results"][1]["data"]
    outsider_party = sync(APIClient())["results"][1]["data"]
    assert (member_party["name"], member_party["contact_phone"]) == ("Real Name", "+7 900")
    assert outsider_party["name"] == "P." and "contact_phone" not in outsider_party


def test_a_transaction_still_open_holds_back_rows_that_committed_after_it(org):
    """The race a naive `id > last_seen` feed loses: A starts writing, B writes and commits,
    the client reads, then A commits. Here the client sees neither until A commits."""
    a_wrote, a_may_commit = threading.Event(), threading.Event()
    created = {}

    def writer_a():
        try:
            with transaction.atomic():
                created["a"] = _new_case(org, title="A v. State")
                a_wrote.set()
                a_may_commit.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=writer_a)
    thread.start()
    assert a_wrote.wait(30)
    b = _new_case(org, title="B v. State")  # committed first, though its transaction started later
    client = APIClient()
    while_open = feed(client)
    a_may_commit.set()
    thread.join(30)
    after = sync(client, while_open["next"])
    assert while_open["results"] == []
    assert summary(after) == [("case", created["a"].pk, "upsert"), ("case", b.pk, "upsert")]


def test_bad_cursor_and_limit_are_400(org):
    client = APIClient()
    assert client.get("/api/v1/changes/?since=abc").json()["error"]["fields"] == {
        "since": ["This cursor was not issued by this feed; start again without one."]
    }
    assert client.get("/api/v1/changes/?limit=0").status_code == 400
    assert client.get("/api/v1/changes/?limt=5").status_code == 400


def test_cursor_older_than_retention_is_410(org):
    with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=dt.UTC)):
        old_cursor = sync(APIClient())["next"]
        case = _new_case(org)
        case_actions.case_update(case=case, title="Renamed")
    with time_machine.travel(dt.datetime(2026, 3, 1, tzinfo=dt.UTC)):
        # the superseded upsert of the case (the marker courts are each their latest row)
        assert change_log_prune(older_than=dt.timedelta(days=30)) == 1
        response = APIClient().get(f"/api/v1/changes/?since={old_cursor}")
    assert response.status_code == 410
    assert "sync again from the start" in response.json()["error"]["message"]
    # and a sync starting after the prune walks the pruned stretch page by page (one row a
    # page here, so its cursors sit below the pruned point) and still gets the case
    assert ("case", case.pk, "upsert") in summary(sync(APIClient(), limit=1))


def test_a_prune_during_a_sync_sends_that_reader_back_to_the_start(org):
    # given a reader half-way through its initial sync: it has seen a case's first version
    with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=dt.UTC)):
        case = _new_case(org)
        sync(APIClient())
        services.court_create(name="Later court", jurisdiction="de", level="first_instance", time_zone="UTC")
        first_page = feed(APIClient(), limit=1)
        assert summary(first_page) == [("case", case.pk, "upsert")]
        # when the case is deleted and, two months on, the prune drops its rows and tombstone
        services.case_delete(case=case)
    with time_machine.travel(dt.datetime(2026, 3, 1, tzinfo=dt.UTC)):
        assert change_log_prune(older_than=dt.timedelta(days=30)) >= 2
        # then that reader is told to start again (it would otherwise keep the deleted case)
        assert APIClient().get(f"/api/v1/changes/?since={first_page['next']}").status_code == 410


def test_feed_query_count_is_constant(org, django_assert_num_queries):
    court = CourtFactory()
    for n in range(6):
        case = _new_case(org, title=f"Case {n}")
        services.party_add(case=case, role="plaintiff", name="A", consent_to_publish=True)
        hearing_actions.hearing_schedule(case=case, court=court, starts_at=dt.datetime(2019, 10, 21, 7, tzinfo=dt.UTC))
    assert Change.objects.count() == 18
    client = APIClient()
    sync(client)  # wait until every row is below the horizon
    # the pruned point, the change rows, then one read per type in the page (a case's tags come with it)
    with django_assert_num_queries(5):
        assert len(client.get("/api/v1/changes/?limit=3").json()["results"]) == 3
    with django_assert_num_queries(5):
        assert len(client.get("/api/v1/changes/?limit=18").json()["results"]) == 18
