"""What the reminders and documents apps put in the pages' slots: the subscribe form and the
calendar feed on the public case page; the subscribers count, the documents and the dossier on
the lawyers' case page."""

import pytest
from django.urls import reverse

from reminders.models import Subscription

pytestmark = pytest.mark.django_db


# --- Public case page: subscribe and calendar feed -------------------------------------------


def test_the_public_page_offers_the_subscribe_form_in_the_visitors_language_and_zone(client, popova):
    client.cookies["tz"] = "Asia/Yekaterinburg"
    page = client.get(reverse("web:public_case", args=["popova-v-moscow"]), HTTP_ACCEPT_LANGUAGE="ru")
    html = page.content.decode()
    assert f'action="{reverse("reminders:subscribe", args=["popova-v-moscow"])}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<option value="ru" selected>' in html
    assert '<option value="Asia/Yekaterinburg" selected>' in html
    assert f'href="{reverse("reminders:case-feed", args=["popova-v-moscow"])}"' in html


def test_subscribing_from_the_public_page_starts_the_double_opt_in(client, popova, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        page = client.post(
            reverse("reminders:subscribe", args=["popova-v-moscow"]),
            {"email": "Ann@Example.org", "language": "ru", "time_zone": "Europe/Moscow", "offsets_minutes": ["1440"]},
        )
    assert page.status_code == 200
    assert "Check your inbox" in page.content.decode()
    subscription = Subscription.objects.get()
    assert (subscription.email, subscription.language, subscription.offsets_minutes) == (
        "ann@example.org",
        "ru",
        [1440],
    )
    assert subscription.confirmed_at is None
    assert len(callbacks) == 1  # the confirmation email, enqueued after the commit


def test_a_bad_subscription_is_refused_next_to_its_field(client, popova):
    page = client.post(
        reverse("reminders:subscribe", args=["popova-v-moscow"]),
        {"email": "not an address", "language": "xx", "time_zone": "Mars/Olympus", "offsets_minutes": ["1440"]},
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "Enter a valid email address." in html
    assert html.count("Select a valid choice.") == 2
    assert Subscription.objects.count() == 0
