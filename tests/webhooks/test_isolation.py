"""A webhook endpoint is its organization's, not a window into others (issue 20, hole 7): it
sends its organization's records as the organization sees them and other organizations' public
records as anyone sees them, whatever else its creator is a member of; and only its creator or
the organization's owners may point it elsewhere, replay it or take a new secret.

Delivery runs against real HTTP receivers on loopback, on PostgreSQL with committed transactions."""

import datetime as dt
import json
import time

import pytest

from actions import organizations as organization_actions
from cases import services
from cases.models import Membership
from tests.api.conftest import client_with_token
from tests.factories import OrganizationFactory, UserFactory
from tests.webhooks.conftest import RecordingReceiver
from webhooks import delivery
from webhooks import services as webhooks
from webhooks.models import Endpoint, EndpointSecret
from webhooks.transport import Transport


@pytest.fixture
def two_organizations(db):
    a = OrganizationFactory(slug="org-a", name="Roskomsvoboda")
    b = OrganizationFactory(slug="org-b", name="Agora")
    return a, b


def case_with_party(org, *, title, public, contact):
    case = services.case_create(
        organization=org, title=title, is_public=public, status="filed", filed_on=dt.date(2019, 10, 2)
    )
    party = services.party_add(
        case=case,
        role="plaintiff",
        name=f"{title} plaintiff",
        consent_to_publish=True,
        contact_email=contact,
        notes=f"notes of {title}",
    )
    return case, party


def received_items(receiver):
    return [item for _, body in receiver.requests for item in json.loads(body)["results"]]


def deliver_until_marker(receivers, *, timeout=60):
    """Claim and run due endpoints until a public marker (a court written now) reached every
    receiver: then everything committed before it has been sent (commit order)."""
    marker = services.court_create(name="Marker court", jurisdiction="de", level="first_instance", time_zone="UTC")
    transport = Transport(max_connections_per_host=2)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for claim in delivery.endpoints_claim_due(limit=10):
            delivery.endpoint_run(claim=claim, transport=transport, until=time.monotonic() + 10)
        if all(("court", marker.pk) in {(i["type"], i["id"]) for i in received_items(r)} for r in receivers):
            return
        time.sleep(0.05)
    raise AssertionError("the marker did not arrive")


@pytest.mark.django_db(transaction=True)
def test_an_endpoint_sends_its_organizations_view_never_another_organizations_private_records(
    two_organizations, settings
):
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    settings.WEBHOOKS_WAKE_ON_COMMIT = False
    a, b = two_organizations
    # given a lawyer of A who is also a lawyer of B, and a superuser who owns A
    both = UserFactory(username="both")
    organization_actions.membership_set(organization=a, user=both, role=Membership.Role.LAWYER)
    organization_actions.membership_set(organization=b, user=both, role=Membership.Role.LAWYER)
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    organization_actions.membership_set(organization=a, user=admin, role=Membership.Role.OWNER)
    receivers = [RecordingReceiver(), RecordingReceiver()]
    try:
        # and an endpoint of A registered by each of them
        webhooks.endpoint_create(organization=a, owner=both, url=receivers[0].url)
        webhooks.endpoint_create(organization=a, owner=admin, url=receivers[1].url)
        # and A's private case, B's private case and B's public case, each with a party's contacts
        a_case, a_party = case_with_party(a, title="A private", public=False, contact="a@example.org")
        b_secret, b_secret_party = case_with_party(b, title="B private", public=False, contact="hidden@example.org")
        b_public, b_public_party = case_with_party(b, title="B public", public=True, contact="b@example.org")

        # when both endpoints are delivered to
        deliver_until_marker(receivers)

        for receiver in receivers:
            items = {(i["type"], i["id"]): i for i in received_items(receiver)}
            # then A's own records come with their private fields
            assert items[("case", a_case.pk)]["op"] == "upsert"
            assert items[("party", a_party.pk)]["data"]["contact_email"] == "a@example.org"
            # and B's private case and its party are not even mentioned
            assert ("case", b_secret.pk) not in items and ("party", b_secret_party.pk) not in items
            # and B's public case comes as anyone sees it: no contacts, no notes
            assert items[("case", b_public.pk)]["data"]["title"] == "B public"
            public_party = items[("party", b_public_party.pk)]["data"]
            assert public_party["name"] == "B public plaintiff"
            assert "contact_email" not in public_party and "notes" not in public_party
            # and no byte of B's private data anywhere in what was sent
            sent = b"".join(body for _, body in receiver.requests)
            for private in (b"hidden@example.org", b"b@example.org", b"notes of B", b"B private"):
                assert private not in sent
    finally:
        for receiver in receivers:
            receiver.close()


