"""/metrics: who may read it, and the tracker's own figures read from the rows themselves."""

import datetime as dt

import pytest
import time_machine
from prometheus_client.parser import text_string_to_metric_families

from documents.models import Dossier
from reminders.models import Notice, Reminder
from tests.factories import HearingFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def samples(response) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus text page by (name, sorted labels)."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def test_refused_from_other_addresses_and_with_a_wrong_token(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.1.0.0/16"]
    settings.METRICS_TOKEN = "scrape-secret-0123456789"
    assert client.get("/metrics").status_code == 403  # the test client is 127.0.0.1
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.2.0.1").status_code == 403
    # but a listed network, or the token, may read
    assert client.get("/metrics", REMOTE_ADDR="10.1.200.7").status_code == 200
    response = client.get("/metrics", headers={"Authorization": "Bearer scrape-secret-0123456789"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")


def test_no_token_configured_means_no_token_accepted(client, settings):
    settings.METRICS_ALLOWED_IPS = []
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 403


def test_reminders_dossiers_and_the_queue(client, settings):
    # given hearing reminders in every state, two of them due (the oldest 10 minutes late), a
    # notice due 2 minutes ago, and two finished dossier renders of 3 s and 40 s
    hearing = HearingFactory(starts_at=NOW + dt.timedelta(days=1))
    subscription = SubscriptionFactory(case=hearing.case)
    for offset, state, due in [
        (10, "pending", NOW - dt.timedelta(minutes=10)),
        (20, "pending", NOW - dt.timedelta(minutes=1)),
        (30, "pending", NOW + dt.timedelta(hours=1)),
        (40, "sent", NOW - dt.timedelta(hours=1)),
        (50, "sent", NOW - dt.timedelta(hours=2)),
        (60, "failed", NOW - dt.timedelta(hours=3)),
        (70, "skipped", NOW - dt.timedelta(hours=4)),
    ]:
        Reminder.objects.create(
            subscription=subscription,
            hearing=hearing,
            offset_minutes=offset,
            hearing_starts_at=hearing.starts_at,
            due_at=due,
            state=state,
        )
    Notice.objects.create(
        subscription=subscription, kind="cancelled", hearing=hearing, due_at=NOW - dt.timedelta(minutes=2)
    )
    for seconds in (3, 40):
        Dossier.objects.create(
            case=hearing.case,
            edition="public",
            language="en",
            state="ready",
            started_at=NOW - dt.timedelta(hours=1),
            finished_at=NOW - dt.timedelta(hours=1) + dt.timedelta(seconds=seconds),
        )
    Dossier.objects.create(case=hearing.case, edition="internal", language="en", state="queued")
    # when Prometheus scrapes
    with time_machine.travel(NOW, tick=False):
        response = client.get("/metrics")
    assert response.status_code == 200
    got = samples(response)
    # then the rows by state, the due ones and the oldest one's lag are there
    hearing_states = {
        state: got[("tracker_reminders", (("kind", "hearing"), ("state", state)))]
        for state in ("pending", "sending", "sent", "failed", "skipped", "cancelled")
    }
    assert hearing_states == {"pending": 3, "sending": 0, "sent": 2, "failed": 1, "skipped": 1, "cancelled": 0}
    assert got[("tracker_reminders_due", (("kind", "hearing"),))] == 2
    assert got[("tracker_reminders_oldest_due_lag_seconds", (("kind", "hearing"),))] == 600
    assert got[("tracker_reminders_due", (("kind", "notice"),))] == 1
    assert got[("tracker_reminders_oldest_due_lag_seconds", (("kind", "notice"),))] == 120
    assert got[("tracker_reminders_due", (("kind", "deadline"),))] == 0
    assert got[("tracker_reminders_oldest_due_lag_seconds", (("kind", "deadline"),))] == 0
    # the render-time histogram counts the two finished renders, cumulatively by bound
    render = {
        dict(labels).get("le"): value
        for (name, labels), value in got.items()
        if name == "tracker_dossier_render_seconds_bucket"
    }
    assert render == {"1.0": 0, "2.5": 0, "5.0": 1, "10.0": 1, "30.0": 1, "60.0": 2, "120.0": 2, "+Inf": 2}
    assert got[("tracker_dossier_render_seconds_count", ())] == 2
    assert got[("tracker_dossier_render_seconds_sum", ())] == 43
    # the broker (the suite's Redis) answered, with the tasks waiting in it
    assert got[("tracker_broker_up", ())] == 1
    assert ("tracker_celery_queue_length", (("queue", "celery"),)) in got
    # and django-prometheus' request figures are there too
    assert any(name.startswith("django_http_requests_total_by_method") for name, _ in got)


def test_queue_length_counts_the_tasks_waiting_in_redis(client, settings):
    import redis

    connection = redis.Redis.from_url(settings.REDIS_URL)
    connection.delete("celery")
    before = samples(client.get("/metrics"))[("tracker_celery_queue_length", (("queue", "celery"),))]
    assert before == 0
    from tracker.celery import ping_task

    for _ in range(3):
        ping_task.delay()
    after = samples(client.get("/metrics"))[("tracker_celery_queue_length", (("queue", "celery"),))]
    connection.delete("celery")
    assert after == 3


def test_a_broker_that_does_not_answer_is_reported_not_raised(client, settings):
    from tracker.celery import app

    app.conf.broker_url, saved = "redis://127.0.0.1:9/0", app.conf.broker_url  # nothing listens on port 9
    try:
        response = client.get("/metrics")
    finally:
        app.conf.broker_url = saved
    got = samples(response)
    assert response.status_code == 200
    assert got[("tracker_broker_up", ())] == 0
    assert ("tracker_celery_queue_length", (("queue", "celery"),)) not in got


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_several_gunicorn_workers_give_one_sum(tmp_path):
    # given production's web server with three workers (gunicorn.conf.py sets up the shared files)
    import os
    import signal
    import time

    from tests.processes import BIN, free_port, production_env, running, wait_for_http

    env = production_env(tmp_path, SECURE_SSL_REDIRECT="false", METRICS_TOKEN="scrape-secret-0123456789")
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = [str(BIN / "gunicorn"), "tracker.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "3"]
    token = {"Authorization": "Bearer scrape-secret-0123456789"}

    def healthz_count() -> float:
        status, body, _ = wait_for_http(f"{base}/metrics", headers=token)
        assert status == 200, body
        return sum(
            sample.value
            for family in text_string_to_metric_families(body.decode())
            for sample in family.samples
            if sample.name == "django_http_requests_total_by_view_transport_method_total"
            and sample.labels.get("view") == "healthz"
        )

    with running(gunicorn, env=env, log=tmp_path / "gunicorn.log") as master:
        assert wait_for_http(f"{base}/healthz", timeout=60)[0] == 200  # every worker booted
        time.sleep(3)
        before = healthz_count()
        # when 90 more requests are spread over the workers (gunicorn's sync workers take turns)
        for _ in range(90):
            assert wait_for_http(f"{base}/healthz")[0] == 200
        # then any scrape, answered by any worker, counts all 90
        assert [healthz_count() - before for _ in range(6)] == [90] * 6
        # and a worker that is replaced takes none of its counts with it
        workers = [int(pid) for pid in open(f"/proc/{master.pid}/task/{master.pid}/children").read().split()]
        assert len(workers) == 3
        os.kill(workers[0], signal.SIGKILL)
        time.sleep(2)
        assert wait_for_http(f"{base}/healthz")[0] == 200
        assert healthz_count() - before == 91
    assert "Booting worker" in (tmp_path / "gunicorn.log").read_text()
