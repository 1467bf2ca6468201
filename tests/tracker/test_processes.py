"""The processes users run, started for real: the embedded `make run` path (SQLite, filesystem
broker, honcho with web + worker + beat) and the production path (gunicorn + whitenoise, a
worker on Redis, PostgreSQL)."""

import json
import signal
import sys
import time

import pytest

from tests.processes import (
    BIN,
    clean_env,
    free_port,
    group_is_gone,
    manage,
    production_env,
    running,
    stop_group,
    wait_for_http,
)

pytestmark = pytest.mark.slow

PING = "from tracker.celery import ping_task; print(ping_task.delay().get(timeout=60))"


def test_make_run_path_on_sqlite_and_the_embedded_broker(tmp_path):
    # given a fresh machine's environment: no DATABASE_URL, no REDIS_URL
    env = clean_env(DEBUG="true", TRACKER_VAR_DIR=str(tmp_path / "var"), EMAIL_PORT=str(free_port()))
    assert manage("migrate", "--noinput", env=env).returncode == 0
    seeded = manage("seed_demo", env=env)
    assert seeded.returncode == 0, seeded.stderr
    assert "Demo loaded: 5 cases" in seeded.stdout
    port = free_port()
    log = tmp_path / "honcho.log"
    # when honcho starts web, worker and beat from Procfile.dev
    with running([str(BIN / "honcho"), "-f", "Procfile.dev", "start", "--port", str(port)], env=env, log=log) as honcho:
        status, body, _ = wait_for_http(f"http://127.0.0.1:{port}/healthz", timeout=90)
        assert (status, json.loads(body)) == (200, {"status": "ok", "database": "ok", "cache": "ok"})
        # the admin signs in through the site's page (password, then a second factor if set up)
        status, _, headers = wait_for_http(f"http://127.0.0.1:{port}/admin/login/")
        assert (status, headers.get("Location")) == (302, "/accounts/login/?next=%2Fadmin%2Flogin%2F")
        status, body, _ = wait_for_http(f"http://127.0.0.1:{port}/accounts/login/")
        assert status == 200 and b"Privacy litigation tracker" in body
        # then a task goes through the filesystem broker to the worker and back
        ping = manage("shell", "--verbosity", "0", "-c", PING, env=env, timeout=90)
        assert ping.stdout.strip() == "pong", ping.stderr
        deadline = time.monotonic() + 30
        while b"beat: Starting" not in log.read_bytes() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert b"beat: Starting" in log.read_bytes()
        # and Ctrl-C stops all three together
        stop_group(honcho, sig=signal.SIGINT, timeout=30)
        assert honcho.returncode is not None
        assert group_is_gone(honcho.pid), log.read_text()


@pytest.mark.django_db(transaction=True)
def test_production_path_gunicorn_whitenoise_redis_postgres(tmp_path):
    env = production_env(tmp_path)
    collected = manage("collectstatic", "--noinput", env=env, timeout=300)  # hashes and compresses ~1000 files
    assert collected.returncode == 0, collected.stderr
    port = free_port()
    https = {"X-Forwarded-Proto": "https"}  # as the TLS-terminating proxy sends it
    gunicorn = [str(BIN / "gunicorn"), "tracker.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
    worker = [str(BIN / "celery"), "-A", "tracker", "worker", "--loglevel", "INFO", "--concurrency", "2"]
    with (
        running(gunicorn, env=env, log=tmp_path / "gunicorn.log"),
        running(worker, env=env, log=tmp_path / "worker.log"),
    ):
        status, body, headers = wait_for_http(f"http://127.0.0.1:{port}/healthz", headers=https)
        assert (status, json.loads(body)["status"]) == (200, "ok")
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        # plain HTTP is redirected to HTTPS
        status, _, headers = wait_for_http(f"http://127.0.0.1:{port}/admin/login/")
        assert (status, headers.get("Location")) == (301, f"https://127.0.0.1:{port}/admin/login/")
        # static files come from whitenoise, compressed and cacheable
        status, body, headers = wait_for_http(f"http://127.0.0.1:{port}/static/admin/css/base.css", headers=https)
        assert status == 200 and b"body" in body
        ping = manage("shell", "--verbosity", "0", "-c", PING, env=env, timeout=90)
        assert ping.stdout.strip() == "pong", ping.stderr + (tmp_path / "worker.log").read_text()
    assert sys.executable
