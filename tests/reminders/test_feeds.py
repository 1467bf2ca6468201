"""iCalendar feeds: public per case, private per subscriber; UID stable, SEQUENCE rising."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine

from cases import services as case_services
from tests.factories import CaseFactory, CourtFactory, SubscriptionFactory

MSK = ZoneInfo("Europe/Moscow")
HEARING_AT = dt.datetime(2019, 10, 21, 10, 0, tzinfo=MSK)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_BASE_URL = "https://tracker.example.org"
    with time_machine.travel(dt.datetime(2019, 10, 1, tzinfo=dt.UTC), tick=False):
        yield


def events(response):
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    return {
        str(e["SUMMARY"]): (str(e["UID"]), int(e["SEQUENCE"]), e.decoded("DTSTART"), str(e["STATUS"]))
        for e in calendar.walk("VEVENT")
    }


def test_the_public_feed_keeps_the_uid_of_a_moved_hearing_and_raises_its_sequence(client):
    case = CaseFactory(title="Popova v. Moscow", slug="popova")
    hearing = case_services.hearing_schedule(case=case, court=CourtFactory(), starts_at=HEARING_AT, courtroom="412")
    response = client.get("/reminders/cases/popova/hearings.ics")
    first = events(response)
    assert b"BEGIN:VTIMEZONE\r\nTZID:Europe/Moscow\r\n" in response.content
    moved_to = dt.datetime(2019, 10, 28, 14, 0, tzinfo=MSK)
    case_services.hearing_reschedule(hearing=hearing, starts_at=moved_to)
    second = events(client.get("/reminders/cases/popova/hearings.ics"))
    uid = f"hearing-{hearing.pk}@tracker.example.org"
    summary = "Merits hearing: Popova v. Moscow"
    assert first == {summary: (uid, 0, HEARING_AT, "CONFIRMED")}
    assert second == {summary: (uid, 1, moved_to, "CONFIRMED")}


def test_a_cancelled_hearing_stays_in_the_feed_as_cancelled(client):
    case = CaseFactory(slug="popova")
    hearing = case_services.hearing_schedule(case=case, court=CourtFactory(), starts_at=HEARING_AT)
    case_services.hearing_cancel(hearing=hearing)
    ((uid, sequence, _, status),) = events(client.get("/reminders/cases/popova/hearings.ics")).values()
    assert (uid, sequence, status) == (f"hearing-{hearing.pk}@tracker.example.org", 1, "CANCELLED")


def test_a_private_case_has_no_public_feed(client, lawyer, case):
    case.is_public = False
    case.save()
    case_services.hearing_schedule(case=case, court=CourtFactory(), starts_at=HEARING_AT)
    client.force_login(lawyer)  # even for a member: a feed URL is shared, it never depends on who asks
    assert client.get(f"/reminders/cases/{case.slug}/hearings.ics").status_code == 404


def test_the_private_feed_has_the_cases_the_address_follows_and_nothing_else(client):
    followed, other, unconfirmed = (
        CaseFactory(title="Followed"),
        CaseFactory(title="Other"),
        CaseFactory(title="Pending"),
    )
    for case in (followed, other, unconfirmed):
        case_services.hearing_schedule(case=case, court=CourtFactory(), starts_at=HEARING_AT)
    mine = SubscriptionFactory(case=followed, email="ann@example.net")
    SubscriptionFactory(case=unconfirmed, email="ann@example.net", confirmed_at=None)
    SubscriptionFactory(case=other, email="bob@example.net")
    feed = events(client.get(f"/reminders/feed/{mine.feed_token}.ics"))
    assert list(feed) == ["Merits hearing: Followed"]
    assert client.get("/reminders/feed/not-a-token.ics").status_code == 404
