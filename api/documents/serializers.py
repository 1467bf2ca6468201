from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from api.cases.serializers import PrivateFieldsMixin
from documents.models import Document, Dossier


class DossierRequestSerializer(serializers.Serializer):
    edition = serializers.ChoiceField(choices=Dossier.Edition.choices)
    language = serializers.ChoiceField(choices=Dossier.Language.choices)


class DossierSerializer(serializers.ModelSerializer):
    status_url = serializers.SerializerMethodField()
    pdf = serializers.SerializerMethodField()

    class Meta:
        model = Dossier
        fields = [
            "id",
            "case",
            "edition",
            "language",
            "state",
            "progress",
            "error",
            "content_hash",
            "created_at",
            "finished_at",
            "status_url",
            "pdf",
        ]

    def get_status_url(self, dossier: Dossier) -> str:
        url = reverse("api-dossier-detail", kwargs={"case_id": dossier.case_id, "pk": dossier.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def get_pdf(self, dossier: Dossier) -> dict[str, Any] | None:
        document = dossier.document
        if dossier.state != Dossier.State.READY or document is None:
            return None
        url = reverse("api-document-file", kwargs={"pk": document.pk})
        request = self.context.get("request")
        return {
            "url": request.build_absolute_uri(url) if request else url,
            "sha256": document.sha256,
            "size": document.size,
            "filename": document.original_name,
        }


class DocumentSerializer(PrivateFieldsMixin):
    """A document of a case, as the sync feed carries it (`document` items): what it is, its
    size and SHA-256 (to check a copy), never the file itself. `notes` only for members of the
    case's organization; outsiders see public documents of public cases only
    (documents/selectors.py)."""

    class Meta:
        model = Document
        fields = [
            "id",
            "case",
            "title",
            "kind",
            "date",
            "original_name",
            "content_type",
            "sha256",
            "size",
            "is_public",
            "description",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
