"""/api/v1/subscriptions/ and the confirm / unsubscribe / subscribe pages."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from reminders.models import Subscription
from tests.factories import CaseFactory, MembershipFactory, SubscriptionFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/subscriptions/"


@pytest.fixture(autouse=True)
def no_throttle_history():
    cache.clear()  # the throttle counts per client address in the (Redis) cache
    yield
    cache.clear()


def post(client, **data):
    return client.post(URL, data, content_type="application/json")


def test_subscribing_twice_is_accepted_twice_with_the_same_answer_and_one_row(client):
    CaseFactory(slug="popova")
    first = post(client, case="popova", email="Ann@example.net", language="ru", time_zone="Europe/Moscow")
    second = post(client, case="popova", email="ann@example.net", language="ru", time_zone="Europe/Moscow")
    expected = {
        "case": "popova",
        "email": "Ann@example.net",
        "detail": "If this address is not yet subscribed, a confirmation link has been sent to it.",
    }
    assert (first.status_code, first.json()) == (202, expected)
    assert (second.status_code, second.json()) == (202, expected | {"email": "ann@example.net"})
    assert list(Subscription.objects.values_list("email", "language", "offsets_minutes", "confirmed_at")) == [
        ("ann@example.net", "ru", [10080, 1440, 120], None)
    ]


def test_an_active_subscription_gets_the_same_answer_so_nobody_learns_who_follows_a_case(client):
    case = CaseFactory(slug="popova")
    SubscriptionFactory(case=case, email="ann@example.net")
    response = post(client, case="popova", email="ann@example.net")
    assert response.status_code == 202
    assert (
        response.json()["detail"] == "If this address is not yet subscribed, a confirmation link has been sent to it."
    )


def test_bad_input_gets_field_messages_and_writes_nothing(client):
    CaseFactory(slug="popova")
    response = post(client, case="popova", email="nope", time_zone="Mars/Base", offsets_minutes=[0])
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "email": ["Enter a valid email address."],
        "time_zone": ["Unknown time zone 'Mars/Base'; use a name like Europe/Moscow."],
        "offsets_minutes": ["Ensure this value is greater than or equal to 1."],
    }
    assert Subscription.objects.count() == 0


def test_a_private_case_is_refused_to_an_outsider_as_if_it_did_not_exist(client):
    case = CaseFactory(slug="secret", is_public=False)
    client.force_login(UserFactory(username="outsider"))
    response = post(client, case="secret", email="ann@example.net")
    assert (response.status_code, response.json()["error"]["fields"]) == (400, {"case": ["No such case."]})
    assert Subscription.objects.count() == 0
    member = MembershipFactory(organization=case.organization, role="viewer").user
    client.force_login(member)
    assert post(client, case="secret", email="member@example.org").status_code == 202
    assert list(Subscription.objects.values_list("email", "user")) == [("member@example.org", member.pk)]


def test_listing_needs_a_login_and_shows_only_ones_own(client, django_assert_num_queries):
    user = UserFactory(username="ann")
    case = CaseFactory(slug="popova")
    SubscriptionFactory(case=case, email="ann@example.org", user=user)
    SubscriptionFactory(case=CaseFactory(slug="glukhin"), email="ann@example.org", user=user, confirmed_at=None)
    SubscriptionFactory(case=case, email="someone-else@example.net")
    assert client.get(URL).status_code == 401  # the API asks for credentials (WWW-Authenticate: Bearer)
    client.force_login(user)
    with django_assert_num_queries(3):  # session, user, subscriptions with their cases
        response = client.get(URL)
    # the API's lists are cursor pages, newest first
    assert [(s["case"], s["email"], s["status"]) for s in response.json()["results"]] == [
        ("glukhin", "ann@example.org", "awaiting_confirmation"),
        ("popova", "ann@example.org", "active"),
    ]


def test_the_confirm_page_confirms_only_on_post_and_without_csrf():
    subscription = SubscriptionFactory(confirmed_at=None)
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/reminders/confirm/{subscription.confirm_token}/")
    subscription.refresh_from_db()
    assert (page.status_code, subscription.confirmed_at) == (200, None)  # a mail scanner's GET confirms nothing
    assert client.post(f"/reminders/confirm/{subscription.confirm_token}/").status_code == 200
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None
    assert client.post("/reminders/confirm/unknown-token/").status_code == 404


def test_the_unsubscribe_link_in_the_body_shows_a_button_and_the_post_unsubscribes():
    subscription = SubscriptionFactory()
    client = Client(enforce_csrf_checks=True)
    url = f"/reminders/unsubscribe/{subscription.unsubscribe_token}/"
    page = client.get(url)
    subscription.refresh_from_db()
    assert (page.status_code, subscription.unsubscribed_at) == (200, None)
    assert b'<form method="post">' in page.content
    response = client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    subscription.refresh_from_db()
    assert (response.status_code, subscription.unsubscribed_at is not None) == (200, True)


def without_csrf_tokens(html: bytes) -> bytes:
    return re.sub(rb'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', rb"\1", html)


def test_the_subscribe_form_page_subscribes_and_does_not_say_whether_the_address_was_known(client):
    case = CaseFactory(slug="popova", title="Popova v. Moscow")
    page = client.get("/reminders/cases/popova/subscribe/")
    assert page.status_code == 200 and b'name="email"' in page.content
    data = {
        "email": "ann@example.net",
        "language": "en",
        "time_zone": "Europe/Berlin",
        "offsets_minutes": ["1440", "120"],
    }
    done = client.post("/reminders/cases/popova/subscribe/", data)
    again = client.post("/reminders/cases/popova/subscribe/", data)
    assert done.status_code == again.status_code == 200
    # the same page both times, but for the CSRF token the site's layout carries (masked anew per response)
    assert without_csrf_tokens(done.content) == without_csrf_tokens(again.content)
    assert list(Subscription.objects.values_list("case", "email", "offsets_minutes")) == [
        (case.pk, "ann@example.net", [1440, 120])
    ]
    bad = client.post("/reminders/cases/popova/subscribe/", data | {"email": "x"})
    assert bad.status_code == 400 and b"Enter a valid email address." in bad.content


def test_staff_see_failed_reminders_with_their_reason_in_the_admin(admin_client):
    from reminders.models import Reminder
    from tests.factories import HearingFactory

    subscription = SubscriptionFactory(email="ann@example.net")
    hearing = HearingFactory(case=subscription.case)
    Reminder.objects.create(
        subscription=subscription, hearing=hearing, offset_minutes=120, due_at=hearing.starts_at,
        hearing_starts_at=hearing.starts_at, state="failed", attempts=6, last_error="SMTPDataError: (451, 'busy')",
    )  # fmt: skip
    response = admin_client.get("/admin/reminders/reminder/?state__exact=failed")
    assert response.status_code == 200
    assert b"SMTPDataError: (451, &#x27;busy&#x27;)" in response.content
    assert admin_client.get("/admin/reminders/subscription/").status_code == 200
    assert admin_client.get("/admin/reminders/notice/").status_code == 200


def test_the_settings_link_shows_the_current_settings_without_the_address_and_saves_changes():
    subscription = SubscriptionFactory(email="ann@example.net", language="en", offsets_minutes=[1440])
    client = Client(enforce_csrf_checks=True)
    url = f"/reminders/settings/{subscription.unsubscribe_token}/"
    page = client.get(url)
    assert page.status_code == 200
    assert b"ann@example.net" not in page.content
    assert b'<option value="Europe/Berlin" selected>' in page.content
    checked = re.findall(rb'<input type="checkbox" name="offsets_minutes" value="(\d+)"[^>]* checked>', page.content)
    assert checked == [b"1440"]
    token = client.cookies["csrftoken"].value
    data = {"language": "ru", "time_zone": "Asia/Yekaterinburg", "offsets_minutes": ["60", "10080"]}
    response = client.post(url, data | {"csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert b"Saved. Reminders still to come use these settings." in response.content
    subscription.refresh_from_db()
    assert (subscription.language, str(subscription.time_zone), subscription.offsets_minutes) == (
        "ru",
        "Asia/Yekaterinburg",
        [10080, 60],
    )


def test_the_settings_page_refuses_bad_input_and_unknown_or_cancelled_links_and_changes_nothing():
    subscription = SubscriptionFactory(language="en", offsets_minutes=[1440])
    url = f"/reminders/settings/{subscription.unsubscribe_token}/"
    client = Client()
    response = client.post(url, {"language": "ru", "time_zone": "Mars/Olympus", "offsets_minutes": ["60"]})
    assert response.status_code == 400
    assert response.context["form"].errors["time_zone"]
    response = client.post(url, {"language": "ru", "time_zone": "UTC"})
    assert (response.status_code, list(response.context["form"].errors)) == (400, ["offsets_minutes"])
    assert client.get("/reminders/settings/unknown/").status_code == 404
    gone = SubscriptionFactory(unsubscribed_at=subscription.confirmed_at)
    assert client.post(f"/reminders/settings/{gone.unsubscribe_token}/", {"language": "ru"}).status_code == 404
    subscription.refresh_from_db()
    assert (subscription.language, subscription.offsets_minutes) == ("en", [1440])
    gone.refresh_from_db()
    assert gone.language == "en"
