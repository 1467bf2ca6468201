"""What the reminders and documents apps put in the pages' slots: the subscribe form and the
calendar feed on the public case page; the subscribers count, the documents and the dossier on
the lawyers' case page."""

import datetime as dt

import pytest
from django.urls import reverse

from reminders.models import Subscription
from tests.factories import SubscriptionFactory

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


# --- Lawyers' case page: subscribers count --------------------------------------------------


def _followers(case):
    SubscriptionFactory(case=case, email="active.one@example.net")
    SubscriptionFactory(case=case, email="active.two@example.net")
    SubscriptionFactory(case=case, email="pending@example.net", confirmed_at=None)
    SubscriptionFactory(case=case, email="gone@example.net", unsubscribed_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))


@pytest.mark.parametrize("member", ["lawyer", "viewer"])
def test_members_see_how_many_follow_the_case_but_never_who(client, popova, member):
    _followers(popova["public"])
    client.force_login(popova[member])
    html = client.get(reverse("web:case_detail", args=["popova-v-moscow"])).content.decode()
    assert "2 people receive this case's hearing reminders." in html
    assert "@example.net" not in html


def test_the_count_is_in_russian_with_its_plural(client, popova):
    _followers(popova["public"])
    client.force_login(popova["lawyer"])
    html = client.get(reverse("web:case_detail", args=["popova-v-moscow"]), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "2 человека получают напоминания о заседаниях по этому делу." in html


def test_nobody_outside_the_organization_sees_the_count(client, popova):
    _followers(popova["public"])
    client.force_login(popova["outsider"])
    page = client.get(reverse("web:case_detail", args=["popova-v-moscow"]), follow=True)
    assert page.redirect_chain == [(reverse("web:public_case", args=["popova-v-moscow"]), 302)]
    html = page.content.decode()
    assert "receive this case's hearing reminders" not in html
    assert "@example.net" not in html
