"""Accounts: log in, lockout after repeated failures (django-axes), password reset delivered
by a real SMTP server on loopback (aiosmtpd)."""

import re
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse

from tests.factories import UserFactory
from tests.processes import free_port

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield inbox
    controller.stop()


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_a_lawyer_logs_in_and_lands_on_the_dashboard(client):
    UserFactory(username="lawyer")
    response = login(client, "lawyer", PASSWORD)
    assert (response.status_code, response["Location"]) == (302, "/dashboard/")


def test_a_wrong_password_is_a_form_error(client):
    UserFactory(username="lawyer")
    response = login(client, "lawyer", "wrong")
    assert response.status_code == 200
    assert "The username and/or password you specified are not correct." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_failures_lock_the_account_even_for_the_right_password(client):
    UserFactory(username="lawyer")
    for _ in range(5):
        login(client, "lawyer", "wrong")
    response = login(client, "lawyer", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_needs_a_post(client):
    user = UserFactory(username="lawyer")
    client.force_login(user)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_a_password_reset_arrives_by_email_and_works(client, smtp):
    UserFactory(username="lawyer", email="lawyer@example.org")
    # when the lawyer asks for a reset
    response = client.post(reverse("password_reset"), {"email": "lawyer@example.org"})
    assert response["Location"] == "/accounts/password_reset/done/"
    # then one email arrives at the SMTP server with a one-time link
    [(recipients, message)] = smtp.messages
    assert recipients == ["lawyer@example.org"]
    assert message["Subject"] == "Choose a new password for the case tracker"
    body = message.get_payload(decode=True).decode()
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", body).group(1)
    # and following it sets a new password
    set_url = client.get(link)["Location"]
    client.post(set_url, {"new_password1": "a new long passphrase 42", "new_password2": "a new long passphrase 42"})
    assert login(client, "lawyer", "a new long passphrase 42")["Location"] == "/dashboard/"


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, smtp):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == "/accounts/password_reset/done/"
    assert smtp.messages == []
