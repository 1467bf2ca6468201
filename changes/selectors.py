"""Reads of the change log: the page of the sync feed a caller may see.

Why the feed is lossless under concurrent writers (PostgreSQL)
--------------------------------------------------------------
A naive feed orders by a sequence or a timestamp and continues from `id > last_seen`. Both are
assigned when the row is *inserted*, not when its transaction *commits*: transaction A inserts
id 10, transaction B inserts id 11 and commits, a client reads up to 11, then A commits, and
id 10 is never served. The feed would silently lose A's change.

Here every row carries the id of the transaction that wrote it (`pg_current_xact_id()`), and a
page only holds rows with `txid < pg_snapshot_xmin(pg_current_snapshot())`: the oldest
transaction still running when the page is read. Every transaction below that horizon has
finished (committed or rolled back), so no row with such a txid can ever appear later. Rows are
served in (txid, id) order and the cursor is the last (txid, id) served; any row that commits
afterwards belongs to a transaction at or above the horizon the page was read with, hence above
every txid served so far, hence after the cursor. Nothing is skipped and nothing is served
twice. The price: a long-running transaction holds the horizon back and delays (never loses)
the changes committed after it started; keep writes short.

SQLite has one writer at a time (see changes.services._current_txid): id order is commit order
and every committed row is immediately safe to serve.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from changes.models import Change, ChangeLogPruned


class CursorInvalid(ValueError):
    """The cursor is not one this feed issued."""


class CursorExpired(Exception):
    """The cursor is older than the retention window: changes after it may have been pruned."""


@dataclass(frozen=True)
class FeedCursor:
    txid: int
    id: int
    # The prune generation the reader's sync is safe under (see ChangeLogPruned.generation).
    generation: int = 0

    @property
    def position(self) -> tuple[int, int]:
        return (self.txid, self.id)

    def encode(self) -> str:
        return f"{self.txid}-{self.id}-{self.generation}"

    @classmethod
    def decode(cls, text: str) -> FeedCursor:
        parts = text.split("-")
        if len(parts) != 3 or not all(part.isdigit() and len(part) <= 19 for part in parts):
            raise CursorInvalid("This cursor was not issued by this feed; start again without one.")
        return cls(int(parts[0]), int(parts[1]), int(parts[2]))


class ChangeRow(Protocol):
    txid: int
    id: int
    object_type: str
    object_id: int


@dataclass(frozen=True)
class ChangePage:
    rows: Sequence[ChangeRow]
    next: FeedCursor


def _audience(organizations: Collection[int] | None) -> Q | None:
    if organizations is None:
        return None
    condition = Q(audience_public=True)
    if organizations:
        condition |= Q(organization_id__in=sorted(organizations))
    return condition


def changes_visible_to(
    *,
    organizations: Collection[int] | None,
    after: FeedCursor | None,
    limit: int,
    object_types: Collection[str] | None = None,
) -> ChangePage:
    """The next `limit` changes after `after` (None: from the start) that a reader may learn of,
    in commit order: public ones and those of the reader's `organizations` (None: every change,
    a superuser's), and the cursor to continue from; only of `object_types` when given (a
    webhook endpoint's types). Raises CursorExpired when rows after the cursor were pruned since
    the reader's sync began (it may have missed a tombstone)."""
    pruned = ChangeLogPruned.objects.first() or ChangeLogPruned()
    pruned_through = (pruned.through_txid, pruned.through_id)
    if after is None:
        after = FeedCursor(0, 0, pruned.generation)
    elif after.generation < pruned.generation and after.position < pruned_through:
        raise CursorExpired(
            "This cursor is older than the change log's retention window; "
            "delete your local copy and sync again from the start (no cursor)."
        )
    # A row comparison, not `txid > t OR (txid = t AND id > i)`: PostgreSQL turns it into one
    # range on the (txid, id) index, where the OR form scans from the start of the log on every
    # page (bench/RESULTS.md).
    rows = Change.objects.filter(
        RawSQL('("changes_change"."txid", "changes_change"."id") > (%s, %s)', [after.txid, after.id], BooleanField())
    )
    if connection.vendor == "postgresql":
        rows = rows.filter(txid__lt=RawSQL("pg_snapshot_xmin(pg_current_snapshot())::text::bigint", []))
    audience = _audience(organizations)
    if audience is not None:
        rows = rows.filter(audience)
    if object_types is not None:
        rows = rows.filter(object_type__in=list(object_types))
    # Named tuples, not model instances: a page is up to MAX_LIMIT rows and only these four
    # columns are read (building the instances was a large part of a page's CPU: bench/RESULTS.md).
    page = list(rows.order_by("txid", "id").values_list("txid", "id", "object_type", "object_id", named=True)[:limit])
    position = (page[-1].txid, page[-1].id) if page else after.position
    # Past every pruned row, the reader is as safe as one starting now.
    generation = pruned.generation if position >= pruned_through else after.generation
    return ChangePage(rows=page, next=FeedCursor(position[0], position[1], generation))


def changes_settled_through() -> tuple[int, int]:
    """The position of the last change no transaction can still precede: every row up to it has
    committed and none can appear before it (the horizon above). (0, 0) for an empty log.

    A reader whose page read after this call came back short has seen everything up to this
    position it may see, so its cursor may move here even when the rows it skipped were not for
    it (a webhook endpoint catching up on others' changes)."""
    with connection.cursor() as cursor:
        cursor.execute(settled_position_sql())
        last = cursor.fetchone()
    return (last[0], last[1]) if last else (0, 0)


def settled_position_sql() -> str:
    """The statement behind `changes_settled_through`, as raw SQL: it runs often, and the ORM's
    query building cost far more than the query (bench/RESULTS.md, webhooks). One backward step
    on the (txid, id) index."""
    horizon = (
        "WHERE txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint "
        if connection.vendor == "postgresql"
        else ""
    )
    return f"SELECT txid, id FROM {Change._meta.db_table} {horizon}ORDER BY txid DESC, id DESC LIMIT 1"  # noqa: S608 (constants)
