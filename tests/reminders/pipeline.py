"""Real parts for the reminder pipeline tests: an aiosmtpd server on a loopback port that
records (or, on demand, refuses or slows) what arrives, and a real Celery worker process on
the test database and a Redis broker."""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import os
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from tests.processes import BIN, clean_env, free_port, running, session_database_url

SITE = "https://tracker.example.org"


class Mailbox:
    """An aiosmtpd handler. `refuse_next` answers 451 (try later) to that many messages;
    `refuse_recipients` maps an address to the reply its RCPT TO gets (e.g. "550 5.1.1 No such
    user"); `delay` slows every acceptance (to catch a worker in the middle of a batch)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refused = 0
        self.refuse_next = 0
        self.refuse_recipients: dict[str, str] = {}
        self.delay = 0.0
        self._lock = threading.Lock()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:  # noqa: N802
        if address in self.refuse_recipients:
            return self.refuse_recipients[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.delay:
            await asyncio.sleep(self.delay)
        with self._lock:
            if self.refuse_next > 0:
                self.refuse_next -= 1
                self.refused += 1
                return "451 4.3.0 Temporarily refusing mail, try again later"
            self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))  # type: ignore[arg-type]
        return "250 2.0.0 Accepted"

    def snapshot(self) -> list[EmailMessage]:
        with self._lock:
            return list(self.messages)

    def header(self, name: str) -> list[str]:
        return [str(m[name]).strip() for m in self.snapshot()]


@contextlib.contextmanager
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


def worker_env(*, smtp_port: int, redis_url: str | None = None, var_dir: Path, **extra: str) -> dict[str, str]:
    return clean_env(
        DEBUG="false",
        SECRET_KEY="reminder-pipeline-test-secret-key-0123456789abcdef",
        DATABASE_URL=session_database_url(),
        REDIS_URL=redis_url or os.environ["REDIS_URL"],
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        SITE_BASE_URL=SITE,
        TRACKER_VAR_DIR=str(var_dir),
        # Short enough for a test: a lost "send" message is re-claimed after 3 s, retries after 1, 2, 4 s.
        REMINDERS_SEND_LEASE_SECONDS="3",
        REMINDERS_RETRY_BACKOFF_SECONDS="1",
        CONN_MAX_AGE="0",
        **extra,
    )


@contextlib.contextmanager
def celery_worker(env: dict[str, str], log: Path, *, concurrency: int = 2) -> Iterator[subprocess.Popen[bytes]]:
    cmd = [
        str(BIN / "celery"), "-A", "tracker", "worker", "--loglevel", "INFO",
        "--concurrency", str(concurrency), "--without-gossip", "--without-mingle",
        "-n", f"reminders-test-{free_port()}@%h",
    ]  # fmt: skip
    with running(cmd, env=env, log=log) as proc:
        wait_until(lambda: b" ready." in log.read_bytes(), timeout=60, what=f"worker ready ({log})")
        yield proc


def wait_until(predicate: Callable[[], Any], *, timeout: float, what: str, every: float = 0.2,
               between: Callable[[], Any] | None = None) -> Any:  # fmt: skip
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        if between is not None:
            between()
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
