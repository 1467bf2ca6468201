"""`make run`'s processes (honcho, Procfile.dev: SQLite, the filesystem broker, the beat with
the tick registered by migration, the console mail sink) show a reminder in the console."""

import time

import pytest

from tests.processes import BIN, clean_env, free_port, manage, running, wait_for_http

pytestmark = pytest.mark.slow

SCRIPT = """
import datetime as dt
from django.utils import timezone
from cases.models import Case
from cases.services import hearing_schedule
from reminders.services import subscription_confirm, subscription_subscribe
case = Case.objects.get(slug="popova-v-moscow")
subscription = subscription_subscribe(case=case, email="demo@example.net", offsets_minutes=[3]).subscription
subscription_confirm(token=subscription.confirm_token)
subscription_subscribe(case=case, email="new@example.net", language="ru")
hearing_schedule(case=case, court=case.hearings.first().court, courtroom="Demo",
                 starts_at=timezone.now() + dt.timedelta(minutes=3, seconds=5))
"""


def test_make_run_prints_the_confirmation_and_the_reminder_in_the_console(tmp_path):
    env = clean_env(DEBUG="true", TRACKER_VAR_DIR=str(tmp_path / "var"), EMAIL_PORT=str(free_port()))
    assert manage("migrate", "--noinput", env=env).returncode == 0
    assert manage("seed_demo", "--no-accounts", env=env).returncode == 0
    port = free_port()
    log = tmp_path / "honcho.log"
    with running([str(BIN / "honcho"), "-f", "Procfile.dev", "start", "--port", str(port)], env=env, log=log):
        wait_for_http(f"http://127.0.0.1:{port}/healthz", timeout=90)
        # given a confirmed subscriber and a hearing whose 3-minute reminder is due now
        scheduled = manage("shell", "--verbosity", "0", "-c", SCRIPT, env=env)
        assert scheduled.returncode == 0, scheduled.stderr
        # then within the beat's minute the mail sink prints the confirmation and the reminder
        deadline = time.monotonic() + 150
        while b"Subject: Reminder: hearing on the merits in Popova" not in log.read_bytes():
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(1)
    text = log.read_text()
    assert "Mail sink listening on 127.0.0.1:" in text
    assert "To: new@example.net" in text
    # the Russian subscriber's confirmation names the case by its Russian title (the demo has both)
    assert "Subject: Подтвердите подписку на заседания по делу «Попова против Москвы (распознавание лиц" in text
    assert "To: demo@example.net" in text
    assert "[attachments: hearing.ics]" in text
