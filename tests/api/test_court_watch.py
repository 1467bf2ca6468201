"""/api/v1/court-watches/ and /api/v1/court-updates/: a lawyer points a docket at its card, reads
the proposals, applies or dismisses them; viewers read only (403 on every write, nothing
changed), another organization finds nothing (404), bad input is a 400 naming the field."""

import datetime as dt

import pytest
import time_machine

from cases import services as case_services
from cases.models import Hearing
from courtwatch.models import CourtUpdate, CourtWatch
from courtwatch.proposals import updates_propose
from tests.api.conftest import client_with_token
from tests.courtwatch.readings import (
    MOS_GORSUD,
    MOS_GORSUD_POSTPONED,
    MOS_GORSUD_URL,
    MOSCOW,
    SUDRF_URL,
    court_in,
)
from tests.factories import CaseFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
UTC = dt.UTC
NOVEMBER = dt.datetime(2026, 11, 5, 9, 0, tzinfo=UTC)
WATCHES = "/api/v1/court-watches/"
UPDATES = "/api/v1/court-updates/"


@pytest.fixture(autouse=True)
def november():
    with time_machine.travel(NOVEMBER, tick=False):
        yield NOVEMBER


@pytest.fixture
def court(db):
    return court_in(MOSCOW, "Savyolovsky District Court")


@pytest.fixture
def docket(case, court):
    # `case` is public: its watch is still for its organization's members alone
    return case_services.docket_set(case=case, court=court, number="02а-0911/2026")


@pytest.fixture
def watch(docket):
    return CourtWatch.objects.create(docket=docket, url=MOS_GORSUD_URL, next_check_at=NOVEMBER)


@pytest.fixture
def viewer_api(viewer):
    return client_with_token(viewer)


@pytest.fixture
def other_lawyer_api():
    organization_b = CaseFactory().organization
    user = MembershipFactory(organization=organization_b, role="lawyer", user=UserFactory(username="b-lawyer")).user
    return client_with_token(user)


@pytest.fixture
def proposals(watch):
    return updates_propose(watch=watch, reading=MOS_GORSUD)


def test_a_lawyer_points_a_docket_at_its_card(lawyer_api, case, court, docket):
    response = lawyer_api.post(
        WATCHES, {"case": case.pk, "court": court.pk, "url": MOS_GORSUD_URL, "auto_apply": True}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    watch = CourtWatch.objects.get()
    assert body == {
        "id": watch.pk,
        "case": case.pk,
        "court": court.pk,
        "docket": docket.pk,
        "docket_number": "02а-0911/2026",
        "url": MOS_GORSUD_URL,
        "auto_apply": True,
        "paused": False,
        "last_checked_at": None,
        "last_success_at": None,
        "last_problem": None,
        "failures_in_a_row": 0,
        "next_check_at": "2026-11-05T09:00:00Z",
        "version": 1,
        "created_at": "2026-11-05T09:00:00Z",
        "updated_at": "2026-11-05T09:00:00Z",
    }
    assert response["ETag"].startswith('"v1-')
    assert lawyer_api.get(f"{WATCHES}{watch.pk}/").json() == body
    assert lawyer_api.get(WATCHES, {"case": case.pk}).json()["results"] == [body]


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"url": "https://example.org/card"}, {"url"}),
        ({"url": "not a url"}, {"url"}),
        ({"url": ""}, {"url"}),
        ({"case": 999999}, {"case"}),
        ({"case": "abc"}, {"case"}),
        ({"court": 999999}, {"court"}),
        ({"court": [1]}, {"court"}),
        ({"case": None}, {"case"}),
    ],
)
def test_bad_input_is_a_400_naming_the_field(lawyer_api, case, court, docket, change, fields):
    body = {"case": case.pk, "court": court.pk, "url": MOS_GORSUD_URL, **change}
    response = lawyer_api.post(WATCHES, body, format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()["error"]["fields"]) == fields
    assert CourtWatch.objects.count() == 0


def test_a_court_without_the_cases_docket_or_a_docket_watched_already_is_a_400(lawyer_api, case, court, watch):
    elsewhere = court_in(MOSCOW, "Tverskoy District Court")
    response = lawyer_api.post(WATCHES, {"case": case.pk, "court": elsewhere.pk, "url": SUDRF_URL}, format="json")
    assert (response.status_code, response.json()["error"]["fields"]) == (
        400,
        {"court": ["The case has no docket number at this court: add the docket number first."]},
    )
    response = lawyer_api.post(WATCHES, {"case": case.pk, "court": court.pk, "url": SUDRF_URL}, format="json")
    assert (response.status_code, response.json()["error"]["fields"]) == (
        400,
        {"court": ["This docket's card is watched already: change that watch instead."]},
    )


