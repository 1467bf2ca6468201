import datetime as dt

import pytest
from rest_framework.test import APIClient

from apitokens.services import api_token_create
from cases.models import Case, Court, Hearing, Party
from tests.api.conftest import client_with_token
from tests.factories import CaseFactory, HearingFactory, PartyFactory, RulingFactory

pytestmark = pytest.mark.django_db


def test_anonymous_sees_public_cases_only(api, case):
    # given a public case and a private one of the same organization
    private = CaseFactory(organization=case.organization, is_public=False, title="Secret v. State")
    # when an anonymous client lists cases
    response = api.get("/api/v1/cases/")
    # then only the public case is listed, and the private one is a 404
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [case.pk]
    assert api.get(f"/api/v1/cases/{private.pk}/").status_code == 404


def test_member_sees_private_case_and_its_notes(lawyer_api, case):
    private = CaseFactory(organization=case.organization, is_public=False, notes="strategy: appeal")
    response = lawyer_api.get(f"/api/v1/cases/{private.pk}/")
    assert response.status_code == 200
    assert response.json()["notes"] == "strategy: appeal"


def test_outsider_never_sees_private_contact_details_or_unconsented_names(outsider_api, case):
    # given a party without consent, with an alias and contact details
    party = PartyFactory(
        case=case,
        name="Alena Real Name",
        alias="Plaintiff A.",
        consent_to_publish=False,
        contact_email="a@example.org",
        contact_phone="+7 900",
        notes="lives at ...",
    )
    case.notes = "private strategy"
    case.save()
    # when an outsider reads the case and the party
    detail = outsider_api.get(f"/api/v1/cases/{case.pk}/").json()
    party_json = outsider_api.get(f"/api/v1/parties/{party.pk}/").json()
    # then only the alias and public fields are shown
    body = str(detail) + str(party_json)
    for secret in ("Alena Real Name", "a@example.org", "+7 900", "lives at", "private strategy"):
        assert secret not in body
    assert party_json["name"] == "Plaintiff A."
    assert detail["parties"][0]["name"] == "Plaintiff A."
    assert "contact_email" not in party_json


def test_member_sees_contact_details(lawyer_api, case):
    party = PartyFactory(case=case, contact_email="a@example.org", alias="A.", consent_to_publish=False, name="Real")
    party_json = lawyer_api.get(f"/api/v1/parties/{party.pk}/").json()
    assert (party_json["name"], party_json["contact_email"]) == ("Real", "a@example.org")


def test_case_detail_shows_upcoming_hearings_latest_ruling_and_appeal_chain(api, case, court, appeal_court):
    from tests.factories import AppealFactory

    ruling = RulingFactory(case=case, court=court)
    appeal = AppealFactory(case=case, ruling=ruling, court=appeal_court)
    upcoming = HearingFactory(case=case, court=court, starts_at=dt.datetime(2099, 1, 10, 9, tzinfo=dt.UTC))
    HearingFactory(case=case, court=court)  # in the past
    detail = api.get(f"/api/v1/cases/{case.pk}/").json()
    assert [h["id"] for h in detail["upcoming_hearings"]] == [upcoming.pk]
    assert detail["latest_ruling"]["id"] == ruling.pk
    assert [(step["ruling"]["id"], [a["id"] for a in step["appeals"]]) for step in detail["appeal_chain"]] == [
        (ruling.pk, [appeal.pk])
    ]
    assert detail["status"] == "filed"


