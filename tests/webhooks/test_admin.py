"""The back office registers endpoints through the services: the same checks, the secret shown once."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from webhooks.models import Delivery, Endpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_logged(client):
    client.force_login(UserFactory(username="staff", is_staff=True, is_superuser=True))
    return client


def form(org, owner, url):
    return {"organization": org.pk, "owner": owner.pk, "url": url, "types": "[]", "active": "on"}


def test_adding_an_endpoint_shows_its_secret_once(admin_client_logged, settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    settings.WEBHOOKS_WAKE_ON_COMMIT = False
    org = OrganizationFactory()
    owner = MembershipFactory(organization=org, role="owner").user

    response = admin_client_logged.post(
        "/admin/webhooks/endpoint/add/", form(org, owner, "http://127.0.0.1:9/hook"), follow=True
    )

    endpoint = Endpoint.objects.get()
    secret = endpoint.secrets.get().secret
    assert (endpoint.owner, endpoint.url) == (owner, "http://127.0.0.1:9/hook")
    assert f"The signing secret (shown only now): {secret}" in response.content.decode()


def test_a_private_address_or_a_viewer_owner_is_a_form_error(admin_client_logged, settings):
    org = OrganizationFactory()
    viewer = MembershipFactory(organization=org, role="viewer").user
    lawyer = MembershipFactory(organization=org, role="lawyer").user

    private = admin_client_logged.post("/admin/webhooks/endpoint/add/", form(org, lawyer, "https://10.0.0.8/"))
    loopback = admin_client_logged.post("/admin/webhooks/endpoint/add/", form(org, lawyer, "https://[::1]/"))
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    not_writer = admin_client_logged.post("/admin/webhooks/endpoint/add/", form(org, viewer, "http://127.0.0.1:9/"))

    assert private.status_code == 200 and "a private, link-local or reserved address" in private.content.decode()
    assert loopback.status_code == 200 and "a loopback address" in loopback.content.decode()
    assert not_writer.status_code == 200
    assert "Only the organization&#x27;s lawyers and owners can register" in not_writer.content.decode()
    assert not Endpoint.objects.exists()


def test_an_endpoint_page_shows_its_latest_twenty_deliveries(admin_client_logged, settings):
    # given an endpoint with 25 deliveries (the admin's Delivery inline was a 500: a sliced queryset)
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    settings.WEBHOOKS_WAKE_ON_COMMIT = False
    org = OrganizationFactory()
    owner = MembershipFactory(organization=org, role="owner").user
    admin_client_logged.post("/admin/webhooks/endpoint/add/", form(org, owner, "http://127.0.0.1:9/hook"))
    endpoint = Endpoint.objects.get()
    start = timezone.now() - dt.timedelta(hours=1)
    for n in range(25):
        Delivery.objects.create(
            endpoint=endpoint,
            message_id=f"msg_{n}",
            attempted_at=start + dt.timedelta(minutes=n),
            cursor_from="0-0-0",
            cursor_to="0-1-0",
            outcome="delivered",
            status_code=200 + n,
        )

    # when its page is opened, and saved unchanged
    page = admin_client_logged.get(f"/admin/webhooks/endpoint/{endpoint.pk}/change/")
    saved = admin_client_logged.post(
        f"/admin/webhooks/endpoint/{endpoint.pk}/change/",
        {
            "url": endpoint.url,
            "types": "[]",
            "active": "on",
            "deliveries-TOTAL_FORMS": "20",
            "deliveries-INITIAL_FORMS": "20",
            "deliveries-MIN_NUM_FORMS": "0",
            "deliveries-MAX_NUM_FORMS": "0",
            **{
                f"deliveries-{i}-id": str(d.pk)
                for i, d in enumerate(endpoint.deliveries.order_by("-attempted_at")[:20])
            },
            **{f"deliveries-{i}-endpoint": str(endpoint.pk) for i in range(20)},
        },
    )

    # then the 20 latest are listed, newest first (status 224 down to 205), and the save goes through
    assert page.status_code == 200
    shown = [int(code) for code in re.findall(r'<td class="field-status_code">\s*<p>(\d+)</p>', page.content.decode())]
    assert shown == list(range(224, 204, -1))
    assert saved.status_code == 302, saved.content.decode()[-3000:]
