"""Tags for the documents slots of the lawyers' case page (templates/documents/_case_*.html).
The page's view checked membership; these read through `documents.selectors` all the same."""

from __future__ import annotations

from django import template
from django.contrib.auth.models import User
from django.db.models import QuerySet

from cases.models import Case
from documents import selectors
from documents.models import Document, Dossier
from web.forms import DocumentForm, DossierForm

register = template.Library()

# The latest few requests are enough to follow a render; the rest are in the back office.
DOSSIERS_SHOWN = 3


@register.simple_tag
def case_documents(case: Case, user: User) -> QuerySet[Document]:
    return selectors.documents_for_member(user=user).filter(case=case).order_by("-date", "-id")


@register.simple_tag
def case_dossiers(case: Case, user: User) -> list[Dossier]:
    dossiers = selectors.dossiers_for_member(user=user).filter(case=case).order_by("-created_at", "-id")
    return list(dossiers[:DOSSIERS_SHOWN])


@register.simple_tag
def document_form() -> DocumentForm:
    return DocumentForm(auto_id=DocumentForm.AUTO_ID)


@register.simple_tag
def dossier_form(language: str) -> DossierForm:
    return DossierForm(
        auto_id=DossierForm.AUTO_ID,
        initial={"language": language[:2] if language[:2] in Dossier.Language.values else "en"},
    )
