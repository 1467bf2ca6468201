"""Subscribing cannot be turned on someone's inbox: X-Forwarded-For is believed only from
TRUSTED_PROXIES, one address gets at most SUBSCRIPTION_CONFIRMATIONS_PER_ADDRESS_PER_DAY
confirmations whoever asks, and the public page's form has the API's per-client budget."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from reminders.models import ConfirmationSend, Subscription, subscriber_email_hash
from tests.factories import CaseFactory
from tracker.celery import app
from tracker.rate_limits import throttle_counts_reset

pytestmark = pytest.mark.django_db
URL = "/api/v1/subscriptions/"
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def sent_at_once():
    """Confirmation tasks run in the request (the email lands in mail.outbox), counts start at 0."""
    throttle_counts_reset()
    app.conf.task_always_eager = True
    with time_machine.travel(NOW, tick=False):
        yield
    app.conf.task_always_eager = False
    throttle_counts_reset()


@pytest.fixture
def cases():
    return [CaseFactory(slug=f"case-{number}", is_public=True) for number in range(6)]


@pytest.fixture(autouse=True)
def committed(django_capture_on_commit_callbacks, monkeypatch):
    """Each request's on-commit callbacks (the confirmation task) run as if it had committed."""
    post = Client.post

    def post_and_commit(self, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return post(self, *args, **kwargs)

    monkeypatch.setattr(Client, "post", post_and_commit)


def api_subscribe(client, slug, email, **headers):
    return client.post(URL, {"case": slug, "email": email}, content_type="application/json", **headers)


def form_subscribe(client, slug, email, **headers):
    data = {"email": email, "language": "en", "time_zone": "Europe/Moscow", "offsets_minutes": ["1440"]}
    return client.post(reverse("reminders:subscribe", args=[slug]), data, **headers)


@override_settings(REMINDERS_SUBSCRIBE_RATE="3/hour")
def test_a_rotated_forwarded_for_header_does_not_escape_the_api_budget(cases):
    # given no trusted proxy, when one client sends a new X-Forwarded-For each time
    client = Client()
    statuses = [
        api_subscribe(client, "case-0", f"person{n}@example.net", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(5)
    ]
    # then it is still one client: three accepted, then 429
    assert statuses == [202, 202, 202, 429, 429]


@override_settings(REMINDERS_SUBSCRIBE_RATE="3/hour", TRUSTED_PROXIES=["127.0.0.1/32"])
def test_behind_a_trusted_proxy_each_client_is_counted_apart(cases):
    client = Client()  # REMOTE_ADDR 127.0.0.1: the proxy
    first = [
        api_subscribe(client, "case-0", f"a{n}@example.net", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code
        for n in range(4)
    ]
    # a client that writes its own X-Forwarded-For before the proxy's is still the proxy's entry
    other = api_subscribe(client, "case-0", "c@example.net", HTTP_X_FORWARDED_FOR="203.0.113.7, 203.0.113.9")
    assert (first, other.status_code) == ([202, 202, 202, 429], 202)


def test_one_address_gets_three_confirmations_a_day_whoever_asks_and_the_answer_never_changes(cases):
    # given six cases and six different clients (addresses from the peer, no proxy)
    answers = []
    for number, case in enumerate(cases):
        client = Client(REMOTE_ADDR=f"192.0.2.{number + 1}")
        if number % 2:
            answers.append((api_subscribe(client, case.slug, "victim@example.net").status_code, "api"))
        else:
            answers.append((form_subscribe(client, case.slug, "victim@example.net").status_code, "form"))
    # then every request got the usual answer, six pending subscriptions exist, but three emails went out
    assert answers == [(200, "form"), (202, "api")] * 3
    assert Subscription.objects.filter(email_hash=subscriber_email_hash("victim@example.net")).count() == 6
    assert [message.to for message in mail.outbox] == [["victim@example.net"]] * 3
    # the log keeps a keyed hash, never the address
    assert ConfirmationSend.objects.count() == 3
    assert not ConfirmationSend.objects.filter(address_digest__icontains="victim").exists()
    # a day later the address may be sent a confirmation again, and the old rows are gone
    with time_machine.travel(NOW + dt.timedelta(days=1, seconds=1), tick=False):
        Subscription.objects.filter(email_hash=subscriber_email_hash("victim@example.net")).update(
            confirmation_sent_at=None
        )
        assert form_subscribe(Client(REMOTE_ADDR="192.0.2.99"), "case-5", "victim@example.net").status_code == 200
    assert len(mail.outbox) == 4
    assert ConfirmationSend.objects.count() == 1


@override_settings(SUBSCRIPTION_CONFIRMATIONS_PER_ADDRESS_PER_DAY=1)
def test_the_cap_is_a_setting_and_other_addresses_are_not_affected(cases):
    client = Client()
    for email in ("one@example.net", "one@example.net", "two@example.net"):
        api_subscribe(client, "case-0" if email == "two@example.net" else f"case-{len(mail.outbox) + 1}", email)
    assert sorted(message.to[0] for message in mail.outbox) == ["one@example.net", "two@example.net"]


@override_settings(REMINDERS_SUBSCRIBE_RATE="3/hour")
def test_the_public_form_has_the_same_budget_per_client_and_says_so(cases):
    client = Client(REMOTE_ADDR="192.0.2.50")
    statuses = [form_subscribe(client, "case-0", f"p{n}@example.net").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = form_subscribe(client, "case-0", "p9@example.net")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 3600
    assert refused.context["form"].non_field_errors() == [
        "Too many subscription requests from your network. Try again in 60 minutes."
    ]
    assert len(mail.outbox) == 3
    # the API shares the count: the same client is refused there too
    assert api_subscribe(client, "case-0", "p10@example.net").status_code == 429


@override_settings(REMINDERS_SUBSCRIBE_RATE="3/hour", LANGUAGE_CODE="en")
def test_the_refusal_is_in_the_readers_language(cases):
    client = Client(REMOTE_ADDR="192.0.2.51", HTTP_ACCEPT_LANGUAGE="ru")
    for n in range(3):
        form_subscribe(client, "case-0", f"r{n}@example.net")
    refused = form_subscribe(client, "case-0", "r9@example.net")
    assert refused.status_code == 429
    assert "Слишком много" in refused.content.decode()
