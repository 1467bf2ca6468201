"""JSON logs with LOG_FORMAT=json, and error reports to SENTRY_DSN, from real processes."""

import gzip
import http.server
import json
import threading
import time

import pytest

from tests.processes import BIN, free_port, manage, production_env, running

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

LOG_LINE = "import logging; logging.getLogger('tracker.probe').warning('dossier %s failed', 42)"


def test_json_logs_from_django(tmp_path):
    done = manage("shell", "--verbosity", "0", "-c", LOG_LINE, env=production_env(tmp_path, LOG_FORMAT="json"))
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stderr.strip().splitlines()[-1])
    assert record["level"] == "WARNING"
    assert record["logger"] == "tracker.probe"
    assert record["message"] == "dossier 42 failed"
    assert {"time", "pid"} <= record.keys()


def test_text_logs_by_default_and_a_wrong_format_is_a_clear_error(tmp_path):
    done = manage("shell", "--verbosity", "0", "-c", LOG_LINE, env=production_env(tmp_path))
    assert done.stderr.strip().splitlines()[-1] == "dossier 42 failed"
    wrong = manage("check", env=production_env(tmp_path, LOG_FORMAT="yaml"))
    assert wrong.returncode != 0
    assert "LOG_FORMAT must be 'text' or 'json', not 'yaml'." in wrong.stderr


def test_json_logs_from_the_celery_worker(tmp_path):
    env = production_env(tmp_path, LOG_FORMAT="json")
    log = tmp_path / "worker.log"
    # (--quiet: no start-up banner, which Celery prints as text, outside logging)
    worker = [str(BIN / "celery"), "-A", "tracker", "--quiet", "worker", "--concurrency", "1", "--loglevel", "INFO"]
    with running(worker, env=env, log=log):
        deadline = time.monotonic() + 60
        while b" ready." not in log.read_bytes() and time.monotonic() < deadline:
            time.sleep(0.3)
    lines = log.read_text().splitlines()
    # the log records are JSON lines; Celery's own text format ("[time: INFO/MainProcess] ...") is
    # gone (what is left is printed outside logging: Python's warning about running as root here)
    records = [json.loads(line) for line in lines if line.startswith("{")]
    assert any(r["message"].endswith(" ready.") and r["logger"] == "celery.apps.worker" for r in records), lines
    assert any(r["message"].startswith("Connected to redis://") for r in records), lines
    assert not [line for line in lines if "/MainProcess]" in line]


class _SentryStandIn(http.server.BaseHTTPRequestHandler):
    """A Sentry server on loopback: keeps the envelopes it receives."""

    envelopes: list[list[dict]] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        elif self.headers.get("Content-Encoding") == "br":
            import brotli

            body = brotli.decompress(body)
        self.envelopes.append([json.loads(line) for line in body.splitlines() if line.strip().startswith(b"{")])
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_errors_go_to_sentry_with_the_django_and_celery_integrations_and_no_personal_data(tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _SentryStandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    dsn = f"http://publickey@127.0.0.1:{server.server_address[1]}/7"
    code = (
        "import sentry_sdk\n"
        "client = sentry_sdk.get_client()\n"
        "print(sorted(name for name in client.integrations if name in ('django', 'celery')))\n"
        "try:\n"
        "    plaintiff_contact = 'a' + '@example.org'\n"
        "    raise RuntimeError('render failed')\n"
        "except RuntimeError:\n"
        "    sentry_sdk.capture_exception()\n"
        "sentry_sdk.flush(10)\n"
    )
    try:
        done = manage("shell", "--verbosity", "0", "-c", code, env=production_env(tmp_path, SENTRY_DSN=dsn))
    finally:
        server.shutdown()
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['celery', 'django']"
    events = [item for envelope in _SentryStandIn.envelopes for item in envelope if item.get("exception")]
    assert len(events) == 1
    exception = events[0]["exception"]["values"][-1]
    assert (exception["type"], exception["value"]) == ("RuntimeError", "render failed")
    assert events[0]["environment"] == "production"
    assert "a@example.org" not in json.dumps(events[0])  # no stack-frame variables