def test_lawyer_creates_a_case_through_the_services(lawyer_api, case):
    response = lawyer_api.post(
        "/api/v1/cases/",
        {"organization": case.organization.slug, "title": "Ivanov v. Roskomnadzor", "tags": ["facial recognition"]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    created = Case.objects.get(pk=response.json()["id"])
    assert (created.slug, created.version, [t.slug for t in created.tags.all()]) == (
        "ivanov-v-roskomnadzor",
        1,
        ["facial-recognition"],
    )
    assert response["ETag"].startswith('"v1-')


def test_service_validation_errors_are_400_with_field_messages(lawyer_api, case):
    # a case cannot go from filed back to preparing (a rule in cases/services/)
    response = lawyer_api.patch(f"/api/v1/cases/{case.pk}/", {"status": "preparing"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "status": 400,
            "code": "invalid",
            "message": "The request has invalid fields; see `fields`.",
            "fields": {"status": ["A case cannot go from filed to preparing."]},
        }
    }
    case.refresh_from_db()
    assert (case.status, case.version) == ("filed", 1)


def test_naive_hearing_time_is_refused(lawyer_api, case, court):
    response = lawyer_api.post(
        "/api/v1/hearings/", {"case": case.pk, "court": court.pk, "starts_at": "2099-10-21T10:00:00"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["starts_at"]
    assert Hearing.objects.count() == 0


def test_viewer_cannot_write_and_nothing_changes(viewer, case):
    client = client_with_token(viewer)
    response = client.patch(f"/api/v1/cases/{case.pk}/", {"title": "Changed"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    case.refresh_from_db()
    assert (case.title, case.version) == (case.title, 1)
    assert Case.objects.get(pk=case.pk).title != "Changed"


def test_outsider_cannot_add_a_party_to_someone_elses_case(outsider_api, case):
    response = outsider_api.post(
        "/api/v1/parties/",
        {"case": case.pk, "role": "plaintiff", "name": "X", "consent_to_publish": True},
        format="json",
    )
    assert response.status_code == 403
    assert Party.objects.count() == 0


def test_read_only_token_never_writes(lawyer, case):
    client = client_with_token(lawyer, read_only=True)
    response = client.delete(f"/api/v1/cases/{case.pk}/")
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "This API token is read-only."
    assert Case.objects.filter(pk=case.pk).exists()


def test_anonymous_write_is_401(api, case):
    response = api.patch(f"/api/v1/cases/{case.pk}/", {"title": "X"}, format="json")
    assert response.status_code == 401
    assert Case.objects.get(pk=case.pk).version == 1


def test_etag_and_if_none_match_gives_304(api, case):
    first = api.get(f"/api/v1/cases/{case.pk}/")
    again = api.get(f"/api/v1/cases/{case.pk}/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert (again.status_code, again["ETag"]) == (304, first["ETag"])


def test_if_match_mismatch_is_412_and_changes_nothing(lawyer_api, case, court):
    # given two lawyers reading the same hearing
    hearing = HearingFactory(case=case, court=court, courtroom="1")
    etag = lawyer_api.get(f"/api/v1/hearings/{hearing.pk}/")["ETag"]
    # when the first saves a change
    first = lawyer_api.patch(f"/api/v1/hearings/{hearing.pk}/", {"courtroom": "2"}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200
    # then the second's change, based on the old copy, is refused
    second = lawyer_api.patch(f"/api/v1/hearings/{hearing.pk}/", {"courtroom": "3"}, format="json", HTTP_IF_MATCH=etag)
    assert second.status_code == 412
    assert second.json()["error"]["code"] == "precondition_failed"
    hearing.refresh_from_db()
    assert (hearing.courtroom, hearing.version) == ("2", 2)
    # and a delete with the old ETag is refused too
    assert lawyer_api.delete(f"/api/v1/hearings/{hearing.pk}/", HTTP_IF_MATCH=etag).status_code == 412
    assert Hearing.objects.filter(pk=hearing.pk).exists()


def test_unknown_query_parameter_is_400(api, case):
    response = api.get("/api/v1/cases/?stauts=filed")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["stauts"]


def test_filters(api, case, court):
    other = CaseFactory(title="Other v. Ministry", status="pending", summary="About face recognition cameras")
    HearingFactory(case=other, court=court, starts_at=dt.datetime(2099, 5, 1, 9, tzinfo=dt.UTC))
    PartyFactory(case=case, name="Hidden Name", alias="Applicant B.", consent_to_publish=False)

    def ids(query):
        response = api.get(f"/api/v1/cases/?{query}")
        assert response.status_code == 200, response.json()
        return sorted(item["id"] for item in response.json()["results"])

    assert ids("status=pending") == [other.pk]
    assert ids(f"court={court.pk}") == [other.pk]
    assert ids("jurisdiction=ru") == [other.pk]
    assert ids("hearing_after=2099-04-01T00:00:00Z&hearing_before=2099-06-01T00:00:00Z") == [other.pk]
    assert ids("q=face recognition") == [other.pk]
    assert ids("q=Applicant B") == [case.pk]
    assert ids("q=Hidden") == []  # a private name is not searchable
    assert ids(f"organization={case.organization.slug}") == [case.pk]
    assert api.get("/api/v1/cases/?status=nonsense").status_code == 400


def test_unknown_api_url_is_json_404(api):
    response = api.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_write_to_an_unknown_api_url_is_json_404_not_the_csrf_page(lawyer, method):
    # given a client with a valid token, checked for CSRF as a browser would be (a token client
    # sends no CSRF cookie: Django's CSRF page used to answer before the 404 could)
    _, raw = api_token_create(user=lawyer, name="test")
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    # when it writes to a path no endpoint serves
    response = getattr(client, method)("/api/v1/nothing-here/", {"title": "x"}, format="json")
    # then it gets the API's JSON error envelope with 404
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": {"status": 404, "code": "not_found", "message": "No API endpoint at /api/v1/nothing-here/."}
    }


def test_superuser_sees_private_cases(case):
    # regression: `Q(is_public=True) | Q()` dropped the superuser's "everything"
    from tests.factories import UserFactory

    private = CaseFactory(is_public=False)
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client = client_with_token(admin)
    assert client.get(f"/api/v1/cases/{private.pk}/").status_code == 200


def test_impossible_times_and_offsets_are_400_not_500(lawyer_api, case, court, api):
    # found by schemathesis: minute 99, and an offset PostgreSQL refuses (+22:52)
    response = lawyer_api.post(
        "/api/v1/hearings/", {"case": case.pk, "court": court.pk, "starts_at": "2024-01-01T12:99:00Z"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["starts_at"]
    assert api.get("/api/v1/hearings/?starts_before=2021-03-27T10:29:36%2B22:52").status_code == 200
    assert api.get("/api/v1/cases/?hearing_after=2021-03-27T10:29:36%2B22:52").status_code == 200


@pytest.mark.parametrize("time_zone", [".", "../etc/passwd", "Mars/Olympus_Mons"])
def test_a_time_zone_zoneinfo_refuses_is_400_and_no_court(time_zone):
    # found by schemathesis: "." made zoneinfo raise ValueError, answered with a 500
    from tests.factories import UserFactory

    staff = client_with_token(UserFactory(username="clerk", is_superuser=True, is_staff=True))
    response = staff.post(
        "/api/v1/courts/",
        {"name": "High Court", "jurisdiction": "gb-ew", "level": "appeal", "time_zone": time_zone},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"time_zone": ["A valid timezone is required."]}
    assert not Court.objects.filter(name="High Court").exists()
