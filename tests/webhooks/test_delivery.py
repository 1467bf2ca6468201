"""Delivery against a real HTTP receiver on a loopback port, on PostgreSQL with committed
transactions (transaction=True: the feed serves only settled rows, see changes/selectors.py)."""

import datetime as dt
import json
import time

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from standardwebhooks import Webhook

from actions import cases as case_actions
from actions import hearings as hearing_actions
from actions import organizations as organization_actions
from cases import services
from cases.models import Membership
from reminders.deadline_reminders import member_settings_update
from tests.api.conftest import client_with_token
from tests.factories import OrganizationFactory, UserFactory
from webhooks import delivery
from webhooks import services as webhooks
from webhooks.dispatch import webhooks_dispatch
from webhooks.models import Delivery, Endpoint
from webhooks.transport import Transport

pytestmark = pytest.mark.django_db(transaction=True)

_markers = iter(range(10**6))


@pytest.fixture
def org():
    return OrganizationFactory(slug="roskomsvoboda")


@pytest.fixture
def lawyer(org):
    user = UserFactory(username="lawyer")
    organization_actions.membership_set(organization=org, user=user, role=Membership.Role.LAWYER)
    return user


def new_case(org, *, public=True, title="Popova v. Moscow"):
    return services.case_create(
        organization=org, title=title, is_public=public, status="filed", filed_on=dt.date(2019, 10, 2)
    )


def run_until_marker(endpoint, receiver, *, timeout=60):
    """Deliver until a public marker (a court written now) has reached the receiver: the
    horizon is cluster-wide (other test runs' transactions hold it back for a moment)."""
    marker = services.court_create(
        name=f"Marker court {next(_markers)}", jurisdiction="de", level="first_instance", time_zone="UTC"
    )
    transport = Transport(max_connections_per_host=2)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for claim in delivery.endpoints_claim_due(limit=10):
            delivery.endpoint_run(claim=claim, transport=transport, until=time.monotonic() + 10)
        if any(("court", marker.pk) in items_of(body) for _, body in receiver.requests):
            return marker
        time.sleep(0.05)
    raise AssertionError("the marker did not arrive")


def items_of(body):
    return {(item["type"], item["id"]) for item in json.loads(body)["results"]}


def deliver_until(done, *, timeout=30, before=None):
    """Claim and run due endpoints (this thread) until `done()`; `before` runs ahead of each round."""
    transport = Transport(max_connections_per_host=2)
    deadline = time.monotonic() + timeout
    while not done() and time.monotonic() < deadline:
        if before is not None:
            before()
        for claim in delivery.endpoints_claim_due(limit=5):
            delivery.endpoint_run(claim=claim, transport=transport, until=time.monotonic() + 5)
        time.sleep(0.05)


def pushed(receiver, marker=None):
    """Every item received, in order, markers left out."""
    items = []
    for _, body in receiver.requests:
        for item in json.loads(body)["results"]:
            if item["type"] == "court" and (item["data"] or {}).get("name", "").startswith("Marker court"):
                continue
            items.append(item)
    return items


def test_batches_are_the_owners_feed_signed_and_in_commit_order(org, lawyer, receiver, settings):
    # given an endpoint for everything and a few writes, in batches of two
    settings.WEBHOOKS_BATCH_SIZE = 2
    endpoint, secret = webhooks.endpoint_create(organization=org, owner=lawyer, url=receiver.url)
    case = new_case(org, public=False)
    party = services.party_add(
        case=case, role="plaintiff", name="Alena Popova", alias="A. P.", contact_email="a@example.org"
    )
    case_actions.case_update(case=case, summary="Facial recognition in the metro")

    # when the dispatcher delivers
    run_until_marker(endpoint, receiver)

    # then every batch verifies with the standard library and the secret the API returned
    verifier = Webhook(secret)
    for headers, body in receiver.requests:
        assert verifier.verify(body, headers)["results"]
        assert headers["Content-Type"] == "application/json"
        assert headers["webhook-id"].startswith(f"msg_{endpoint.pk}_")
    # and the items are what the lawyer's token pulls from /api/v1/changes/ in pages of two
    client, pulled, since = client_with_token(lawyer), [], ""
    while True:
        page = client.get(f"/api/v1/changes/?limit=2{since}").json()
        pulled += [i for i in page["results"] if i["type"] != "court"]
        since = f"&since={page['next']}"
        if not page["has_more"]:
            break
    received = pushed(receiver)
    assert received == pulled
    assert [(i["type"], i["id"]) for i in received][-2:] == [("party", party.pk), ("case", case.pk)]
    assert {i["op"] for i in received} == {"upsert"}
    assert received[-2]["data"]["contact_email"] == "a@example.org"  # a member's private field
    # and each batch holds at most two items, and the cursor moved past them
    assert max(len(json.loads(body)["results"]) for _, body in receiver.requests) <= 2
    endpoint.refresh_from_db()
    assert endpoint.cursor_txid > 0 and endpoint.failure_streak == 0 and endpoint.claimed_at is None
    deliveries = list(Delivery.objects.filter(endpoint=endpoint).order_by("attempted_at", "id"))
    assert all(d.outcome == "delivered" and d.status_code == 204 for d in deliveries)
    assert deliveries[0].cursor_from == "0-0-0"
    assert [d.cursor_from for d in deliveries[1:]] == [d.cursor_to for d in deliveries[:-1]]


