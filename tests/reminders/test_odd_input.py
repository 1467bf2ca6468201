"""Long or odd input is a 400 with a message, and no text can break an .ics file."""

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework import serializers

from actions import cases as case_actions
from api.cases.serializers import TimeZoneField
from cases.models import Case
from reminders.calendar import hearings_calendar
from tests.api.conftest import client_with_token
from tests.factories import CaseFactory, CourtFactory, HearingFactory, MembershipFactory
from tests.reminders.test_feeds import calendar_text
from tracker.rate_limits import throttle_counts_reset

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts():
    throttle_counts_reset()
    yield
    throttle_counts_reset()


def test_a_five_thousand_character_time_zone_is_a_400_on_subscribe():
    CaseFactory(slug="popova", is_public=True)
    response = Client().post(
        "/api/v1/subscriptions/",
        {"case": "popova", "email": "ann@example.net", "time_zone": "Europe/" + "x" * 5000},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"time_zone": ["Ensure this field has no more than 64 characters."]}


@pytest.mark.parametrize("name", ["../../etc/passwd", "Europe/Moscow\x7f", "europe/moscow", "/usr/share/zoneinfo/UTC"])
def test_a_name_that_is_not_a_zone_is_refused_before_it_is_opened(name):
    CaseFactory(slug="popova", is_public=True)
    response = Client().post(
        "/api/v1/subscriptions/",
        {"case": "popova", "email": "ann@example.net", "time_zone": name},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["time_zone"][0].startswith("Unknown time zone")


def test_a_court_with_a_long_time_zone_is_refused_by_the_api_field():
    with pytest.raises(serializers.ValidationError) as refused:
        TimeZoneField(use_pytz=False).run_validation("A" * 5000)
    assert refused.value.detail == ["A valid timezone is required."]


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("title", "Popova v. Moscow\r\nBEGIN:VEVENT", "000D"),
        ("title", "Popova\x00", "0000"),
        ("title", "Popova\u2028v. Moscow", "2028"),
        ("summary", "Fine\nmulti-line\tsummary\x07", "0007"),
    ],
)
def test_control_characters_are_refused_with_a_message(field, value, code):
    case = CaseFactory(title="Popova v. Moscow")
    with pytest.raises(ValidationError) as refused:
        case_actions.case_update(case=case, **{field: value})
    assert refused.value.message_dict == {field: [f"Remove the control character U+{code} from this text."]}
    assert Case.objects.get(pk=case.pk).title == "Popova v. Moscow"


def test_a_multi_line_summary_and_right_to_left_names_are_kept():
    case = CaseFactory()
    case = case_actions.case_update(case=case, summary="One\nTwo\tthree", title="\u200fשלום v. Israel")
    assert (case.summary, case.title) == ("One\nTwo\tthree", "\u200fשלום v. Israel")


def test_the_api_answers_a_control_character_in_a_title_with_a_400():
    case = CaseFactory()
    lawyer = MembershipFactory(organization=case.organization, role="lawyer").user
    response = client_with_token(lawyer).patch(
        f"/api/v1/cases/{case.pk}/", {"title": "A\r\nB"}, format="json", HTTP_IF_MATCH="*"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"title_en": ["Remove the control character U+000D from this text."]}


def test_a_title_stored_with_cr_lf_still_makes_one_well_formed_calendar():
    # given a title written before the checks, with a line break and a fake event in it
    case = CaseFactory(slug="popova", is_public=True)
    HearingFactory(case=case, court=CourtFactory())
    evil = "Popova\r\nBEGIN:VEVENT\r\nSUMMARY:fake;x,y\\\x07"
    Case.objects.filter(pk=case.pk).update(title_en=evil)
    # when the public feed is read
    response = Client().get(reverse("reminders:case-feed", args=["popova"]), {"lang": "en"})
    # then it parses strictly as one calendar with one event, the texts intact but for the bell
    assert response.status_code == 200
    calendars = icalendar.Calendar.from_ical(response.content, multiple=True)
    assert len(calendars) == 1
    calendar = calendars[0]
    assert [component.name for component in calendar.subcomponents if component.name == "VEVENT"] == ["VEVENT"]
    expected = "Popova\nBEGIN:VEVENT\nSUMMARY:fake;x,y\\"
    assert calendar_text(calendar["X-WR-CALNAME"]) == expected
    event = calendar.walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == f"Merits hearing: {expected}"
    assert str(event["DESCRIPTION"]).startswith(expected + "\n")


def test_every_text_property_goes_through_the_escaping():
    case = CaseFactory(title="T")
    court = CourtFactory(name="Court;\r\nX-EVIL:1", address="Street, 1\x1b")
    hearing = HearingFactory(case=case, court=court, courtroom="4\n12", judge="J\x1b")
    calendar = icalendar.Calendar.from_ical(hearings_calendar([hearing], name="N\r\nX-EVIL:2", language="en"))
    event = calendar.walk("VEVENT")[0]
    assert "X-EVIL" not in calendar and "X-EVIL" not in event
    assert str(event["LOCATION"]) == "Court;\nX-EVIL:1, Street, 1, courtroom 4\n12"
    assert "Judge: J\n" in str(event["DESCRIPTION"])


def test_an_address_longer_than_the_column_is_a_form_error_not_a_500():
    CaseFactory(slug="popova", is_public=True)
    address = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".org"  # valid syntax, 310 characters
    response = Client().post(
        reverse("reminders:subscribe", args=["popova"]),
        {"email": address, "language": "en", "time_zone": "Europe/Moscow", "offsets_minutes": ["60"]},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["email"] == ["No more than 254 characters, please."]
