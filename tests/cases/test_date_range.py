"""A date outside the years 1900-2200 is refused wherever it comes in (form, API, service, filter,
query string) with a message, and a value already stored outside Python's calendar no longer
makes the case unreadable."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from cases import services
from cases.models import Case, Hearing
from tests.api.conftest import client_with_token
from tests.factories import CaseFactory, CourtFactory, HearingFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")
RANGE_MESSAGE = "Enter a date between the years 1900 and 2200."


@pytest.fixture
def desk():
    court = CourtFactory(name="Southern District of New York", time_zone=NEW_YORK)
    case = CaseFactory(slug="doe-v-nypd", is_public=True)
    lawyer = MembershipFactory(organization=case.organization, role="lawyer", user=UserFactory(username="lawyer")).user
    return {"court": court, "case": case, "lawyer": lawyer}


@pytest.mark.parametrize(
    ("date", "time"),
    [
        ("9999-12-31", "23:30"),  # year 10000 in UTC at a court west of it
        ("0001-01-01", "00:30"),  # year 0 for a member west of UTC
        ("2201-01-01", "10:00"),
    ],
)
def test_the_hearing_form_refuses_dates_outside_the_years_next_to_the_field(client, desk, date, time):
    client.force_login(desk["lawyer"])
    data = {"court": desk["court"].pk, "date": date, "time": time, "kind": "merits", "duration_minutes": "60"}
    response = client.post(reverse("web:hearing_create", args=["doe-v-nypd"]), data)
    assert response.status_code == 400
    assert response.context["form"].errors == {"date": [RANGE_MESSAGE]}
    assert Hearing.objects.count() == 0


@pytest.mark.parametrize("starts_at", ["2201-01-01T10:00:00-05:00", "1899-12-31T10:00:00+03:00"])
def test_the_api_refuses_a_hearing_outside_the_years(desk, starts_at):
    api = client_with_token(desk["lawyer"])
    response = api.post(
        "/api/v1/hearings/",
        {"case": desk["case"].pk, "court": desk["court"].pk, "starts_at": starts_at, "kind": "merits"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"starts_at": [RANGE_MESSAGE]}


@pytest.mark.parametrize(
    ("service", "field", "value"),
    [
        ("case_update", "filed_on", dt.date(1812, 9, 7)),
        ("hearing_schedule", "starts_at", dt.datetime(9999, 12, 31, 23, 30, tzinfo=NEW_YORK)),
        ("case_event_add", "occurred_on", dt.date(2201, 1, 1)),
    ],
)
def test_the_services_refuse_them_whoever_calls(desk, service, field, value):
    kwargs = {"case": desk["case"], field: value}
    if service == "hearing_schedule":
        kwargs.update(court=desk["court"], kind="merits")
    if service == "case_event_add":
        kwargs.update(title="A fact")
    with pytest.raises(ValidationError) as refused:
        getattr(services, service)(**kwargs)
    assert refused.value.message_dict == {field: [RANGE_MESSAGE]}


@pytest.mark.parametrize(
    "query",
    [
        "/api/v1/hearings/?starts_after=9999-12-31T23:00-05:00",
        "/api/v1/hearings/?starts_before=0001-01-01T00:30%2B03:00",
        "/api/v1/cases/?hearing_after=9999-12-31T23:00-05:00",
        "/api/v1/cases/?updated_after=0001-01-01T00:00%2B05:00",
        "/api/v1/rulings/?decided_before=9999-12-31",
    ],
)
def test_filters_near_the_ends_of_the_calendar_are_a_400_with_a_message(desk, query):
    response = client_with_token(desk["lawyer"]).get(query)
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"].values()) == [[RANGE_MESSAGE]]


def test_the_dashboard_filter_near_the_end_is_a_400_with_the_form_message(client, desk):
    client.force_login(desk["lawyer"])
    response = client.get(reverse("web:dashboard"), {"date_to": "9999-12-31"})
    assert response.status_code == 400
    assert response.context["form"].errors == {"date_to": [RANGE_MESSAGE]}


def test_a_hearing_stored_in_year_10000_no_longer_makes_the_case_unreadable(desk):
    # given a hearing written before the checks (year 10000 in UTC, as 31.12.9999 23:30 in New York)
    hearing = HearingFactory(case=desk["case"], court=desk["court"])
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_hearing SET starts_at = '10000-01-01 04:30+00' WHERE id = %s", [hearing.pk])
    # then it reads as the last day every zone can show, and every page of the case opens
    assert Hearing.objects.get(pk=hearing.pk).starts_at == dt.datetime(9999, 12, 30, tzinfo=dt.UTC)
    member = Client()
    member.force_login(desk["lawyer"])
    api = client_with_token(desk["lawyer"])
    pages = [
        member.get(reverse("web:case_detail", args=["doe-v-nypd"])),
        member.get(reverse("web:dashboard")),
        Client().get(reverse("web:public_case", args=["doe-v-nypd"])),
        Client().get(reverse("reminders:case-feed", args=["doe-v-nypd"])),
        api.get(f"/api/v1/cases/{desk['case'].pk}/"),
        api.get(f"/api/v1/hearings/{hearing.pk}/"),
    ]
    assert [page.status_code for page in pages] == [200] * len(pages)
    # and the lawyer can delete the case through the API
    assert api.delete(f"/api/v1/cases/{desk['case'].pk}/").status_code == 204
    assert not Case.objects.filter(pk=desk["case"].pk).exists()


def test_a_date_stored_in_year_10000_reads_as_the_last_one_python_has(desk):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_case SET filed_on = '10000-01-01' WHERE id = %s", [desk["case"].pk])
    assert Case.objects.get(pk=desk["case"].pk).filed_on == dt.date(9999, 12, 30)


def test_the_command_lists_and_repairs_values_stored_outside_the_years(desk):
    hearing = HearingFactory(case=desk["case"], court=desk["court"])
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_hearing SET starts_at = '10000-01-01 04:30+00' WHERE id = %s", [hearing.pk])
        cursor.execute("UPDATE cases_case SET filed_on = '1812-09-07' WHERE id = %s", [desk["case"].pk])
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"^2 value\(s\) outside the years 1900-2200; run with --fix\.$"):
        call_command("dates_out_of_range", stdout=out)
    assert f"cases.Hearing #{hearing.pk} starts_at: 10000-01-01 04:30:00+00" in out.getvalue()
    assert f"cases.Case #{desk['case'].pk} filed_on: 1812-09-07" in out.getvalue()
    call_command("dates_out_of_range", "--fix", stdout=io.StringIO())
    assert Hearing.objects.get(pk=hearing.pk).starts_at == dt.datetime(2200, 12, 31, tzinfo=dt.UTC)
    assert Case.objects.get(pk=desk["case"].pk).filed_on == dt.date(1900, 1, 1)
    out = io.StringIO()
    call_command("dates_out_of_range", stdout=out)
    assert out.getvalue() == "No stored date outside the years 1900-2200.\n"
