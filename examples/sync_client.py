#!/usr/bin/env python3
"""Reference client for the tracker's sync feed: keeps a local SQLite replica of every record
the token can see, losing neither updates nor deletions. Standard library only.

    python examples/sync_client.py --url http://127.0.0.1:8000 --token lt_... --db replica.sqlite3
    python examples/sync_client.py ... --follow        # keep polling every few seconds
    python examples/sync_client.py ... --lang ru       # plain fields (`title`, ...) in Russian

Every record is kept as JSON in `record`, with every language of its translated fields in
`data.translations` whichever `--lang` the replica reads; those texts are also kept one row per
field and language in `translation`, so a page or a report in either language is one query:

    SELECT text FROM translation WHERE type = 'case' AND id = 7 AND field = 'title' AND language = 'ru';

Deadlines (members of the case's organization only)
are also kept in a `deadline` table with their own columns, so a calendar or a reminder script
can query due dates directly:

    SELECT rule_code, due_on, case_id FROM deadline WHERE state = 'open' ORDER BY due_on;

Each page of changes is applied in one SQLite transaction together with the new cursor, so an
interrupted run resumes exactly where it stopped. A 410 (cursor older than the server keeps)
empties the replica and syncs again from scratch; a 429 waits for Retry-After.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
import urllib.error
import urllib.request
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS record (
    type TEXT NOT NULL, id INTEGER NOT NULL, version INTEGER, data TEXT NOT NULL, PRIMARY KEY (type, id)
);
CREATE TABLE IF NOT EXISTS sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS deadline (
    id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL, ruling_id INTEGER NOT NULL, rule_code TEXT NOT NULL,
    step TEXT NOT NULL, trigger_on TEXT, computed_due_on TEXT, override_due_on TEXT, override_reason TEXT NOT NULL,
    due_on TEXT, state TEXT NOT NULL, state_reason TEXT NOT NULL, closed_by_appeal_id INTEGER, version INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS deadline_open_due ON deadline (state, due_on);
CREATE TABLE IF NOT EXISTS translation (
    type TEXT NOT NULL, id INTEGER NOT NULL, field TEXT NOT NULL, language TEXT NOT NULL, text TEXT NOT NULL,
    PRIMARY KEY (type, id, field, language)
);
"""

# The `deadline` table's columns and the feed's field each comes from.
DEADLINE_COLUMNS = {
    "id": "id",
    "case_id": "case",
    "ruling_id": "ruling",
    "rule_code": "rule_code",
    "step": "step",
    "trigger_on": "trigger_on",
    "computed_due_on": "computed_due_on",
    "override_due_on": "override_due_on",
    "override_reason": "override_reason",
    "due_on": "due_on",
    "state": "state",
    "state_reason": "state_reason",
    "closed_by_appeal_id": "closed_by_appeal",
    "version": "version",
}
_DEADLINE_UPSERT = "INSERT OR REPLACE INTO deadline ({}) VALUES ({})".format(  # noqa: S608 (constant names)
    ", ".join(DEADLINE_COLUMNS), ", ".join("?" * len(DEADLINE_COLUMNS))
)


