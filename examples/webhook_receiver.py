#!/usr/bin/env python3
"""Reference receiver for the tracker's webhooks: verifies each batch's Standard Webhooks
signature and applies it to a local SQLite replica with the same schema as
examples/sync_client.py (so a pushed replica and a pulled one can be compared row for row).

    pip install standardwebhooks==1.1.0
    python examples/webhook_receiver.py --secret whsec_... --db replica.sqlite3 --port 8765

Register it (local work: the server needs WEBHOOKS_ALLOW_LOOPBACK=true for http://127.0.0.1):

    curl -X POST http://127.0.0.1:8000/api/v1/webhooks/ -H "Authorization: Bearer lt_..." \\
         -H "Content-Type: application/json" \\
         -d '{"organization": "demo-desk", "url": "http://127.0.0.1:8765/"}'

Batches come in commit order and at least once: a batch whose 2xx was lost comes again. Each
batch is applied in one SQLite transaction; an item older than the stored version of its record
is skipped, so applying a batch twice changes nothing. Answer 2xx only after the commit.
During a secret rotation give both secrets (`--secret` twice) for the overlap.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from standardwebhooks import Webhook, WebhookVerificationError

try:
    from examples.sync_client import _DEADLINE_UPSERT, DEADLINE_COLUMNS, SCHEMA
except ImportError:  # run as a script from examples/
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from sync_client import _DEADLINE_UPSERT, DEADLINE_COLUMNS, SCHEMA  # type: ignore[no-redef]


class Replica:
    def __init__(self, db_path: str) -> None:
        self.db_path = db_path
        self.lock = threading.Lock()  # batches of one endpoint come one at a time; be safe anyway
        with self._connect() as db:
            db.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.db_path, isolation_level=None, timeout=30)

    def apply(self, batch: dict[str, Any]) -> int:
        """Apply one batch in one transaction; returns the items that changed something."""
        applied = 0
        with self.lock:
            db = self._connect()
            try:
                db.execute("BEGIN IMMEDIATE")
                for item in batch["results"]:
                    applied += self._apply_item(db, item)
                db.execute("INSERT OR REPLACE INTO sync_state (key, value) VALUES ('cursor', ?)", (batch["next"],))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            finally:
                db.close()
        return applied

    @staticmethod
    def _apply_item(db: sqlite3.Connection, item: dict[str, Any]) -> int:
        kind, pk = item["type"], item["id"]
        if item["op"] == "delete":
            db.execute("DELETE FROM record WHERE type = ? AND id = ?", (kind, pk))
            if kind == "deadline":
                db.execute("DELETE FROM deadline WHERE id = ?", (pk,))
            return 1
        stored = db.execute("SELECT version FROM record WHERE type = ? AND id = ?", (kind, pk)).fetchone()
        if stored is not None and stored[0] is not None and stored[0] > item["version"]:
            return 0  # a repeated batch: we already hold a later version
        db.execute(
            "INSERT OR REPLACE INTO record (type, id, version, data) VALUES (?, ?, ?, ?)",
            (kind, pk, item["version"], json.dumps(item["data"], sort_keys=True)),
        )
        if kind == "deadline":
            db.execute(_DEADLINE_UPSERT, [item["data"][field] for field in DEADLINE_COLUMNS.values()])
        return 1

    def records(self) -> dict[tuple[str, int], dict[str, Any]]:
        with self._connect() as db:
            return {(t, i): json.loads(d) for t, i, d in db.execute("SELECT type, id, data FROM record")}


class WebhookReceiver:
    """Verifies and applies; `handle` gives the HTTP status to answer."""

    def __init__(self, *, secrets: list[str], db_path: str) -> None:
        self.verifiers = [Webhook(secret) for secret in secrets]
        self.replica = Replica(db_path)

    def verify(self, body: bytes, headers: dict[str, str]) -> dict[str, Any] | None:
        for verifier in self.verifiers:
            try:
                return verifier.verify(body, headers)  # type: ignore[no-any-return]
            except WebhookVerificationError:
                continue
        return None

    def handle(self, body: bytes, headers: dict[str, str]) -> int:
        batch = self.verify(body, headers)
        if batch is None:
            return 401
        self.replica.apply(batch)
        return 204


def make_server(receiver: WebhookReceiver, host: str, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: the tracker reuses its connection

        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status = receiver.handle(body, dict(self.headers.items()))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's name)
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--secret", action="append", required=True, help="whsec_... (twice during a rotation)")
    parser.add_argument("--db", default="replica.sqlite3")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0: any free port (printed)")
    args = parser.parse_args(argv)
    server = make_server(WebhookReceiver(secrets=args.secret, db_path=args.db), args.host, args.port)
    print(f"listening on http://{args.host}:{server.server_address[1]}/", flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
