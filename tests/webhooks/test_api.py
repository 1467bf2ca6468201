"""/api/v1/webhooks/: registration, bad input refused with a message and nothing stored,
secret rotation, replay, the attempts log; exact query counts for list and detail."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.api.conftest import client_with_token
from tests.factories import MembershipFactory, UserFactory
from webhooks.models import Delivery, Endpoint, EndpointSecret

pytestmark = pytest.mark.django_db


@pytest.fixture
def loopback(settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    settings.WEBHOOKS_WAKE_ON_COMMIT = False


def register(client, org, **body):
    return client.post("/api/v1/webhooks/", {"organization": org.slug, **body}, format="json")


def test_a_lawyer_registers_an_endpoint_and_gets_the_secret_once(lawyer_api, lawyer, case, loopback):
    # when a lawyer registers a loopback receiver for hearings and cases
    response = register(lawyer_api, case.organization, url="http://127.0.0.1:9/hook", types=["hearing", "case"])

    # then it is stored for their organization, owned by them, with a Standard Webhooks secret
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["secret"].startswith("whsec_") and len(body["secret"]) == 6 + 44
    assert body["types"] == ["case", "hearing"]
    assert body["active"] is True and body["owner"] == "lawyer" and body["cursor"] == "0-0-0"
    endpoint = Endpoint.objects.get()
    assert (endpoint.organization, endpoint.owner, endpoint.url) == (
        case.organization,
        lawyer,
        "http://127.0.0.1:9/hook",
    )
    assert list(endpoint.secrets.values_list("secret", flat=True)) == [body["secret"]]
    # and the secret is never shown again
    detail = lawyer_api.get(f"/api/v1/webhooks/{endpoint.pk}/").json()
    assert "secret" not in detail and detail["url"] == "http://127.0.0.1:9/hook"
    assert "secret" not in lawyer_api.get("/api/v1/webhooks/").json()["results"][0]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://example.org/hook", "Webhook URLs must use HTTPS."),
        ("https://10.1.2.3/hook", "10.1.2.3 resolves to 10.1.2.3, a private, link-local or reserved address"),
        ("https://169.254.169.254/latest", "a private, link-local or reserved address"),
        ("https://127.0.0.1/hook", "a loopback address"),
        ("https://[::1]/hook", "a loopback address"),
        ("https://[::ffff:192.168.0.1]/hook", "a private, link-local or reserved address"),
        # 169.254.169.254 through NAT64 and 127.0.0.1 as IPv4-compatible: Python calls both global
        ("https://[64:ff9b::a9fe:a9fe]/", "NAT64 of 169.254.169.254, a private, link-local or reserved address"),
        ("https://[::7f00:1]/", "IPv4-compatible of 127.0.0.1, a loopback address"),
        ("https://[2002:808:808::1]/", "an IPv6 address with an IPv4 address inside (6to4)"),
        ("https://224.0.0.5/hook", "a multicast address"),
        ("https://user:pass@example.org/hook", "may not carry a user name or password"),
        ("ftp://example.org/hook", "Webhook URLs must use HTTPS."),
        ("https://no-such-host.invalid/hook", "could not be resolved"),
    ],
)
def test_a_url_that_is_not_public_https_is_refused_and_nothing_is_stored(lawyer_api, case, url, message):
    response = register(lawyer_api, case.organization, url=url)

    assert response.status_code == 400, response.content
    assert message in " ".join(response.json()["error"]["fields"]["url"])
    assert not Endpoint.objects.exists() and not EndpointSecret.objects.exists()


def test_unknown_types_are_refused_with_the_known_ones(lawyer_api, case, loopback):
    response = register(lawyer_api, case.organization, url="http://127.0.0.1:9/", types=["hearing", "verdict"])

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["types"] == [
        "Unknown record types: verdict. Known: appeal, case, court, deadline, document, hearing, party, ruling."
    ]
    assert not Endpoint.objects.exists()


def test_a_viewer_and_an_outsider_may_not_register(case, outsider, loopback):
    viewer = MembershipFactory(organization=case.organization, role="viewer", user=UserFactory(username="v")).user
    for user in (viewer, outsider):
        response = register(client_with_token(user), case.organization, url="http://127.0.0.1:9/")
        assert response.status_code == 403
        assert response.json()["error"]["message"] == (
            "Only the organization's lawyers and owners can register webhook endpoints."
        )
    assert not Endpoint.objects.exists()


def test_a_read_only_token_may_not_register(lawyer, case, loopback):
    response = register(client_with_token(lawyer, read_only=True), case.organization, url="http://127.0.0.1:9/")

    assert response.status_code == 403
    assert not Endpoint.objects.exists()


def test_others_neither_see_nor_change_an_endpoint(lawyer_api, case, outsider, loopback):
    endpoint_id = register(lawyer_api, case.organization, url="http://127.0.0.1:9/").json()["id"]
    viewer = MembershipFactory(organization=case.organization, role="viewer", user=UserFactory(username="v")).user
    for user in (viewer, outsider):
        client = client_with_token(user)
        assert client.get("/api/v1/webhooks/").json()["results"] == []
        assert client.get(f"/api/v1/webhooks/{endpoint_id}/").status_code == 404
        assert client.patch(f"/api/v1/webhooks/{endpoint_id}/", {"active": False}, format="json").status_code == 404
        assert client.delete(f"/api/v1/webhooks/{endpoint_id}/").status_code == 404
    assert Endpoint.objects.get().active is True


def test_patch_changes_types_and_url_with_the_same_checks_and_delete_removes(lawyer_api, case, loopback):
    endpoint_id = register(lawyer_api, case.organization, url="http://127.0.0.1:9/").json()["id"]
    url = f"/api/v1/webhooks/{endpoint_id}/"

    assert lawyer_api.patch(url, {"types": ["deadline"]}, format="json").json()["types"] == ["deadline"]
    refused = lawyer_api.patch(url, {"url": "https://192.168.1.10/"}, format="json")
    assert refused.status_code == 400 and Endpoint.objects.get().url == "http://127.0.0.1:9/"
    assert lawyer_api.delete(url).status_code == 204
    assert not Endpoint.objects.exists()


def test_turning_a_disabled_endpoint_back_on_clears_its_failures(lawyer_api, case, loopback):
    endpoint_id = register(lawyer_api, case.organization, url="http://127.0.0.1:9/").json()["id"]
    Endpoint.objects.update(
        active=False, failure_streak=9, failing_since=timezone.now(), disabled_at=timezone.now(), disabled_reason="x"
    )

    body = lawyer_api.patch(f"/api/v1/webhooks/{endpoint_id}/", {"active": True}, format="json").json()

    assert (body["active"], body["failure_streak"], body["failing_since"], body["disabled_reason"]) == (
        True,
        0,
        None,
        "",
    )


def test_rotating_keeps_the_old_secret_signing_for_24_hours(lawyer_api, case, loopback):
    created = register(lawyer_api, case.organization, url="http://127.0.0.1:9/").json()

    response = lawyer_api.post(f"/api/v1/webhooks/{created['id']}/rotate-secret/")

    assert response.status_code == 200
    new = response.json()["secret"]
    assert new.startswith("whsec_") and new != created["secret"]
    # secrets are encrypted at rest: found in Python, not by SQL
    by_secret = {s.secret: s for s in EndpointSecret.objects.filter(endpoint_id=created["id"])}
    old = by_secret[created["secret"]]
    assert dt.timedelta(hours=23, minutes=59) < old.expires_at - timezone.now() <= dt.timedelta(hours=24)
    assert by_secret[new].expires_at is None
    assert response.json()["previous_valid_until"] == old.expires_at.isoformat().replace("+00:00", "Z")


def test_replay_moves_the_cursor_and_refuses_a_bad_one(lawyer_api, case, loopback):
    endpoint_id = register(lawyer_api, case.organization, url="http://127.0.0.1:9/", since="now").json()["id"]
    url = f"/api/v1/webhooks/{endpoint_id}/replay/"

    assert lawyer_api.post(url, {"since": "12-34-0"}, format="json").json()["cursor"] == "12-34-0"
    bad = lawyer_api.post(url, {"since": "yesterday"}, format="json")
    assert bad.status_code == 400 and "not issued by this feed" in bad.json()["error"]["fields"]["since"][0]
    assert lawyer_api.post(url, {"since": None}, format="json").json()["cursor"] == "0-0-0"


def test_replay_from_before_the_horizon_is_410(lawyer_api, case, loopback):
    from changes.models import ChangeLogPruned

    endpoint_id = register(lawyer_api, case.organization, url="http://127.0.0.1:9/").json()["id"]
    ChangeLogPruned.objects.create(through_txid=10**6, through_id=50, generation=3)

    response = lawyer_api.post(f"/api/v1/webhooks/{endpoint_id}/replay/", {"since": "5-5-0"}, format="json")

    assert response.status_code == 410
    assert Endpoint.objects.get().cursor_text == "0-0-0"


def test_deliveries_are_listed_newest_first(lawyer_api, case, loopback):
    endpoint_id = register(lawyer_api, case.organization, url="http://127.0.0.1:9/").json()["id"]
    at = timezone.now()
    for n, (status, outcome) in enumerate([(500, "failed"), (204, "delivered")]):
        Delivery.objects.create(
            endpoint_id=endpoint_id,
            message_id=f"msg_{n}",
            attempted_at=at + dt.timedelta(seconds=n),
            cursor_from="1-1-0",
            cursor_to="1-9-0",
            items=3,
            outcome=outcome,
            status_code=status,
            latency_ms=12,
            response_excerpt="oops" if status == 500 else "",
        )

    body = lawyer_api.get(f"/api/v1/webhooks/{endpoint_id}/deliveries/").json()

    assert [(d["message_id"], d["status_code"], d["outcome"]) for d in body["results"]] == [
        ("msg_1", 204, "delivered"),
        ("msg_0", 500, "failed"),
    ]
    assert body["results"][1]["response_excerpt"] == "oops" and body["results"][1]["cursor_to"] == "1-9-0"


def test_list_and_detail_query_counts(lawyer_api, case, loopback, django_assert_num_queries):
    for port in (9, 10, 11):
        register(lawyer_api, case.organization, url=f"http://127.0.0.1:{port}/")
    endpoint_id = Endpoint.objects.first().pk
    # the token and its memberships are cached (apitokens/cache.py): one query, the endpoints
    # with their organization and owner
    with django_assert_num_queries(1):
        assert len(lawyer_api.get("/api/v1/webhooks/").json()["results"]) == 3
    with django_assert_num_queries(1):
        assert lawyer_api.get(f"/api/v1/webhooks/{endpoint_id}/").status_code == 200


def test_deliveries_query_count(lawyer_api, case, loopback, django_assert_num_queries):
    endpoint_id = register(lawyer_api, case.organization, url="http://127.0.0.1:9/").json()["id"]
    Delivery.objects.bulk_create(
        Delivery(
            endpoint_id=endpoint_id, message_id=f"msg_{n}", cursor_from="1-1-0", cursor_to="1-2-0", outcome="delivered"
        )
        for n in range(3)
    )
    # the endpoint (visibility) and the page of attempts (token and memberships are cached)
    with django_assert_num_queries(2):
        assert len(lawyer_api.get(f"/api/v1/webhooks/{endpoint_id}/deliveries/").json()["results"]) == 3
