"""How the feed reads each type for a caller: the records visible to them, and how to show them.
A type registered in changes/registry.py needs a reader here, or its changes are not served."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers

from api.cases.serializers import (
    AppealSerializer,
    CaseSerializer,
    CourtSerializer,
    DeadlineSerializer,
    HearingSerializer,
    PartySerializer,
    RulingSerializer,
)
from api.documents.serializers import DocumentSerializer
from cases.models import Appeal, Court, Hearing, Party, Ruling
from cases.selectors import cases_visible_to, cases_with_tag_names, visible_through_case
from deadlines.selectors import deadlines_visible_to
from documents.selectors import documents_visible_to

Reader = tuple[Callable[[Any], QuerySet[Any]], type[serializers.BaseSerializer]]


def _case_bound(model: Any) -> Callable[[Any], QuerySet[Any]]:
    table = model._meta.db_table
    return lambda user: model._default_manager.filter(visible_through_case(user=user, table=table)).select_related(
        "case"
    )


FEED_READERS: dict[str, Reader] = {
    "court": (lambda user: Court.objects.all(), CourtSerializer),
    "case": (
        lambda user: cases_with_tag_names(cases_visible_to(user=user).select_related("organization")),
        CaseSerializer,
    ),
    "party": (_case_bound(Party), PartySerializer),
    "hearing": (_case_bound(Hearing), HearingSerializer),
    "ruling": (_case_bound(Ruling), RulingSerializer),
    "appeal": (_case_bound(Appeal), AppealSerializer),
    # Members of the case's organization only, even on a public case (deadlines/selectors.py);
    # their change rows are members-only too (changes/registry.py: members_only).
    "deadline": (lambda user: deadlines_visible_to(user=user), DeadlineSerializer),
    # Members see their cases' documents; others public documents of public cases only.
    "document": (lambda user: documents_visible_to(user=user).select_related("case"), DocumentSerializer),
}
