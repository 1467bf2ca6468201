"""Deadlines in iCalendar: all-day events (VALUE=DATE) with a stable UID and a rising SEQUENCE, in
a member's private tokenized feed only: never in a public case's feed or a subscriber's feed.
And the member's settings page (language of the reminders, the feed's address)."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine

from actions import deadlines as deadline_actions
from actions import hearings as hearing_actions
from actions import organizations as organization_actions
from actions import rulings as ruling_actions
from deadlines.models import Deadline
from reminders.models import DeadlineReminder, MemberReminderSettings
from tests.factories import CaseFactory, CourtFactory, MembershipFactory, SubscriptionFactory, UserFactory

pytestmark = pytest.mark.django_db
MSK = ZoneInfo("Europe/Moscow")
D = dt.date
SITE = "https://tracker.example.org"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_BASE_URL = SITE
    with time_machine.travel(dt.datetime(2020, 1, 30, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def popova():
    """A public case with a hearing and a ruling whose appeal deadline is 2 March 2020."""
    case = CaseFactory(title="Popova v. Moscow", slug="popova-v-moscow", is_public=True)
    court = CourtFactory(name="Savyolovsky District Court")
    hearing_actions.hearing_schedule(case=case, court=court, starts_at=dt.datetime(2020, 2, 20, 10, 0, tzinfo=MSK))
    ruling = ruling_actions.ruling_record(
        case=case, court=court, decided_on=D(2020, 1, 24), final_form_on=D(2020, 1, 29), outcome="dismissed"
    )
    return case, Deadline.objects.get(ruling=ruling, step="appeal")


def member(case, username, role="lawyer"):
    user = UserFactory(username=username)
    MembershipFactory(organization=case.organization, user=user, role=role)
    return user


def feed_url(user):
    settings, _ = MemberReminderSettings.objects.get_or_create(user=user)
    return f"/reminders/members/{settings.feed_token}.ics"


def vevents(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")}


def test_a_deadline_is_an_all_day_event_in_the_members_feed(client, popova):
    case, deadline = popova
    lawyer = member(case, "anna")
    response = client.get(feed_url(lawyer))
    events = vevents(response)
    uid = f"deadline-{deadline.pk}@tracker.example.org"
    assert sorted(events) == [uid, f"hearing-{case.hearings.get().pk}@tracker.example.org"]
    event = events[uid]
    # DTSTART;VALUE=DATE and DTEND the next day: no client can show it a day early or late
    assert b"DTSTART;VALUE=DATE:20200302\r\nDTEND;VALUE=DATE:20200303\r\n" in response.content
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (D(2020, 3, 2), D(2020, 3, 3))
    assert type(event.decoded("DTSTART")) is dt.date
    assert (int(event["SEQUENCE"]), str(event["STATUS"]), str(event["TRANSP"])) == (0, "CONFIRMED", "TRANSPARENT")
    assert str(event["SUMMARY"]) == f"Deadline: {deadline.rule_title}, Popova v. Moscow"
    assert str(event["URL"]) == f"{SITE}/cases/popova-v-moscow/#deadlines"
    description = str(event["DESCRIPTION"]).split("\n")
    assert description[:2] == ["Popova v. Moscow", f"{deadline.rule_title} ({deadline.rule_source})"]
    assert "Due on 2020-03-02." in description


def test_an_override_keeps_the_uid_and_raises_the_sequence_and_closing_cancels(client, popova):
    case, deadline = popova
    url = feed_url(member(case, "anna"))
    uid = f"deadline-{deadline.pk}@tracker.example.org"
    deadline_actions.deadline_override(deadline=deadline, due_on=D(2020, 3, 16), reason="Copy served on 14 Feb")
    event = vevents(client.get(url))[uid]
    assert (int(event["SEQUENCE"]), event.decoded("DTSTART"), event.decoded("DTEND")) == (
        1,
        D(2020, 3, 16),
        D(2020, 3, 17),
    )
    assert "Changed by hand from 2020-03-02: Copy served on 14 Feb" in str(event["DESCRIPTION"]).split("\n")
    deadline_actions.deadline_close(deadline=Deadline.objects.get(pk=deadline.pk), reason="No appeal")
    event = vevents(client.get(url))[uid]
    assert (int(event["SEQUENCE"]), str(event["STATUS"]), str(event["SUMMARY"])) == (
        2,
        "CANCELLED",
        f"Deadline (closed): {deadline.rule_title}, Popova v. Moscow",
    )


def test_deadlines_never_reach_the_public_feed_or_a_subscribers_feed(client, popova):
    case, _ = popova
    lawyer = member(case, "anna")
    subscription = SubscriptionFactory(case=case, email=lawyer.email, user=lawyer, confirmed_at=dt.datetime.now(dt.UTC))
    for url in ("/reminders/cases/popova-v-moscow/hearings.ics", f"/reminders/feed/{subscription.feed_token}.ics"):
        response = client.get(url)
        assert [uid.split("-")[0] for uid in vevents(response)] == ["hearing"]
        assert b"Deadline" not in response.content and b"VALUE=DATE" not in response.content


def test_the_feed_shows_only_the_members_organizations(client, popova):
    case, _ = popova
    other = CaseFactory(title="Someone else's case", slug="other")
    stranger = member(other, "stranger")
    assert vevents(client.get(feed_url(stranger))) == {}
    viewer = member(case, "victor", role="viewer")  # members read deadlines, whatever their role
    assert sorted(uid.split("-")[0] for uid in vevents(client.get(feed_url(viewer)))) == ["deadline", "hearing"]


def test_an_unknown_reset_or_deactivated_token_is_a_404(client, popova):
    case, _ = popova
    lawyer = member(case, "anna")
    old = feed_url(lawyer)
    assert client.get("/reminders/members/not-a-token.ics").status_code == 404
    client.force_login(lawyer)
    assert client.post("/reminders/me/", {"reset_feed": "1"}).status_code == 302
    new = feed_url(lawyer)
    assert new != old
    assert (client.get(old).status_code, client.get(new).status_code) == (404, 200)
    lawyer.is_active = False
    lawyer.save()
    client.logout()
    assert client.get(new).status_code == 404


def test_the_settings_page_sets_the_language_and_refuses_a_bad_one(client, popova):
    case, _ = popova
    lawyer = member(case, "anna")
    # anonymous: sent to log in, nothing created
    response = client.get("/reminders/me/")
    assert (response.status_code, response["Location"].split("?")[0]) == (302, "/accounts/login/")
    assert MemberReminderSettings.objects.count() == 0
    client.force_login(lawyer)
    page = client.get("/reminders/me/").content.decode()
    assert f"{'http://testserver'}{feed_url(lawyer)}" in page
    assert case.organization.name in page
    assert client.post("/reminders/me/", {"language": "ru"}).status_code == 302
    assert MemberReminderSettings.objects.get(user=lawyer).language == "ru"
    response = client.post("/reminders/me/", {"language": "de"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert MemberReminderSettings.objects.get(user=lawyer).language == "ru"


def test_the_admin_lists_deadline_reminders(client, popova):
    case, deadline = popova
    organization_actions.membership_set(
        organization=case.organization, user=UserFactory(username="anna"), role="lawyer"
    )
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get("/admin/reminders/deadlinereminder/?state__exact=pending")
    assert response.status_code == 200
    assert response.context["cl"].result_count == DeadlineReminder.objects.filter(state="pending").count() == 3
    assert (
        client.get(f"/admin/reminders/deadlinereminder/{DeadlineReminder.objects.first().pk}/change/").status_code
        == 200
    )


def test_the_members_feed_is_in_the_members_language(client, popova):
    case, deadline = popova
    case.title_ru = "Попова против ГУ МВД"
    case.save()
    lawyer = member(case, "anna")
    MemberReminderSettings.objects.update_or_create(user=lawyer, defaults={"language": "ru"})
    response = client.get(feed_url(lawyer))
    event = vevents(response)[f"deadline-{deadline.pk}@tracker.example.org"]
    ru_rule = "Апелляционная жалоба на решение суда первой инстанции по гражданскому делу (ГПК РФ)"
    assert str(event["SUMMARY"]) == f"Срок: {ru_rule}, Попова против ГУ МВД"
    description = str(event["DESCRIPTION"]).split("\n")
    assert description[0] == "Попова против ГУ МВД"
    # the steps of the computation in Russian too (deadlines/explanation.py)
    assert "- " not in description[2] and any("окончательной форме" in line for line in description)
    assert str(icalendar.Calendar.from_ical(response.content)["X-WR-CALNAME"]) == "Заседания и сроки"


def test_unsubscribing_from_an_older_subscription_does_not_switch_the_members_language(client, popova):
    # Given a lawyer who followed a case in Russian, then (later) another one in English, and chose no language
    case, deadline = popova
    case.title_ru = "Попова против ГУ МВД"
    case.save()
    lawyer = member(case, "anna")
    other = CaseFactory(organization=case.organization, is_public=True)
    with time_machine.travel(dt.datetime(2020, 1, 10, 10, 0, tzinfo=dt.UTC), tick=False):
        russian = SubscriptionFactory(case=case, email=lawyer.email, user=lawyer, language="ru")
    with time_machine.travel(dt.datetime(2020, 1, 20, 10, 0, tzinfo=dt.UTC), tick=False):
        SubscriptionFactory(case=other, email=lawyer.email, user=lawyer, language="en")
    assert str(icalendar.Calendar.from_ical(client.get(feed_url(lawyer)).content)["X-WR-CALNAME"]) == (
        "Hearings and deadlines"
    )
    # When the Russian one is unsubscribed with one click (which touches that row last)
    assert client.post(f"/reminders/unsubscribe/{russian.unsubscribe_token}/").status_code == 200
    # Then the feed stays in English: the latest subscription made, not the last one changed
    response = client.get(feed_url(lawyer))
    assert str(icalendar.Calendar.from_ical(response.content)["X-WR-CALNAME"]) == "Hearings and deadlines"
    # and a language the member chose wins over every subscription
    MemberReminderSettings.objects.filter(user=lawyer).update(language="ru")
    response = client.get(feed_url(lawyer))
    assert str(icalendar.Calendar.from_ical(response.content)["X-WR-CALNAME"]) == "Заседания и сроки"
