"""iCalendar feeds: public per case, private per subscriber; UID stable, SEQUENCE rising."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine

from actions import hearings as hearing_actions
from tests.factories import CaseFactory, CourtFactory, SubscriptionFactory

MSK = ZoneInfo("Europe/Moscow")
HEARING_AT = dt.datetime(2019, 10, 21, 10, 0, tzinfo=MSK)

pytestmark = pytest.mark.django_db


def calendar_text(value: object) -> str:
    """An X- property's value unescaped as RFC 5545 TEXT (icalendar parses X- properties raw)."""
    raw = value.to_ical().decode() if hasattr(value, "to_ical") else str(value)
    return re.sub(r"\\([\\;,nN])", lambda match: "\n" if match.group(1) in "nN" else match.group(1), raw)


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
    hearing = hearing_actions.hearing_schedule(case=case, court=CourtFactory(), starts_at=HEARING_AT, courtroom="412")
    response = client.get("/reminders/cases/popova/hearings.ics")
    first = events(response)
    assert b"BEGIN:VTIMEZONE\r\nTZID:Europe/Moscow\r\n" in response.content
    moved_to = dt.datetime(2019, 10, 28, 14, 0, tzinfo=MSK)
    hearing_actions.hearing_reschedule(hearing=hearing, starts_at=moved_to)
    second = events(client.get("/reminders/cases/popova/hearings.ics"))
    uid = f"hearing-{hearing.pk}@tracker.example.org"
    summary = "Merits hearing: Popova v. Moscow"
    assert first == {summary: (uid, 0, HEARING_AT, "CONFIRMED")}
    assert second == {summary: (uid, 1, moved_to, "CONFIRMED")}


def test_a_cancelled_hearing_stays_in_the_feed_as_cancelled(client):
    case = CaseFactory(slug="popova")
    hearing = hearing_actions.hearing_schedule(case=case, court=CourtFactory(), starts_at=HEARING_AT)
    hearing_actions.hearing_cancel(hearing=hearing)
    ((uid, sequence, _, status),) = events(client.get("/reminders/cases/popova/hearings.ics")).values()
    assert (uid, sequence, status) == (f"hearing-{hearing.pk}@tracker.example.org", 1, "CANCELLED")


def test_a_private_case_has_no_public_feed(client, lawyer, case):
    case.is_public = False
    case.save()
    hearing_actions.hearing_schedule(case=case, court=CourtFactory(), starts_at=HEARING_AT)
    client.force_login(lawyer)  # even for a member: a feed URL is shared, it never depends on who asks
    assert client.get(f"/reminders/cases/{case.slug}/hearings.ics").status_code == 404


def test_the_private_feed_has_the_cases_the_address_follows_and_nothing_else(client):
    followed, other, unconfirmed = (
        CaseFactory(title="Followed"),
        CaseFactory(title="Other"),
        CaseFactory(title="Pending"),
    )
    for case in (followed, other, unconfirmed):
        hearing_actions.hearing_schedule(case=case, court=CourtFactory(), starts_at=HEARING_AT)
    mine = SubscriptionFactory(case=followed, email="ann@example.net")
    SubscriptionFactory(case=unconfirmed, email="ann@example.net", confirmed_at=None)
    SubscriptionFactory(case=other, email="bob@example.net")
    feed = events(client.get(f"/reminders/feed/{mine.feed_token}.ics"))
    assert list(feed) == ["Merits hearing: Followed"]
    assert client.get("/reminders/feed/not-a-token.ics").status_code == 404


@pytest.fixture
def popova_in_both_languages():
    case = CaseFactory(title_en="Popova v. Moscow", title_ru="Попова против ГУ МВД", slug="popova")
    court = CourtFactory(name_en="Savyolovsky District Court", name_ru="Савёловский районный суд")
    hearing_actions.hearing_schedule(case=case, court=court, starts_at=HEARING_AT, courtroom="412")
    return case


def texts(response):
    (event,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    return str(event["SUMMARY"]), str(event["LOCATION"]), event["SUMMARY"].params["LANGUAGE"]


def test_the_public_feed_speaks_the_language_asked_for(client, popova_in_both_languages):
    url = "/reminders/cases/popova/hearings.ics"
    russian = ("Заседание (По существу): Попова против ГУ МВД", "Савёловский районный суд, зал 412", "ru")
    english = ("Merits hearing: Popova v. Moscow", "Savyolovsky District Court, courtroom 412", "en")
    assert texts(client.get(url, {"lang": "ru"})) == russian
    assert texts(client.get(url, HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9")) == russian
    assert texts(client.get(url, {"lang": "en"}, HTTP_ACCEPT_LANGUAGE="ru")) == english  # ?lang= wins
    assert texts(client.get(url)) == english
    calendar = icalendar.Calendar.from_ical(client.get(url, {"lang": "ru"}).content)
    assert str(calendar["X-WR-CALNAME"]) == "Попова против ГУ МВД"


def test_an_unknown_language_is_a_400_with_a_sentence(client, popova_in_both_languages):
    response = client.get("/reminders/cases/popova/hearings.ics", {"lang": "xx"})
    assert response.status_code == 400
    assert response.content.decode() == 'Unknown language "xx": use one of en, ru.'


def test_a_subscribers_feed_is_in_the_subscriptions_language(client, popova_in_both_languages):
    mine = SubscriptionFactory(case=popova_in_both_languages, email="ann@example.net", language="ru")
    response = client.get(f"/reminders/feed/{mine.feed_token}.ics", HTTP_ACCEPT_LANGUAGE="en")
    assert texts(response)[0] == "Заседание (По существу): Попова против ГУ МВД"
    name = icalendar.Calendar.from_ical(response.content)["X-WR-CALNAME"]
    assert calendar_text(name) == "Заседания, за которыми я слежу"


def test_a_text_missing_in_the_readers_language_is_marked(client):
    case = CaseFactory(title_ru="Попова против ГУ МВД", title_en="", slug="popova", original_language="ru")
    hearing_actions.hearing_schedule(case=case, court=CourtFactory(name="District Court"), starts_at=HEARING_AT)
    summary, _, _ = texts(client.get("/reminders/cases/popova/hearings.ics", {"lang": "en"}))
    assert summary == "Merits hearing: Попова против ГУ МВД (in Russian)"
