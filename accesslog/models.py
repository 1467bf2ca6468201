"""Who read what private: the access log (issue 20). One row per read of a private case page,
a party's contact details, a private document or an internal dossier, through the pages or
the API. Organization owners read their organization's rows; nobody edits them: the admin has
no change or delete permission, the API is read-only, `save()` refuses an update and, on
PostgreSQL, a trigger refuses UPDATE (migration 0002). Rows older than ACCESS_LOG_DAYS are
deleted (accesslog.services.access_log_prune).

Placed above `cases` (it points at organizations and cases) and below the apps that record
reads (api/cases, documents, web), which call accesslog.services.access_log_record.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Organization


class AccessRecord(models.Model):
    class Kind(models.TextChoices):
        CASE = "case", _("Private case opened")
        PARTY_CONTACTS = "party_contacts", _("Party contact details read")
        DOCUMENT = "document", _("Private document downloaded")
        DOSSIER = "dossier", _("Internal dossier downloaded")

    class Channel(models.TextChoices):
        WEB = "web", _("Web page")
        API = "api", _("API")
        ADMIN = "admin", _("Back office")

    at = models.DateTimeField(default=timezone.now)
    # No foreign-key constraints in the database (db_constraint=False): PostgreSQL checks one by
    # locking the row it points at (SELECT ... FOR KEY SHARE), so every logged read of a private
    # case locked and dirtied that case's row, writing a full-page image of its page to the WAL
    # after each checkpoint: 7.7 KB of WAL and +0.1 ms of server CPU per read, 0.6 KB without
    # (bench/RESULTS.md, 2026-12-08). Django's own deletion still unlinks or deletes these rows
    # (on_delete below) when a user, a case or an organization is deleted, as it did before.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", db_constraint=False
    )
    # Kept when the account is deleted: the log must still say who it was.
    username = models.CharField(max_length=150)
    address = models.GenericIPAddressField(null=True, blank=True)
    # Found through access_org_recent (organization, -at, -id), whose first column serves any
    # look-up by organization: no index of its own.
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_constraint=False
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # The record read: the case, the party or the document, by the kind.
    object_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-at", "-id"], name="access_org_recent"),
            models.Index(fields=["at"], name="access_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.kind} #{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Append-only: an existing row is never rewritten (the trigger says the same to SQL).
        if not self._state.adding:
            raise ValueError("The access log is append-only: a record cannot be changed.")
        super().save(*args, **kwargs)
