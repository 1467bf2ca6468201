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
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # Kept when the account is deleted: the log must still say who it was.
    username = models.CharField(max_length=150)
    address = models.GenericIPAddressField(null=True, blank=True)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
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
