"""Each process remembers the tokens it has authenticated, so that an API request need not ask
PostgreSQL who is calling.

Why: bench/api.py measured the token lookup (token, user and memberships in one statement) at
about a sixth of a case-list request on an idle machine, a whole database round trip; the issue
asks the list to stay within 3x of reading the page alone.

Correctness rests on an *epoch*: a random value kept in the shared cache (Redis; the file cache
of the embedded first run). Every change to a token, a user or a membership replaces the epoch
(signals below), and a remembered token is used only while the epoch it was read under is still
the current one. Every request reads the epoch (one GET: 0.16 ms in a loop on the bench
machine, against 0.66 ms for the lookup it replaces), so a revoked token, a deactivated user or a removed membership counts from the next
request in every process, as it did when each request read the database.

The details that keep it so:
- The epoch is read *before* the database on a miss, and the entry is stored under that epoch:
  a change committed while the lookup runs replaces the epoch after the read, so the entry is
  never used.
- The epoch is replaced both when the change is made and again when its transaction commits:
  the first covers the changing request itself (and tests, whose transactions never commit),
  the second a request that read the old row between the first replacement and the commit.
- The epoch is random, not a counter: a Redis that restarts empty can never bring back an old
  epoch and with it the entries read under it.
- Entries are raw rows; each request builds its own model instances, so no request sees
  another's changes to `request.user`.
- If the cache cannot be reached, requests read the database (and the failure is logged).
  Changes made outside Django (raw SQL, another program) are not signalled: an entry is never
  used more than API_TOKEN_CACHE_SECONDS after it was read (default 60 s; 0 turns the cache off),
  which bounds that case and a failed replacement of the epoch during a cache outage.
- Unknown tokens are never remembered, so guessing cannot fill the memory; at most
  API_TOKEN_CACHE_SIZE tokens are kept, the least recently used leaving first.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import OrderedDict
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

EPOCH_KEY = "apitokens:epoch"


def current_epoch() -> str | None:
    """The shared epoch (made on first use), or None when the cache cannot be reached."""
    try:
        epoch = cache.get(EPOCH_KEY)
        if epoch is None:
            cache.add(EPOCH_KEY, uuid.uuid4().hex, timeout=None)
            epoch = cache.get(EPOCH_KEY)
    except Exception:  # noqa: BLE001 (any cache failure: fall back to the database)
        logger.warning("Cache unreachable: API tokens are read from the database")
        return None
    return None if epoch is None else str(epoch)


def epoch_replace() -> None:
    """Forget every remembered token, in every process (they read the new epoch)."""
    try:
        cache.set(EPOCH_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # noqa: BLE001
        logger.error(
            "Cache unreachable: processes may accept the previous state of API tokens for up to %s s",
            settings.API_TOKEN_CACHE_SECONDS,
        )


def access_changed(**kwargs: Any) -> None:
    """Signal receiver for every model that decides who a token speaks for (apps.py)."""
    if kwargs.get("update_fields") == frozenset({"last_login"}):
        return  # a login: nothing the API looks at
    epoch_replace()
    transaction.on_commit(epoch_replace)


class TokenRows:
    """digest -> (epoch, time read, the lookup's row), bounded, least recently used first out."""

    def __init__(self) -> None:
        self._rows: OrderedDict[str, tuple[str, float, tuple[Any, ...]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, digest: str, epoch: str) -> tuple[Any, ...] | None:
        with self._lock:
            entry = self._rows.get(digest)
            if entry is None:
                return None
            if entry[0] != epoch or time.monotonic() - entry[1] > settings.API_TOKEN_CACHE_SECONDS:
                del self._rows[digest]
                return None
            self._rows.move_to_end(digest)
            return entry[2]

    def put(self, digest: str, epoch: str, row: tuple[Any, ...]) -> None:
        if settings.API_TOKEN_CACHE_SECONDS <= 0:
            return
        with self._lock:
            self._rows[digest] = (epoch, time.monotonic(), row)
            self._rows.move_to_end(digest)
            while len(self._rows) > settings.API_TOKEN_CACHE_SIZE:
                self._rows.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()

    def __len__(self) -> int:
        return len(self._rows)


token_rows = TokenRows()
