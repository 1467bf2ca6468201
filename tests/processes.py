"""Start the project's real processes (web, worker, beat, honcho) for tests, on free ports,
and stop them for sure afterwards."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_env(**overrides: str) -> dict[str, str]:
    """The environment of a fresh shell: none of the test settings leak into the child."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "SECURE_SSL_REDIRECT", "DEBUG")
    }
    env["PATH"] = f"{BIN}:{env.get('PATH', '')}"
    env.update(overrides)
    return env


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """Production's environment (DEBUG off, PostgreSQL, Redis) on this test session's database and
    Redis, with its files under tmp_path."""
    return clean_env(
        DEBUG="false",
        SECRET_KEY="a-production-like-secret-key-for-the-smoke-test-0123456789",
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=session_database_url(),
        REDIS_URL=os.environ["REDIS_URL"],  # the suite's own Redis database
        STATIC_ROOT=str(tmp_path / "static"),
        TRACKER_VAR_DIR=str(tmp_path / "var"),
        **overrides,
    )


def session_database_url() -> str:
    """The URL of the database this test session runs on (pytest-django's test database)."""
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def manage(*args: str, env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


@contextlib.contextmanager
def running(cmd: list[str], *, env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Run a process in its own process group; on exit, SIGTERM the group, then SIGKILL."""
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield proc
        finally:
            stop_group(proc)


def stop_group(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 20) -> None:
    """Signal the whole group and wait until every member is gone (children such as gunicorn's
    workers hold database connections that would block dropping the test database)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        proc.poll()
        if proc.returncode is not None and group_is_gone(proc.pid):
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    while not group_is_gone(proc.pid) and time.monotonic() < deadline + 10:
        time.sleep(0.1)


def group_is_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None  # a redirect is an answer to assert on, not to follow


_opener = urllib.request.build_opener(_NoRedirect)


def wait_for_http(url: str, *, timeout: float = 60, headers: dict[str, str] | None = None) -> tuple[int, bytes, dict]:
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (loopback only)
            with _opener.open(request, timeout=5) as response:
                return response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(), dict(exc.headers)
        except OSError as exc:
            last_error = exc
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout}s: {last_error}")


def sqlite_demo_build(var: Path) -> Path:
    """make run's database, as `make run` makes it: migrate and seed_demo (with the demo
    accounts) on an SQLite file in `var`. Its path."""
    env = clean_env(DEBUG="true", TRACKER_VAR_DIR=str(var))
    for args in (("migrate", "--noinput"), ("seed_demo",)):
        run = manage(*args, env=env, timeout=300)
        assert run.returncode == 0, run.stderr  # noqa: S101 (a test helper)
    return var / "tracker.sqlite3"


def sqlite_demo_env(template: Path, var: Path, **overrides: str) -> dict[str, str]:
    """The environment of a `make run` on a copy of `template` in `var` (SQLite's backup API:
    a consistent copy of a database in WAL mode)."""
    var.mkdir(parents=True, exist_ok=True)
    with (
        contextlib.closing(sqlite3.connect(template)) as source,
        contextlib.closing(sqlite3.connect(var / "tracker.sqlite3")) as copy,
    ):
        source.backup(copy)
    return clean_env(DEBUG="true", TRACKER_VAR_DIR=str(var), **overrides)
