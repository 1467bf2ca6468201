"""/readyz for load balancers: the database, Redis, the file storage and the beat's heartbeat,
which the real beat process records (tracker/beat.py)."""

import datetime as dt
import time

import pytest
import time_machine
from django.core.cache import cache

from tests.processes import BIN, production_env, running
from tracker.beat import BEAT_TICK_KEY, beat_tick_age_seconds, beat_tick_record

pytestmark = pytest.mark.django_db


def test_ready_when_every_part_answers_and_the_beat_ticked_recently(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    beat_tick_record()
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok", "storage": "ok", "beat": "ok"}
    assert "no-cache" in response["Cache-Control"]
    # the storage probe leaves nothing behind
    assert list((tmp_path / "readyz").iterdir()) == []


def test_a_beat_silent_for_more_than_three_minutes_is_not_ready(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        beat_tick_record()
        traveller.shift(dt.timedelta(seconds=179))
        assert client.get("/readyz").status_code == 200
        traveller.shift(dt.timedelta(seconds=62))
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["beat"] == "error: the beat's last tick was 241 s ago (limit 180 s)"
    assert response.json()["database"] == "ok"


def test_no_beat_tick_at_all_is_not_ready_and_the_limit_is_a_setting(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["beat"] == "error: no beat tick recorded (is `celery -A tracker beat` running?)"
    # a host whose operator watches the beat otherwise can leave it out
    settings.READYZ_BEAT_MAX_AGE_SECONDS = 0
    response = client.get("/readyz")
    assert (response.status_code, "beat" in response.json()) == (200, False)


def test_storage_that_cannot_be_written_is_not_ready(client, settings, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocked
    beat_tick_record()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["storage"].startswith("error: ")
    assert response.json()["beat"] == "ok"


def test_healthz_stays_as_it_was(client):
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok", "database": "ok", "cache": "ok"})


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_real_beat_records_its_ticks(client, settings, tmp_path):
    # given the beat process of production (PostgreSQL, Redis), started for real
    settings.MEDIA_ROOT = tmp_path
    env = production_env(tmp_path)
    assert cache.get(BEAT_TICK_KEY) is None
    beat = [str(BIN / "celery"), "-A", "tracker", "beat", "--loglevel", "INFO", "--schedule", str(tmp_path / "s")]
    with running(beat, env=env, log=tmp_path / "beat.log"):
        deadline = time.monotonic() + 60
        while beat_tick_age_seconds() is None and time.monotonic() < deadline:
            time.sleep(0.5)
        # then its tick is recorded and /readyz is ready
        assert beat_tick_age_seconds() is not None, (tmp_path / "beat.log").read_text()
        assert beat_tick_age_seconds() < 5
        assert client.get("/readyz").json()["beat"] == "ok"
