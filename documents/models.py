"""Documents attached to a case (exhibits, pleadings, rulings, generated dossiers) and the
dossier jobs that produce PDFs.

A document's file is content-addressed by its SHA-256, recorded when it is stored, so a reader
of a dossier can verify a copy of an exhibit. Writes go through `documents/services.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cases.models import Case, VersionedModel
from tracker.fields import EncryptedTextField


class Document(VersionedModel):
    class Kind(models.TextChoices):
        EXHIBIT = "exhibit", "Exhibit / evidence"
        PLEADING = "pleading", "Pleading / claim"
        SUBMISSION = "submission", "Submission"
        RULING = "ruling", "Ruling / judgment"
        CORRESPONDENCE = "correspondence", "Correspondence"
        PRESS = "press", "Press report"
        DOSSIER = "dossier", "Dossier (generated)"
        OTHER = "other", "Other"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=250)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.EXHIBIT)
    date = models.DateField(null=True, blank=True, help_text="The document's own date (e.g. of filing), if known.")
    file = models.FileField(upload_to="documents/%Y/%m/", max_length=300)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    sha256 = models.CharField(max_length=64, editable=False, help_text="SHA-256 of the file, hex.")
    size = models.PositiveBigIntegerField(editable=False, help_text="Bytes.")
    is_public = models.BooleanField(
        default=False, help_text="Public documents may appear in public dossiers of public cases."
    )
    description = models.TextField(blank=True, help_text="Public description.")
    notes = EncryptedTextField(blank=True, help_text="Private to the organization.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="document_sha256_hex"),
        ]
        indexes = [models.Index(fields=["case", "kind"])]

    def __str__(self) -> str:
        return self.title


class Dossier(models.Model):
    """One request for a case's PDF dossier, and its progress. The broker only carries
    "render dossier N"; this row is the truth about where the job is."""

    class Edition(models.TextChoices):
        INTERNAL = "internal", "Internal (everything the organization knows)"
        PUBLIC = "public", "Public (for release)"

    class Language(models.TextChoices):
        RU = "ru", "Russian"
        EN = "en", "English"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RENDERING = "rendering", "Rendering"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="dossiers")
    edition = models.CharField(max_length=10, choices=Edition.choices)
    language = models.CharField(max_length=2, choices=Language.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent.")
    error = models.TextField(blank=True)
    content_hash = models.CharField(
        max_length=64, help_text="SHA-256 of the case data the dossier is made from (and of the layout version)."
    )
    data_fingerprint = models.CharField(
        max_length=64,
        blank=True,
        help_text="A cheap fingerprint of the case data (documents/dossier/fingerprint.py) last seen to give this "
        "content hash: an unchanged case is answered from it without building the content.",
    )
    document = models.ForeignKey(Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="dossiers")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(edition__in=["internal", "public"]), name="dossier_edition_valid"),
            models.CheckConstraint(condition=Q(language__in=["ru", "en"]), name="dossier_language_valid"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="dossier_progress_percent"),
        ]
        indexes = [
            models.Index(fields=["case", "edition", "language", "content_hash"]),
            models.Index(fields=["case", "edition", "language", "data_fingerprint"], name="dossier_fingerprint"),
            # The stale-render sweep looks only at renders in progress.
            models.Index(fields=["started_at"], name="dossier_rendering", condition=Q(state="rendering")),
        ]

    def __str__(self) -> str:
        return f"{self.case} ({self.edition}, {self.language}): {self.state}"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.READY, self.State.FAILED)