def test_types_filter_and_an_outsiders_view(org, lawyer, receiver):
    # given an endpoint for hearings only
    endpoint, _ = webhooks.endpoint_create(
        organization=org, owner=lawyer, url=receiver.url, types=["hearing", "court"], since="now"
    )
    case = new_case(org)
    court = services.court_create(name="Tverskoy", jurisdiction="ru", level="first_instance", time_zone="Europe/Moscow")
    hearing = hearing_actions.hearing_schedule(case=case, court=court, starts_at=timezone.now() + dt.timedelta(days=9))

    run_until_marker(endpoint, receiver)

    # then only hearings and courts arrive
    assert [(i["type"], i["id"]) for i in pushed(receiver)] == [("court", court.pk), ("hearing", hearing.pk)]


def test_a_failing_receiver_keeps_the_cursor_backs_off_and_gets_the_batch_again(org, lawyer, receiver):
    endpoint, _ = webhooks.endpoint_create(organization=org, owner=lawyer, url=receiver.url, since="now")
    case = new_case(org)
    receiver.answers = [(500, b"database is down" * 200)]

    # when the first attempt gets a 500
    deliver_until(lambda: receiver.requests)

    # then the cursor stays, the failure is logged with the start of the answer, and it waits
    endpoint.refresh_from_db()
    assert endpoint.failure_streak == 1 and endpoint.failing_since is not None and endpoint.claimed_at is None
    assert 5 <= (endpoint.next_attempt_at - timezone.now()).total_seconds() <= 10
    failed = Delivery.objects.get(endpoint=endpoint)
    assert (failed.outcome, failed.status_code) == ("failed", 500)
    assert failed.response_excerpt == ("database is down" * 200)[:1024]
    assert delivery.endpoints_claim_due(limit=5) == []  # not before its time
    # and when its time comes, it goes again from the same position (the batch may have grown
    # meanwhile: the marker) and the failures are cleared
    Endpoint.objects.update(next_attempt_at=timezone.now())
    run_until_marker(endpoint, receiver)
    again = receiver.requests[1]
    assert again[0]["webhook-id"].startswith(f"msg_{endpoint.pk}_0-0-0_")
    assert ("case", case.pk) in items_of(again[1])
    endpoint.refresh_from_db()
    assert endpoint.failure_streak == 0 and endpoint.failing_since is None


def test_a_redirect_is_not_followed(org, lawyer, receiver):
    endpoint, _ = webhooks.endpoint_create(organization=org, owner=lawyer, url=receiver.url, since="now")
    new_case(org)
    receiver.answers = [(302, b"")]
    deliver_until(lambda: Delivery.objects.exists())

    assert Delivery.objects.get().status_code == 302 and len(receiver.requests) == 1
    assert Endpoint.objects.get().failure_streak == 1


def test_410_disables_at_once_and_owners_are_told_in_their_language(org, lawyer, receiver, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    owner = UserFactory(username="owner", email="owner@example.org")
    organization_actions.membership_set(organization=org, user=owner, role=Membership.Role.OWNER)
    member_settings_update(user=owner, language="ru")
    endpoint, _ = webhooks.endpoint_create(organization=org, owner=lawyer, url=receiver.url, since="now")
    new_case(org)
    receiver.answers = [(410, b"")]
    deliver_until(lambda: not (Endpoint.objects.get().active))

    endpoint.refresh_from_db()
    assert not endpoint.active and endpoint.disabled_reason == "The receiver answered 410 Gone."
    delivery.endpoint_disabled_notify(endpoint_id=endpoint.pk)
    assert [m.to for m in mail.outbox] == [["owner@example.org"]]
    assert mail.outbox[0].subject == f"Вебхук отключён: {receiver.url}"
    assert "410" in mail.outbox[0].body


def test_after_three_days_of_failures_the_endpoint_is_disabled(org, lawyer, receiver):
    endpoint, _ = webhooks.endpoint_create(organization=org, owner=lawyer, url=receiver.url, since="now")
    new_case(org)
    receiver.answers = [(503, b"")] * 2

    def attempt():
        before = len(receiver.requests)
        deliver_until(
            lambda: len(receiver.requests) > before,
            before=lambda: Endpoint.objects.update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1)),
        )

    attempt()
    endpoint.refresh_from_db()
    assert endpoint.active and endpoint.failure_streak == 1
    position = endpoint.cursor_text
    with time_machine.travel(timezone.now() + dt.timedelta(hours=72, minutes=1)):
        attempt()
        endpoint.refresh_from_db()
    assert not endpoint.active and endpoint.disabled_reason == "Deliveries failed for 72 hours."
    assert endpoint.cursor_text == position  # nothing skipped: turned back on, it resumes here


