"""`make run` against PostgreSQL: the web process (tracker/devserver.py, started by Procfile.dev)
is gunicorn, whose workers hold one database connection each however many requests arrive.
Runserver opened one per request thread and kept it (CONN_MAX_AGE): four API clients exhausted
PostgreSQL's 100 connections in under 30 seconds."""

import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from tests.processes import clean_env, free_port, running, session_database_url, wait_for_http
from tracker.devserver import DEV_WORKERS, command

pytestmark = pytest.mark.slow

REQUESTS = 400
CLIENTS = 40


def fetch(url: str) -> int:
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (loopback only)
        response.read()
        return response.status


def server_connections() -> int:
    """Connections to the test database other than this test's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_the_sqlite_path_keeps_runserver():
    assert command(engine="django.db.backends.sqlite3", port="8123") == [
        sys.executable,
        "manage.py",
        "runserver",
        "127.0.0.1:8123",
    ]


@pytest.mark.django_db(transaction=True)
def test_make_run_on_postgresql_keeps_database_connections_bounded(tmp_path, django_db_blocker):
    # given `make run`'s web process with DATABASE_URL pointing at PostgreSQL
    port = free_port()
    env = clean_env(
        DEBUG="true",
        PORT=str(port),
        DATABASE_URL=session_database_url(),
        TRACKER_VAR_DIR=str(tmp_path / "var"),
        # 200 anonymous API reads from one address in seconds: the anonymous throttle (120/min,
        # counted in the file cache all workers share) answers 429 to some; this test is about
        # connections, throttling has tests of its own.
        API_RATE_ANON="100000/min",
    )
    with running([sys.executable, "-m", "tracker.devserver"], env=env, log=tmp_path / "web.log"):
        status, _, headers = wait_for_http(f"http://127.0.0.1:{port}/healthz", timeout=60)
        assert status == 200
        assert "gunicorn" in headers.get("Server", ""), (tmp_path / "web.log").read_text()
        urls = [
            f"http://127.0.0.1:{port}/{path}"
            for path in ("api/v1/cases/", "api/v1/courts/", "public/", "healthz") * (REQUESTS // 4)
        ]
        # when 40 clients send 400 requests at once, each reading the database
        most = 0
        with ThreadPoolExecutor(CLIENTS) as pool:
            futures = [pool.submit(fetch, url) for url in urls]
            while not all(f.done() for f in futures):
                most = max(most, server_connections())
                time.sleep(0.05)
        statuses = [f.result() for f in futures]
        # then every request is answered, and the server never held more connections than workers
        assert statuses == [200] * REQUESTS
        assert 1 <= most <= DEV_WORKERS, most
        assert server_connections() <= DEV_WORKERS
