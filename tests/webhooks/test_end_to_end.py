"""Webhooks end to end with real parts: 4 API writers (real HTTP, PostgreSQL), a Celery worker
and beat (separate processes, Redis broker), and two real HTTP receivers on loopback ports.
Receiver A is the reference receiver (examples/webhook_receiver.py), killed and restarted
mid-run; receiver B answers 500 for a while; the worker is SIGKILLed once and started again.
At the end both pushed replicas equal the server's state and a replica pulled from
/api/v1/changes/ with the same owner's token."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection
from standardwebhooks import Webhook

from actions import organizations as organization_actions
from apitokens.services import api_token_create
from cases import services
from cases.models import Membership
from examples.sync_client import SyncClient
from examples.webhook_receiver import WebhookReceiver, make_server
from tests.changes.test_sync_concurrent import Writer, lawyer_writers, server_state
from tests.factories import OrganizationFactory, UserFactory
from tests.processes import BIN, ROOT, clean_env, free_port, running, session_database_url, stop_group
from tests.reminders.pipeline import wait_until
from webhooks.models import Delivery, Endpoint

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


class FlakyReceiver(WebhookReceiver):
    """Answers 500 while `failing` is set, then verifies and applies like the reference."""

    failing = True
    refused = 0

    def handle(self, body: bytes, headers: dict[str, str]) -> int:
        if self.failing:
            self.refused += 1
            return 500
        return super().handle(body, headers)


def start_reference_receiver(port: int, secret: str, db: Path, log: Path) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "examples/webhook_receiver.py", "--port", str(port), "--secret", secret, "--db", str(db)]
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    wait_until(lambda: b"listening" in log.read_bytes(), timeout=30, what="receiver A listening")
    return proc


def worker_env(tmp_path: Path) -> dict[str, str]:
    return clean_env(
        DEBUG="false",
        SECRET_KEY="webhooks-e2e-test-secret-key-0123456789abcdef0123",
        DATABASE_URL=session_database_url(),
        REDIS_URL=os.environ["REDIS_URL"],
        TRACKER_VAR_DIR=str(tmp_path / "var"),
        WEBHOOKS_ALLOW_LOOPBACK="true",
        # Short enough for a test: a dead worker's endpoints are free again after 8 s, a failed
        # batch is retried within 2 s, the tick runs every second.
        WEBHOOKS_LEASE_SECONDS="8",
        WEBHOOKS_TOTAL_TIMEOUT_SECONDS="5",
        WEBHOOKS_RETRY_BASE_SECONDS="0.5",
        WEBHOOKS_RETRY_MAX_SECONDS="2",
        WEBHOOKS_TICK_SECONDS="1",
        WEBHOOKS_BATCH_SIZE="20",
        CONN_MAX_AGE="0",
    )


@contextlib.contextmanager
def worker(env: dict[str, str], log: Path):  # type: ignore[no-untyped-def]
    cmd = [
        str(BIN / "celery"), "-A", "tracker", "worker", "--loglevel", "INFO", "--concurrency", "2",
        "--without-gossip", "--without-mingle", "-n", f"webhooks-e2e-{free_port()}@%h",
    ]  # fmt: skip
    with running(cmd, env=env, log=log) as proc:
        wait_until(lambda: b" ready." in log.read_bytes(), timeout=60, what=f"worker ready ({log})")
        yield proc


def test_pushed_replicas_equal_the_server_and_the_pulled_replica(live_server, tmp_path, settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK = True  # the live server registers loopback receivers
    org = OrganizationFactory(slug="roskomsvoboda")
    court = services.court_create(name="Tverskoy", jurisdiction="ru", level="first_instance", time_zone="Europe/Moscow")
    appeal_court = services.court_create(
        name="Moscow City Court", jurisdiction="ru", level="appeal", time_zone="Europe/Moscow"
    )
    writers = lawyer_writers(live_server.url, org, court, appeal_court, count=4)
    owner = UserFactory(username="hooks")
    organization_actions.membership_set(organization=org, user=owner, role=Membership.Role.LAWYER)
    _, owner_token = api_token_create(user=owner, name="hooks")

    # given two endpoints registered over the API by a lawyer
    port_a = free_port()
    flaky = FlakyReceiver(secrets=["whsec_" + "A" * 44], db_path=str(tmp_path / "b.sqlite3"))
    server_b = make_server(flaky, "127.0.0.1", 0)
    threading.Thread(target=server_b.serve_forever, daemon=True).start()
    registrar = Writer(live_server.url, owner_token, org.slug, court.pk, seed=9, appeal_court_id=0, user=owner)
    status_a, body_a, _ = registrar.call(
        "POST", "/api/v1/webhooks/", {"organization": org.slug, "url": f"http://127.0.0.1:{port_a}/"}
    )
    status_b, body_b, _ = registrar.call(
        "POST",
        "/api/v1/webhooks/",
        {"organization": org.slug, "url": f"http://127.0.0.1:{server_b.server_address[1]}/hook"},
    )
    assert (status_a, status_b) == (201, 201), (body_a, body_b)
    flaky.verifiers = [Webhook(body_b["secret"])]

    env = worker_env(tmp_path)
    log_a = tmp_path / "receiver-a.log"
    receiver_a = start_reference_receiver(port_a, body_a["secret"], tmp_path / "a.sqlite3", log_a)
    beat_cmd = [str(BIN / "celery"), "-A", "tracker", "beat", "--loglevel", "INFO", "-s", str(tmp_path / "beat")]
    try:
        with running(beat_cmd, env=env, log=tmp_path / "beat.log"):
            worker_log = tmp_path / "worker.log"
            with worker(env, worker_log) as worker_proc:
                # when 4 writers hammer the API while the receivers and the worker misbehave
                threads = [threading.Thread(target=w.run) for w in writers]
                for thread in threads:
                    thread.start()
                wait_until(
                    lambda: Delivery.objects.filter(outcome="delivered").count() >= 3, timeout=60, what="deliveries"
                )
                os.killpg(receiver_a.pid, signal.SIGKILL)  # receiver A dies
                receiver_a.wait(10)
                endpoint_a = Endpoint.objects.get(pk=body_a["id"])
                services.court_create(name="While A is down", jurisdiction="de", level="appeal", time_zone="UTC")
                wait_until(
                    lambda: Delivery.objects.filter(endpoint=endpoint_a, status_code=None).exists(),
                    timeout=60,
                    what="a refused delivery to A",
                )
                receiver_a = start_reference_receiver(port_a, body_a["secret"], tmp_path / "a.sqlite3", log_a)
                flaky.failing = False  # receiver B recovers
                stop_group(worker_proc, signal.SIGKILL)  # the worker dies mid-run
            with worker(env, tmp_path / "worker2.log"):
                for thread in threads:
                    thread.join(300)
                # then, past a marker written after every writer finished, all three replicas agree
                marker = services.court_create(
                    name="Marker", jurisdiction="de", level="first_instance", time_zone="UTC"
                )
                pulled = SyncClient(base_url=live_server.url, token=owner_token, db_path=str(tmp_path / "p.sqlite3"))
                replica_a = WebhookReceiver(secrets=[body_a["secret"]], db_path=str(tmp_path / "a.sqlite3")).replica

                def caught_up() -> bool:
                    pulled.sync_once()
                    return all(("court", marker.pk) in r.records() for r in (replica_a, flaky.replica, pulled))

                wait_until(
                    caught_up, timeout=180, what="both receivers and the pulled replica reach the marker", every=0.5
                )
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(receiver_a.pid, signal.SIGKILL)
        receiver_a.wait(10)
        server_b.shutdown()
        server_b.server_close()
        connection.close()

    assert [e for w in writers for e in w.server_errors] == []
    expected = server_state(owner, frozenset({org.pk}))
    assert replica_a.records() == expected
    assert flaky.replica.records() == expected
    assert pulled.records() == expected
    assert any(type_name == "deadline" for type_name, _ in expected)  # members' records came too
    # and the misbehaviour really happened and was recorded
    assert flaky.refused >= 1
    endpoint_b = Endpoint.objects.get(url__endswith="/hook")
    assert Delivery.objects.filter(endpoint=endpoint_b, status_code=500).exists()
    assert Endpoint.objects.filter(active=True).count() == 2
    refused = Delivery.objects.filter(endpoint=endpoint_a, status_code=None).first()
    assert refused is not None and "refused" in refused.error.lower()
    print(
        f"records {len(expected)}; deliveries {Delivery.objects.count()} "
        f"(failed {Delivery.objects.filter(outcome='failed').count()}); B refused {flaky.refused}"
    )
