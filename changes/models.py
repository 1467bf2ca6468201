"""The change log behind the sync feed `/api/v1/changes/`.

One row per write to a synced record, inserted by the services in the same transaction as the
write itself (so a rolled-back write leaves no row and a committed write always has one).
The row says *which* record changed; the feed serves the record's state at read time, so a
client applying the feed in order converges on the server's current state.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Change(models.Model):
    class Op(models.TextChoices):
        UPSERT = "upsert", "Upsert"
        DELETE = "delete", "Delete"

    # PostgreSQL: the writing transaction's 64-bit id (`pg_current_xact_id()`, an xid8, stored as
    # bigint: a FullTransactionId never wraps and stays far below 2**63). SQLite: 0 for every
    # row, so the feed order falls back to the id. See changes/selectors.py for why this is safe.
    txid = models.BigIntegerField()
    object_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    op = models.CharField(max_length=10, choices=Op.choices)
    # Who may learn of this change: members of `organization_id` always; everyone else only if
    # the record was public before or after the change (a case turning private must reach the
    # public as a delete). Plain integers, not keys: the row outlives the records it names.
    organization_id = models.BigIntegerField(null=True, blank=True)
    audience_public = models.BooleanField()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["txid", "id"]
        indexes = [
            models.Index(fields=["txid", "id"], name="change_feed_order"),
            models.Index(fields=["object_type", "object_id"], name="change_object"),
            models.Index(fields=["recorded_at"], name="change_recorded_at"),
        ]

    def __str__(self) -> str:
        return f"{self.op} {self.object_type} {self.object_id} (tx {self.txid})"


class ChangeLogPruned(models.Model):
    """The feed position up to which superseded rows and old tombstones have been removed.
    A cursor before it may have missed a deletion: the client must resync (410)."""

    through_txid = models.BigIntegerField(default=0)
    through_id = models.BigIntegerField(default=0)
    # Raised by every prune that removes rows. A cursor carries the generation it was issued
    # under: a sync that began after a prune may walk the pruned stretch (nothing it saw is
    # missing), one that was already under way may not.
    generation = models.PositiveIntegerField(default=0)
    pruned_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"pruned through {self.through_txid}-{self.through_id}"