class SyncClient:
    def __init__(
        self,
        *,
        base_url: str,
        db_path: str,
        token: str | None = None,
        page_size: int = 500,
        language: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.page_size = page_size
        self.language = language  # of the plain fields; None: the server's default (English)
        self.db = sqlite3.connect(db_path, isolation_level=None)  # explicit BEGIN/COMMIT below
        self.db.executescript(SCHEMA)

    # --- the replica ------------------------------------------------------------------------
    @property
    def cursor(self) -> str | None:
        row = self.db.execute("SELECT value FROM sync_state WHERE key = 'cursor'").fetchone()
        return row[0] if row else None

    def records(self) -> dict[tuple[str, int], dict[str, Any]]:
        return {(t, i): json.loads(d) for t, i, d in self.db.execute("SELECT type, id, data FROM record")}

    def deadlines(self) -> dict[int, dict[str, Any]]:
        cursor = self.db.execute(f"SELECT {', '.join(DEADLINE_COLUMNS)} FROM deadline")  # noqa: S608 (constants)
        return {row[0]: dict(zip(DEADLINE_COLUMNS, row, strict=True)) for row in cursor}

    def translations(self) -> dict[tuple[str, int], dict[str, dict[str, str]]]:
        """{(type, id): {field: {language: text}}}: the texts there are (a missing one has no row)."""
        kept: dict[tuple[str, int], dict[str, dict[str, str]]] = {}
        for type_name, pk, field, language, text in self.db.execute(
            "SELECT type, id, field, language, text FROM translation"
        ):
            kept.setdefault((type_name, pk), {}).setdefault(field, {})[language] = text
        return kept

    def _keep_translations(self, item: dict[str, Any]) -> None:
        self.db.execute("DELETE FROM translation WHERE type = ? AND id = ?", (item["type"], item["id"]))
        translations = (item["data"] or {}).get("translations") or {}
        self.db.executemany(
            "INSERT INTO translation (type, id, field, language, text) VALUES (?, ?, ?, ?, ?)",
            [
                (item["type"], item["id"], field, language, text)
                for field, texts in translations.items()
                for language, text in texts.items()
                if text is not None
            ],
        )

    def _apply(self, page: dict[str, Any]) -> None:
        self.db.execute("BEGIN")
        try:
            for item in page["results"]:
                if item["op"] == "delete":
                    self.db.execute("DELETE FROM record WHERE type = ? AND id = ?", (item["type"], item["id"]))
                    self.db.execute("DELETE FROM translation WHERE type = ? AND id = ?", (item["type"], item["id"]))
                    if item["type"] == "deadline":
                        self.db.execute("DELETE FROM deadline WHERE id = ?", (item["id"],))
                else:
                    self.db.execute(
                        "INSERT OR REPLACE INTO record (type, id, version, data) VALUES (?, ?, ?, ?)",
                        (item["type"], item["id"], item["version"], json.dumps(item["data"], sort_keys=True)),
                    )
                    self._keep_translations(item)
                    if item["type"] == "deadline":
                        data = item["data"]
                        self.db.execute(_DEADLINE_UPSERT, [data[field] for field in DEADLINE_COLUMNS.values()])
            self.db.execute("INSERT OR REPLACE INTO sync_state (key, value) VALUES ('cursor', ?)", (page["next"],))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def _reset(self) -> None:
        self.db.execute("BEGIN")
        self.db.execute("DELETE FROM record")
        self.db.execute("DELETE FROM deadline")
        self.db.execute("DELETE FROM translation")
        self.db.execute("DELETE FROM sync_state")
        self.db.execute("COMMIT")

    # --- the feed ---------------------------------------------------------------------------
    def _get(self, url: str) -> tuple[int, dict[str, Any]]:
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 (the URL the user gave)
        while True:
            try:
                with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                    return response.status, json.loads(response.read())
            except urllib.error.HTTPError as exc:
                if exc.code == 429:
                    time.sleep(float(exc.headers.get("Retry-After", "1")))
                    continue
                return exc.code, json.loads(exc.read() or b"{}")

    def sync_once(self) -> int:
        """Read pages until the feed has nothing more right now; returns the items applied."""
        applied = 0
        while True:
            url = f"{self.base_url}/api/v1/changes/?limit={self.page_size}"
            if self.language:
                url += f"&lang={self.language}"
            if self.cursor:
                url += f"&since={self.cursor}"
            status, body = self._get(url)
            if status == 410:  # our cursor is older than the server's retention: start over
                self._reset()
                continue
            if status != 200:
                raise RuntimeError(f"sync failed with {status}: {body}")
            self._apply(body)
            applied += len(body["results"])
            if not body["has_more"]:
                return applied


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="The tracker's base URL, e.g. http://127.0.0.1:8000")
    parser.add_argument("--token", help="An API token (python manage.py api_token create <user> --read-only)")
    parser.add_argument("--db", default="replica.sqlite3", help="The SQLite replica file")
    parser.add_argument("--follow", action="store_true", help="Keep polling")
    parser.add_argument("--interval", type=float, default=5.0)
    parser.add_argument("--lang", help="The language of the plain fields, e.g. ru (every language is kept anyway)")
    args = parser.parse_args(argv)
    client = SyncClient(base_url=args.url, db_path=args.db, token=args.token, language=args.lang)
    while True:
        applied = client.sync_once()
        count = client.db.execute("SELECT count(*) FROM record").fetchone()[0]
        print(f"applied {applied} changes; the replica holds {count} records; cursor {client.cursor}")
        if not args.follow:
            return 0
        time.sleep(args.interval)


if __name__ == "__main__":
    sys.exit(main())
