"""tracker/client_address.py: X-Forwarded-For is read only from TRUSTED_PROXIES, from the right."""

from typing import Any

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from tests.factories import UserFactory
from tracker.client_address import client_address


def address(remote: str, forwarded: str | None = None) -> str:
    headers: dict[str, Any] = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **headers))


def test_without_trusted_proxies_the_header_is_ignored():
    assert address("192.0.2.1", "203.0.113.5") == "192.0.2.1"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8", "::1"])
@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("10.0.0.2", "203.0.113.5", "203.0.113.5"),  # one proxy
        ("10.0.0.2", "1.2.3.4, 203.0.113.5", "203.0.113.5"),  # the client's own entry is left of the proxy's
        ("10.0.0.2", "203.0.113.5, 10.0.0.9", "203.0.113.5"),  # two trusted proxies
        ("10.0.0.2", "10.0.0.7, 10.0.0.9", "10.0.0.7"),  # every hop trusted: the farthest
        ("10.0.0.2", "", "10.0.0.2"),  # a proxy that forwarded nothing
        ("10.0.0.2", "garbage, 203.0.113.5", "203.0.113.5"),
        ("10.0.0.2", "203.0.113.5, not-an-address", "10.0.0.2"),  # a proxy never writes that
        ("::1", " 2001:db8::5 ", "2001:db8::5"),
        ("::ffff:10.0.0.2", "203.0.113.5", "203.0.113.5"),  # IPv4-mapped peer of a dual-stack socket
        ("192.0.2.1", "203.0.113.5", "192.0.2.1"),  # not a proxy: its header is its own invention
        ("", "203.0.113.5", ""),
    ],
)
def test_the_rightmost_untrusted_hop_is_the_client(remote, forwarded, client):
    assert address(remote, forwarded) == client


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=3)
def test_login_lockout_is_not_escaped_by_rotating_the_header():
    UserFactory(username="lawyer")
    client = Client()
    statuses = [
        client.post(
            reverse("login"),
            {"username": "lawyer", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 429, 429]  # locked out after three failures from one address


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=["127.0.0.1/32"], METRICS_TOKEN="")
def test_metrics_behind_a_local_proxy_are_not_open_to_the_internet():
    assert Client().get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 403
    assert Client().get("/metrics").status_code == 200  # a scraper on the host itself
