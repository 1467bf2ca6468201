"""Writing the access log (one INSERT per read, all of a page's entries in it) and pruning it."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from accesslog.models import AccessRecord
from tracker.client_address import client_address as tracker_client_address


def client_address(request: Any) -> str | None:
    """The address a request came from, as the access log records it: the project's one rule
    (tracker/client_address.py: X-Forwarded-For only from `TRUSTED_PROXIES`); None if unusable."""
    return tracker_client_address(request) or None


@dataclass(frozen=True)
class AccessEntry:
    kind: str
    organization_id: int
    case_id: int | None
    object_id: int | None


def access_log_record(*, request: Any, channel: str, entries: Sequence[AccessEntry]) -> int:
    """Record reads by the request's user: one INSERT statement for all of `entries`, committed
    without waiting for the disk (below). Anonymous readers never reach private data, so they
    are never recorded. Returns how many records were written."""
    user = request.user
    if not entries or not getattr(user, "is_authenticated", False):
        return 0
    at, address, username = timezone.now(), client_address(request), user.get_username()
    rows = [
        {
            "at": at,
            "user_id": user.pk,
            "username": username,
            "address": address,
            "organization_id": entry.organization_id,
            "case_id": entry.case_id,
            "kind": str(entry.kind),
            "channel": str(channel),
            "object_id": entry.object_id,
        }
        for entry in entries
    ]
    if connection.vendor != "postgresql":
        records = [AccessRecord(**row) for row in rows]
        AccessRecord.objects._insert(records, fields=_insert_fields())  # type: ignore[attr-defined]  # bulk_create's own step
        return len(records)
    # One statement, its own transaction outside a request's atomic block, and not waiting for
    # the commit's WAL flush: under load an fsync per logged read cost the API's case detail ~65%
    # (bench/api.py). The row is durable a fraction of a second later (wal_writer_delay); only a
    # server crash in that window loses it, never corrupts anything, and the read it records
    # happened in the same instant. set_config(..., true) is SET LOCAL: it lasts until the end of
    # the transaction, whose commit reads it; made in the INSERT itself, it spares the BEGIN, SET
    # LOCAL and COMMIT round trips (bench/RESULTS.md). Inside an atomic block it holds for that
    # block's transaction, as SET LOCAL did. The values go in as they are (the columns' own
    # types: a timestamptz, an inet from its text, integers and text), in _insert_fields' order,
    # without a model instance per row (a read's record is on the API's every detail request).
    params = [row[field.attname] for row in rows for field in _insert_fields()]
    sql = _insert_sql(len(entries))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    return len(entries)


@functools.cache
def _insert_fields() -> tuple[Any, ...]:
    return tuple(field for field in AccessRecord._meta.concrete_fields if not field.primary_key)


@functools.cache
def _insert_sql(rows: int) -> str:
    """The INSERT of `rows` records (PostgreSQL), its text made once per count."""
    quote = connection.ops.quote_name
    fields = _insert_fields()
    columns = ", ".join(quote(field.column) for field in fields)
    row = "(" + ", ".join("%s::inet" if field.attname == "address" else "%s" for field in fields) + ")"
    synchronous_commit_off = "set_config('synchronous_commit', 'off', true)"
    return (
        f"INSERT INTO {quote(AccessRecord._meta.db_table)} ({columns}) VALUES {', '.join([row] * rows)} "  # noqa: S608 (names from the model; values are parameters)
        f"RETURNING {synchronous_commit_off}"
    )


def access_log_prune(*, now: dt.datetime | None = None, days: int | None = None) -> int:
    """Delete records older than ACCESS_LOG_DAYS; returns how many."""
    now = now or timezone.now()
    days = settings.ACCESS_LOG_DAYS if days is None else days
    deleted, _ = AccessRecord.objects.filter(at__lt=now - dt.timedelta(days=days)).delete()
    return deleted


CONTACT_FIELDS = ("contact_email", "contact_phone", "contact_address")


def has_contacts(party: Any) -> bool:
    return any(getattr(party, name, None) for name in CONTACT_FIELDS)


def case_read_entries(*, case: Any, parties: Sequence[Any] = ()) -> list[AccessEntry]:
    """What a member's view of a case reads that is on record: the case when it is private, and
    the contact details of each party that has some (one entry per party shown)."""
    entries = []
    if not case.is_public:
        entries.append(AccessEntry(AccessRecord.Kind.CASE, case.organization_id, case.pk, case.pk))
    entries.extend(
        AccessEntry(AccessRecord.Kind.PARTY_CONTACTS, case.organization_id, case.pk, party.pk)
        for party in parties
        if has_contacts(party)
    )
    return entries
