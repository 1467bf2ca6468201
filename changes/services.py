"""Writes to the change log, inside the transaction that writes the record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from changes.models import Change, ChangeLogPruned
from changes.registry import cascaded_deletes, case_records, feed_type_of


def _current_txid() -> RawSQL | int:
    if connection.vendor == "postgresql":
        # xid8 -> text -> bigint is exact: see Change.txid.
        return RawSQL("pg_current_xact_id()::text::bigint", [])
    # SQLite (the embedded `make run` path) has one writer at a time: a transaction holds the
    # database's write lock from BEGIN IMMEDIATE (settings.py) to COMMIT, so ids are handed out
    # and committed in the same order and plain id order is commit order.
    return 0


# Called once after the commit of every transaction that wrote to the change log. Apps above
# this one subscribe from their AppConfig.ready() (webhooks wake their dispatcher), so the log
# does not import them and no domain service has to remember them.
_COMMIT_LISTENERS: list[Callable[[], None]] = []


def change_log_listen(listener: Callable[[], None]) -> None:
    if listener not in _COMMIT_LISTENERS:
        _COMMIT_LISTENERS.append(listener)


def _announce_commit() -> None:
    for listener in _COMMIT_LISTENERS:
        listener()


def _announce_on_commit() -> None:
    if not _COMMIT_LISTENERS or not connection.in_atomic_block:
        if _COMMIT_LISTENERS:
            _announce_commit()  # autocommit: the row is already committed
        return
    # Once per transaction, however many rows it writes.
    if not any(entry[1] is _announce_commit for entry in connection.run_on_commit):
        # robust: the write has committed; a listener's failure (broker down) must not turn it
        # into an error for the writer. The listeners' own backstop is a periodic tick.
        transaction.on_commit(_announce_commit, robust=True)


def change_record(*, instance: models.Model, op: str, audience_public: bool | None = None) -> Change | None:
    """Note that `instance` was written (op "upsert") or is about to be deleted (op "delete").

    Call inside the writing transaction, before a delete (the dependents of the row are read
    from the database). Models not registered for the feed are ignored, so a shared save
    helper can call this for every write."""
    feed_type = feed_type_of(type(instance))
    if feed_type is None:
        return None
    if op == Change.Op.DELETE:
        for dependent, dependent_op in list(feed_type.dependents_on_delete(instance)):
            change_record(instance=dependent, op=dependent_op)
        for cascaded in list(cascaded_deletes(instance)):
            change_record(instance=cascaded, op=Change.Op.DELETE)
    case = feed_type.case_of(instance)
    if feed_type.members_only:
        audience_public = False
    elif audience_public is None:
        audience_public = case is None or bool(case.is_public)
    change = Change.objects.create(
        txid=_current_txid(),
        object_type=feed_type.name,
        object_id=instance.pk,
        op=op,
        organization_id=case.organization_id if case is not None else None,
        audience_public=audience_public,
    )
    _announce_on_commit()
    return change


def change_record_case_visibility(*, case: models.Model) -> None:
    """A case became public or private: every one of its records appears to or disappears for
    outsiders, so each is announced to everyone (the feed resolves it per reader)."""
    change_record(instance=case, op=Change.Op.UPSERT, audience_public=True)
    for instance in list(case_records(case)):
        change_record(instance=instance, op=Change.Op.UPSERT, audience_public=True)


@transaction.atomic
def change_log_prune(*, older_than: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Drop rows older than the retention window that no client starting from scratch needs:
    tombstones, and upserts superseded by a later row for the same record. The latest upsert
    of every live record stays, so a sync from no cursor always sees everything. Cursors before
    the highest dropped row get 410 (they may have missed a tombstone)."""
    cutoff = (now or timezone.now()) - older_than
    later = Change.objects.filter(
        object_type=models.OuterRef("object_type"),
        object_id=models.OuterRef("object_id"),
        id__gt=models.OuterRef("id"),
    )
    doomed = Change.objects.filter(recorded_at__lt=cutoff).filter(Q(op=Change.Op.DELETE) | Q(models.Exists(later)))
    top = doomed.order_by("-txid", "-id").values("txid", "id").first()
    if top is None:
        return 0
    deleted, _ = doomed.delete()
    marker = ChangeLogPruned.objects.select_for_update().first() or ChangeLogPruned()
    if (top["txid"], top["id"]) > (marker.through_txid, marker.through_id):
        marker.through_txid, marker.through_id = top["txid"], top["id"]
    marker.generation += 1
    marker.pruned_at = timezone.now()
    marker.save()
    return deleted