# --- who may repoint, replay and re-key ----------------------------------------------------------


@pytest.fixture
def admins_endpoint(two_organizations, settings):
    """An endpoint of A registered by `admin` (a superuser who owns A), as in the demo."""
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    settings.WEBHOOKS_WAKE_ON_COMMIT = False
    a, _ = two_organizations
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    organization_actions.membership_set(organization=a, user=admin, role=Membership.Role.OWNER)
    endpoint, secret = webhooks.endpoint_create(
        organization=a, owner=admin, url="http://127.0.0.1:9/admin", since="now"
    )
    return endpoint, secret


def a_lawyer(org, username="colleague"):
    user = UserFactory(username=username)
    organization_actions.membership_set(organization=org, user=user, role=Membership.Role.LAWYER)
    return user


REFUSAL = (
    "Only the endpoint's creator or an owner of its organization may change its URL, replay it or issue a new secret."
)


@pytest.mark.django_db
def test_a_colleague_may_not_repoint_replay_or_rekey_an_endpoint_and_nothing_changes(admins_endpoint):
    endpoint, secret = admins_endpoint
    client = client_with_token(a_lawyer(endpoint.organization))
    url = f"/api/v1/webhooks/{endpoint.pk}/"
    before = Endpoint.objects.values().get(pk=endpoint.pk)

    # when a lawyer of A repoints the admin's endpoint to their own receiver, replays it from the
    # start and asks for a new secret
    repointed = client.patch(url, {"url": "http://127.0.0.1:10/mine"}, format="json")
    replayed = client.post(f"{url}replay/", {"since": None}, format="json")
    rekeyed = client.post(f"{url}rotate-secret/")

    # then each is refused, and the endpoint, its position and its secret are as they were
    for response in (repointed, replayed, rekeyed):
        assert response.status_code == 403, response.content
        assert response.json()["error"]["message"] == REFUSAL
    assert Endpoint.objects.values().get(pk=endpoint.pk) == before
    assert list(EndpointSecret.objects.values_list("secret", "expires_at")) == [(secret, None)]
    # and what every lawyer of the organization may still do, they may
    assert client.get(url).json()["url"] == "http://127.0.0.1:9/admin"
    assert client.patch(url, {"types": ["case"]}, format="json").json()["types"] == ["case"]


@pytest.mark.django_db
def test_a_same_url_patch_by_a_colleague_is_not_a_change(admins_endpoint):
    endpoint, secret = admins_endpoint
    client = client_with_token(a_lawyer(endpoint.organization))

    response = client.patch(f"/api/v1/webhooks/{endpoint.pk}/", {"url": endpoint.url, "active": False}, format="json")

    assert response.status_code == 200 and response.json()["secret"] is None
    assert list(EndpointSecret.objects.values_list("secret", flat=True)) == [secret]


@pytest.mark.django_db
def test_the_creator_and_the_owners_repoint_and_each_new_url_takes_a_new_secret(admins_endpoint):
    endpoint, first_secret = admins_endpoint
    org = endpoint.organization
    creator = a_lawyer(org, "creator")
    own, own_secret = webhooks.endpoint_create(organization=org, owner=creator, url="http://127.0.0.1:9/c")
    owner = UserFactory(username="owner")
    organization_actions.membership_set(organization=org, user=owner, role=Membership.Role.OWNER)

    # when the creator repoints their endpoint, and an owner of A repoints the admin's
    by_creator = client_with_token(creator).patch(
        f"/api/v1/webhooks/{own.pk}/", {"url": "http://127.0.0.1:11/new"}, format="json"
    )
    by_owner = client_with_token(owner).patch(
        f"/api/v1/webhooks/{endpoint.pk}/", {"url": "http://127.0.0.1:12/new"}, format="json"
    )

    # then both succeed, each answer carries a new secret, and only that one signs from now on
    for response, changed, old in ((by_creator, own, own_secret), (by_owner, endpoint, first_secret)):
        assert response.status_code == 200, response.content
        new = response.json()["secret"]
        assert new.startswith("whsec_") and new != old
        assert list(EndpointSecret.objects.filter(endpoint=changed).values_list("secret", "expires_at")) == [
            (new, None)
        ]
    assert Endpoint.objects.get(pk=own.pk).url == "http://127.0.0.1:11/new"
    assert Endpoint.objects.get(pk=endpoint.pk).url == "http://127.0.0.1:12/new"
    # and the secret is not shown again
    assert "secret" not in client_with_token(owner).get(f"/api/v1/webhooks/{endpoint.pk}/").json()
    # and the owner may replay it
    replay = client_with_token(owner).post(f"/api/v1/webhooks/{endpoint.pk}/replay/", {"since": None}, format="json")
    assert replay.status_code == 200 and replay.json()["cursor"] == "0-0-0"