def test_the_address_is_checked_again_on_every_connection(org, lawyer, receiver, settings):
    # given an endpoint registered while loopback was allowed (local work)
    endpoint, _ = webhooks.endpoint_create(organization=org, owner=lawyer, url=receiver.url, since="now")
    new_case(org)
    # when loopback is no longer allowed (as if the name now resolved to 127.0.0.1)
    settings.WEBHOOKS_ALLOW_LOOPBACK = False
    deliver_until(lambda: Delivery.objects.exists())

    # then nothing reached the receiver and the attempt says why
    assert receiver.requests == []
    failed = Delivery.objects.get()
    assert failed.status_code is None and "a loopback address" in failed.error


def test_an_owner_who_became_a_viewer_no_longer_receives(org, lawyer, receiver):
    endpoint, _ = webhooks.endpoint_create(organization=org, owner=lawyer, url=receiver.url, since="now")
    organization_actions.membership_set(organization=org, user=lawyer, role=Membership.Role.VIEWER)
    new_case(org, public=False)
    deliver_until(lambda: not (Endpoint.objects.get().active))

    endpoint.refresh_from_db()
    assert receiver.requests == []
    assert endpoint.disabled_reason == "Its owner is no longer a lawyer or owner of the organization."


def test_rotation_signs_with_both_secrets(org, lawyer, receiver):
    endpoint, old = webhooks.endpoint_create(organization=org, owner=lawyer, url=receiver.url, since="now")
    new = webhooks.endpoint_secret_rotate(endpoint=endpoint, actor=lawyer)
    new_case(org)

    run_until_marker(endpoint, receiver)

    headers, body = receiver.requests[-1]
    assert len(headers["webhook-signature"].split(" ")) == 2
    assert Webhook(old).verify(body, headers) and Webhook(new).verify(body, headers)


def test_the_dispatcher_runs_endpoints_side_by_side_and_an_idle_tick_claims_nothing(org, lawyer, settings):
    from tests.webhooks.conftest import RecordingReceiver

    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    settings.WEBHOOKS_WAKE_ON_COMMIT = False
    receivers = [RecordingReceiver() for _ in range(3)]
    try:
        for r in receivers:
            webhooks.endpoint_create(organization=org, owner=lawyer, url=r.url)
        case = new_case(org)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not all(
            any(("case", case.pk) in items_of(body) for _, body in r.requests) for r in receivers
        ):
            webhooks_dispatch(budget_seconds=5)
            time.sleep(0.05)
        assert all(any(("case", case.pk) in items_of(body) for _, body in r.requests) for r in receivers)
        # once caught up (and the horizon past our rows), a tick finds nothing to claim
        deadline = time.monotonic() + 30
        while delivery.endpoints_claim_due(limit=10) and time.monotonic() < deadline:
            Endpoint.objects.update(claimed_at=None, next_attempt_at=timezone.now())
            webhooks_dispatch(budget_seconds=5)
        assert delivery.endpoints_claim_due(limit=10) == []
    finally:
        for r in receivers:
            r.close()


@pytest.mark.parametrize("answer", [500, 204, 410])
def test_an_endpoint_deleted_while_its_batch_is_out_ends_the_tick_cleanly(org, lawyer, receiver, caplog, answer):
    # given an endpoint registered through the API and deleted through the API while the worker
    # waits for its receiver's answer (issue 22: IntegrityError at the attempt's save, 3 of 3 tries)
    from django.db import connection as server_connection

    from webhooks.tasks import webhooks_dispatch_task

    client = client_with_token(lawyer)
    endpoint_id = client.post(
        "/api/v1/webhooks/", {"organization": org.slug, "url": receiver.url}, format="json"
    ).json()["id"]
    new_case(org)

    def delete_through_the_api():
        assert client.delete(f"/api/v1/webhooks/{endpoint_id}/").status_code == 204
        server_connection.close()  # the receiver thread's own connection

    receiver.while_answering = delete_through_the_api
    receiver.answers = [(answer, b"")]

    # when the dispatch task runs (the real task, in this process) until the request went out
    deadline = time.monotonic() + 30
    while not receiver.requests and time.monotonic() < deadline:
        assert webhooks_dispatch_task.apply().successful()
        time.sleep(0.05)

    # then the task ended without an error, nothing points at the deleted endpoint, and the
    # next tick finds nothing to do
    assert len(receiver.requests) == 1
    assert not Endpoint.objects.exists() and not Delivery.objects.exists()
    assert webhooks_dispatch_task.apply().get() == 0
    assert delivery.endpoints_claim_due(limit=10) == []
    assert [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")] == []
