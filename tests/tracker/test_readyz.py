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


@pytest.fixture
def storage_calls(monkeypatch):
    """Every write, read and delete the file storage is asked for, counted at the storage class."""
    from django.core.files.storage import FileSystemStorage

    calls = []
    for method in ("_save", "_open", "delete"):
        original = getattr(FileSystemStorage, method)

        def counted(self, *args, _original=original, _method=method, **kwargs):
            calls.append(_method)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(FileSystemStorage, method, counted)
    return calls


def test_anonymous_hits_probe_the_storage_at_most_once_per_period(client, settings, tmp_path, storage_calls):
    # given the default period (60 s) and a beat that ticks
    settings.MEDIA_ROOT = tmp_path
    beat_tick_record()

    # when /readyz is hit fifty times by anonymous callers
    answers = [client.get("/readyz") for _ in range(50)]

    # then every answer reports the storage, but it was written, read and deleted once
    assert {(r.status_code, r.json()["storage"]) for r in answers} == {(200, "ok")}
    assert storage_calls == ["_save", "_open", "delete"]


def test_after_the_period_the_storage_is_probed_again_and_a_failure_shows(client, settings, tmp_path, storage_calls):
    settings.MEDIA_ROOT = tmp_path
    settings.READYZ_STORAGE_CHECK_SECONDS = 1
    beat_tick_record()
    assert client.get("/readyz").json()["storage"] == "ok"
    # when the storage breaks, the kept result stands until the period is over
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocked
    assert client.get("/readyz").json()["storage"] == "ok"
    time.sleep(1.1)
    broken = client.get("/readyz")
    assert broken.status_code == 503 and broken.json()["storage"].startswith("error: ")
    # and the failure is kept for the period too: no probe per request while it lasts
    probes = storage_calls.count("_save")
    assert client.get("/readyz").json()["storage"] == broken.json()["storage"]
    assert (probes, storage_calls.count("_save")) == (2, 2)


def test_a_period_of_zero_probes_on_every_request(client, settings, tmp_path, storage_calls):
    settings.MEDIA_ROOT = tmp_path
    settings.READYZ_STORAGE_CHECK_SECONDS = 0
    for _ in range(3):
        client.get("/readyz")
    assert storage_calls.count("_save") == 3