def a_staff_colleague(org):
    """A lawyer of `org` who may use the admin's webhook pages (as a staff member given them)."""
    from django.contrib.auth.models import Permission

    colleague = a_lawyer(org)
    colleague.is_staff = True
    colleague.save()
    colleague.user_permissions.set(Permission.objects.filter(content_type__app_label="webhooks"))
    return colleague


@pytest.mark.django_db
def test_in_the_admin_a_colleague_may_not_change_the_url(admins_endpoint, client):
    endpoint, secret = admins_endpoint
    client.force_login(a_staff_colleague(endpoint.organization))
    form = {"url": "http://127.0.0.1:10/mine", "types": "[]", "active": "on"}
    form |= {"deliveries-TOTAL_FORMS": "0", "deliveries-INITIAL_FORMS": "0"}

    response = client.post(f"/admin/webhooks/endpoint/{endpoint.pk}/change/", form)

    assert response.status_code == 200
    assert "Only the endpoint&#x27;s creator or an owner of its organization may change its URL" in (
        response.content.decode()
    )
    assert Endpoint.objects.get(pk=endpoint.pk).url == "http://127.0.0.1:9/admin"
    assert list(EndpointSecret.objects.values_list("secret", flat=True)) == [secret]


@pytest.mark.django_db
def test_in_the_admin_an_owner_changes_the_url_and_sees_the_new_secret_once(admins_endpoint, client):
    endpoint, secret = admins_endpoint
    client.force_login(endpoint.owner)
    form = {"url": "http://127.0.0.1:10/new", "types": "[]", "active": "on"}
    form |= {"deliveries-TOTAL_FORMS": "0", "deliveries-INITIAL_FORMS": "0"}

    response = client.post(f"/admin/webhooks/endpoint/{endpoint.pk}/change/", form, follow=True)

    new = EndpointSecret.objects.get().secret
    assert new != secret and Endpoint.objects.get().url == "http://127.0.0.1:10/new"
    assert f"A new URL takes a new signing secret (shown only now): {new}" in response.content.decode()


@pytest.mark.django_db
def test_the_refusal_is_in_the_clients_language(admins_endpoint):
    endpoint, _ = admins_endpoint
    client = client_with_token(a_lawyer(endpoint.organization))

    response = client.post(
        f"/api/v1/webhooks/{endpoint.pk}/replay/", {"since": None}, format="json", HTTP_ACCEPT_LANGUAGE="ru"
    )

    assert response.status_code == 403
    assert response.json()["error"]["message"] == (
        "Менять адрес вебхука, отправлять его историю заново и выдавать новый секрет "
        "может только его создатель или владелец организации."
    )


@pytest.mark.django_db
def test_the_admins_rotate_action_refuses_a_colleague_and_keeps_the_secret(admins_endpoint, client):
    endpoint, secret = admins_endpoint
    client.force_login(a_staff_colleague(endpoint.organization))

    response = client.post(
        "/admin/webhooks/endpoint/",
        {"action": "rotate_secret", "_selected_action": [endpoint.pk]},
        follow=True,
    )

    page = response.content.decode()
    assert "Not rotated: http://127.0.0.1:9/admin. Only the endpoint&#x27;s creator or an owner" in page
    assert "0 endpoints rotated." in page
    assert list(EndpointSecret.objects.values_list("secret", "expires_at")) == [(secret, None)]
