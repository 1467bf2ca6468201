"""The public page's "Add to calendar" file and the case's feed carry one event per hearing
(reminders/calendar.py builds both): a subscriber who also adds the hearing holds it once."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from cases.models import Hearing
from tests.factories import CaseFactory, HearingFactory

pytestmark = pytest.mark.django_db


def _event(response):
    assert response.status_code == 200
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    return event


@pytest.mark.parametrize("status", [Hearing.Status.SCHEDULED, Hearing.Status.HELD, Hearing.Status.CANCELLED])
def test_the_public_file_and_the_feed_have_the_same_event_for_a_hearing(client, status):
    # given a public case's hearing written three times (version 3)
    case = CaseFactory(is_public=True)
    hearing = HearingFactory(case=case, status=status)
    Hearing.objects.filter(pk=hearing.pk).update(version=3)
    # when a visitor adds it to their calendar and a subscriber's calendar reads the case's feed
    added = _event(client.get(reverse("web:public_hearing_ics", args=[case.slug, hearing.pk])))
    fed = _event(client.get(reverse("reminders:case-feed", args=[case.slug])))
    # then both are the same event in the same state
    assert (str(added["uid"]), added["sequence"], str(added["status"])) == (
        str(fed["uid"]),
        fed["sequence"],
        str(fed["status"]),
    )
    assert added["sequence"] == 2
    assert str(added["summary"]) == str(fed["summary"])
    assert added["summary"].params["LANGUAGE"] == fed["summary"].params["LANGUAGE"] == "en"
