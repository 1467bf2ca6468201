"""What reaches a subscriber (any address, and forwarded freely) and the public case feed reads
a party without consent by the alias, as every public surface does (cases/redaction.py)."""

import pytest
from django.urls import reverse

from reminders.emails import confirmation_message
from tests.factories import HIDDEN_NAME_STEMS, SubscriptionFactory, case_naming_hidden_party

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("en", "Confirm your subscription to hearings in Witness A v. Russia"),
        ("ru", "Подтвердите подписку на заседания по делу «Свидетель А против России»"),
    ],
)
def test_the_confirmation_email_subject_and_body_use_the_alias(language, subject):
    case, _party = case_naming_hidden_party()
    message = confirmation_message(SubscriptionFactory(case=case, language=language, confirmed_at=None))
    assert message.subject == subject
    assert [stem for stem in HIDDEN_NAME_STEMS if stem in (message.subject + message.body).lower()] == []


@pytest.mark.parametrize(("language", "title"), [("en", "Witness A v. Russia"), ("ru", "Свидетель А против России")])
def test_the_public_case_feed_uses_the_alias(client, language, title):
    case, _party = case_naming_hidden_party()
    body = client.get(reverse("reminders:case-feed", args=[case.slug]), {"lang": language}).content.decode()
    unfolded = body.replace("\r\n ", "")
    assert [stem for stem in HIDDEN_NAME_STEMS if stem in unfolded.lower()] == []
    assert title in unfolded


def test_a_subscribers_feed_uses_the_alias(client):
    case, _party = case_naming_hidden_party()
    subscription = SubscriptionFactory(case=case)
    body = client.get(reverse("reminders:subscriber-feed", args=[subscription.feed_token])).content.decode()
    unfolded = body.replace("\r\n ", "")
    assert "Witness A v. Russia" in unfolded
    assert "petrov" not in unfolded.lower()