def test_another_organizations_case_is_no_case_to_watch(other_lawyer_api, case, court, docket):
    response = other_lawyer_api.post(WATCHES, {"case": case.pk, "court": court.pk, "url": SUDRF_URL}, format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["case"]
    assert CourtWatch.objects.count() == 0


def test_a_lawyer_changes_pauses_checks_and_removes_a_watch(lawyer_api, watch):
    url = f"{WATCHES}{watch.pk}/"
    response = lawyer_api.patch(url, {"url": "https://example.org/x"}, format="json")
    assert (response.status_code, list(response.json()["error"]["fields"])) == (400, ["url"])
    response = lawyer_api.patch(url, {"paused": True}, format="json", HTTP_IF_MATCH='"v1"')
    assert (response.status_code, response.json()["paused"], response.json()["version"]) == (200, True, 2)
    stale = lawyer_api.patch(url, {"paused": False}, format="json", HTTP_IF_MATCH='"v1"')
    assert stale.status_code == 412
    refused = lawyer_api.post(f"{url}check/")
    assert (refused.status_code, refused.json()["error"]["fields"]) == (
        400,
        {"non_field_errors": ["The watch is paused: resume it to read the card."]},
    )
    assert lawyer_api.patch(url, {"paused": False}, format="json").status_code == 200
    CourtWatch.objects.filter(pk=watch.pk).update(next_check_at=NOVEMBER + dt.timedelta(hours=6))
    checked = lawyer_api.post(f"{url}check/")
    assert (checked.status_code, checked.json()["next_check_at"]) == (200, "2026-11-05T09:00:00Z")
    assert lawyer_api.delete(url).status_code == 204
    assert CourtWatch.objects.count() == 0


def test_the_state_says_the_last_problem_in_words(lawyer_api, watch):
    CourtWatch.objects.filter(pk=watch.pk).update(
        last_checked_at=NOVEMBER, last_problem="http", last_problem_detail="HTTP 503", failures_in_a_row=2
    )
    body = lawyer_api.get(f"{WATCHES}{watch.pk}/").json()
    assert (body["last_checked_at"], body["failures_in_a_row"], body["last_problem"]) == (
        "2026-11-05T09:00:00Z",
        2,
        {"code": "http", "message": "The court's site answered with an error (HTTP 503)", "detail": "HTTP 503"},
    )
    in_russian = lawyer_api.get(f"{WATCHES}{watch.pk}/", HTTP_ACCEPT_LANGUAGE="ru").json()["last_problem"]
    assert in_russian["message"] == "Сайт суда ответил ошибкой (HTTP 503)"


def test_a_viewer_reads_but_cannot_write_and_nothing_changes(viewer_api, case, court, docket, watch, proposals):
    assert viewer_api.get(WATCHES).json()["results"][0]["id"] == watch.pk
    assert [u["id"] for u in viewer_api.get(UPDATES, {"case": case.pk}).json()["results"]] == [
        proposals[1].pk,
        proposals[0].pk,
    ]
    watch_url = f"{WATCHES}{watch.pk}/"
    writes = [
        viewer_api.post(WATCHES, {"case": case.pk, "court": court.pk, "url": SUDRF_URL}, format="json"),
        viewer_api.patch(watch_url, {"paused": True}, format="json"),
        viewer_api.post(f"{watch_url}check/"),
        viewer_api.delete(watch_url),
        viewer_api.post(f"{UPDATES}{proposals[1].pk}/apply/"),
        viewer_api.post(f"{UPDATES}{proposals[1].pk}/dismiss/"),
    ]
    assert [r.status_code for r in writes] == [403] * 6
    assert writes[0].json()["error"]["code"] == "permission_denied"
    watch.refresh_from_db()
    assert (watch.paused, watch.version, watch.next_check_at, CourtWatch.objects.count()) == (False, 1, NOVEMBER, 1)
    assert set(CourtUpdate.objects.values_list("state", flat=True)) == {"proposed"}
    assert Hearing.objects.count() == 0


def test_another_organization_finds_nothing(other_lawyer_api, api, watch, proposals):
    watch_url, update_url = f"{WATCHES}{watch.pk}/", f"{UPDATES}{proposals[0].pk}/"
    assert other_lawyer_api.get(WATCHES).json()["results"] == []
    assert other_lawyer_api.get(UPDATES).json()["results"] == []
    answers = [
        other_lawyer_api.get(watch_url),
        other_lawyer_api.patch(watch_url, {"paused": True}, format="json"),
        other_lawyer_api.delete(watch_url),
        other_lawyer_api.post(f"{watch_url}check/"),
        other_lawyer_api.get(update_url),
        other_lawyer_api.post(f"{update_url}apply/"),
        other_lawyer_api.post(f"{update_url}dismiss/"),
    ]
    assert [r.status_code for r in answers] == [404] * 7
    assert [api.get(WATCHES).status_code, api.get(UPDATES).status_code, api.get(watch_url).status_code] == [401] * 3
    assert (CourtWatch.objects.get().paused, set(CourtUpdate.objects.values_list("state", flat=True))) == (
        False,
        {"proposed"},
    )


def test_a_lawyer_applies_and_dismisses_proposals(lawyer_api, lawyer, case, watch, proposals):
    held, upcoming = proposals
    response = lawyer_api.post(f"{UPDATES}{upcoming.pk}/apply/")
    assert response.status_code == 200, response.content
    hearing = Hearing.objects.get()
    assert response.json() == {
        "id": upcoming.pk,
        "watch": watch.pk,
        "case": case.pk,
        "hearing": hearing.pk,
        "kind": "new",
        "state": "applied",
        "proposed": {
            "event": "Судебное заседание",
            "starts_at": "2026-12-10T07:30:00+00:00",
            "time_to_be_confirmed": False,
            "courtroom": "410",
            "status": "scheduled",
            "outcome": "",
            "reason": "",
            "kind": "merits",
            "judge": "Лебедев К. А.",
        },
        "previous": None,
        "created_at": "2026-11-05T09:00:00Z",
        "decided_at": "2026-11-05T09:00:00Z",
        "decided_by": "lawyer",
        "automatic": False,
    }
    assert hearing.starts_at == dt.datetime(2026, 12, 10, 10, 30, tzinfo=MOSCOW)
    again = lawyer_api.post(f"{UPDATES}{upcoming.pk}/apply/")
    assert (again.status_code, again.json()["error"]["fields"]) == (
        400,
        {"non_field_errors": ["Only a proposed change can be accepted or dismissed; this one is applied."]},
    )
    dismissed = lawyer_api.post(f"{UPDATES}{held.pk}/dismiss/")
    assert (dismissed.status_code, dismissed.json()["state"], dismissed.json()["decided_by"]) == (
        200,
        "dismissed",
        "lawyer",
    )
    assert Hearing.objects.count() == 1
    assert [u["state"] for u in lawyer_api.get(UPDATES, {"case": case.pk, "state": "proposed"}).json()["results"]] == []


def test_a_hearing_changed_since_the_reading_is_a_409_and_nothing_changes(lawyer_api, lawyer, watch, proposals):
    from actions import hearings as hearing_actions
    from courtwatch.services import update_apply

    update_apply(update=proposals[1], actor=lawyer)
    (moved,) = updates_propose(watch=watch, reading=MOS_GORSUD_POSTPONED)
    hearing = Hearing.objects.get()
    hearing_actions.hearing_update(hearing=hearing, courtroom="411", actor=lawyer)
    response = lawyer_api.post(f"{UPDATES}{moved.pk}/apply/")
    assert response.status_code == 409
    assert response.json()["error"] == {
        "status": 409,
        "code": "conflict",
        "message": "The hearing was changed after the court's card was read (version 1 then, 2 now); nothing was "
        "changed. Check the hearing: the next reading of the card proposes again whatever still differs.",
    }
    hearing.refresh_from_db()
    assert (hearing.starts_at, hearing.courtroom, CourtUpdate.objects.get(pk=moved.pk).state) == (
        dt.datetime(2026, 12, 10, 10, 30, tzinfo=MOSCOW),
        "411",
        "proposed",
    )


@pytest.mark.parametrize("query", [{"case": "abc"}, {"case": ""}, {"case": "1.5"}, {"state": "open"}, {"cases": "1"}])
def test_bad_filters_are_a_400(lawyer_api, query):
    response = lawyer_api.get(UPDATES, query)
    assert (response.status_code, set(response.json()["error"]["fields"])) == (400, set(query))


def test_another_cases_proposals_are_not_in_the_case_filter(lawyer_api, case, proposals):
    other = CaseFactory(organization=case.organization)
    assert lawyer_api.get(UPDATES, {"case": other.pk}).json()["results"] == []
    assert len(lawyer_api.get(UPDATES, {"case": case.pk}).json()["results"]) == 2


@pytest.mark.parametrize("rows", [1, 6])
def test_list_and_detail_query_counts_are_constant(lawyer, case, rows, django_assert_num_queries):
    # one query each: the page, or the record, with what it shows joined in (the token with its
    # user and memberships is read on its first request, then remembered: tests/apitokens/test_cache.py)
    for number in range(rows):
        court = court_in(MOSCOW, f"District Court {number}")
        docket = case_services.docket_set(case=case, court=court, number=f"2-{number}/2026")
        watch = CourtWatch.objects.create(docket=docket, url=MOS_GORSUD_URL, next_check_at=NOVEMBER)
        updates_propose(watch=watch, reading=MOS_GORSUD)
    client = client_with_token(lawyer)
    assert client.get("/api/v1/courts/").status_code == 200
    for url in (WATCHES, UPDATES, f"{WATCHES}{watch.pk}/", f"{UPDATES}{CourtUpdate.objects.last().pk}/"):
        with django_assert_num_queries(1):
            assert client.get(url).status_code == 200
