"""The back office registers endpoints through the services: the same checks, the secret shown once."""

import pytest

from tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from webhooks.models import Endpoint

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
