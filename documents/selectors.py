"""Reads of documents and dossiers, with who may see what.

- A document is visible to members of its case's organization; to anyone else only when it is
  public and its case is public.
- The internal edition of a dossier is for members only. The public edition of a public case
  may be asked for by anyone who sees the case: it contains nothing that is not already public,
  and identical data is rendered once (content hash), so a stranger can cost the organization
  at most one render per change of the case (plus the API's throttle). The public edition of a
  private case is for members: it is a release being prepared, not yet a release.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum

from cases.models import Case
from cases.selectors import User, _is_member_query, case_user_is_member, cases_visible_to
from documents.models import Document, Dossier


def _member_cases(user: User) -> QuerySet[Case]:
    member = _is_member_query(user)
    return Case.objects.none() if member is None else Case.objects.filter(member)


def documents_for_member(*, user: User) -> QuerySet[Document]:
    return Document.objects.filter(case__in=_member_cases(user))


def dossiers_for_member(*, user: User) -> QuerySet[Dossier]:
    return Dossier.objects.filter(case__in=_member_cases(user))


def documents_visible_to(*, user: User) -> QuerySet[Document]:
    return Document.objects.filter(Q(case__in=_member_cases(user)) | Q(is_public=True, case__is_public=True))


def document_is_public(document: Document) -> bool:
    """documents_visible_to's rule for outsiders, on one document: it and its case are public."""
    return bool(document.is_public and document.case.is_public)


def dossier_edition_allowed(*, user: User, case: Case, edition: str) -> bool:
    if case_user_is_member(user=user, case=case):
        return True
    return edition == Dossier.Edition.PUBLIC and case.is_public


def dossiers_visible_to(*, user: User) -> QuerySet[Dossier]:
    return Dossier.objects.filter(
        Q(case__in=_member_cases(user))
        | Q(edition=Dossier.Edition.PUBLIC, case__in=cases_visible_to(user=user).filter(is_public=True))
    )


# Upper bounds (seconds) of the dossier render-time histogram on /metrics.
RENDER_SECONDS_BUCKETS = (1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)


def dossier_render_seconds() -> dict[str, object]:
    """For /metrics: every finished render's duration as a cumulative histogram (the count at or
    under each bound, the count and the sum), computed by the database from the rows themselves,
    so it is the same whichever web host answers and whichever worker rendered."""
    took = ExpressionWrapper(F("finished_at") - F("started_at"), output_field=DurationField())
    rendered = Dossier.objects.filter(
        state=Dossier.State.READY, started_at__isnull=False, finished_at__isnull=False
    ).annotate(took=took)
    figures = rendered.aggregate(
        count=Count("pk"),
        total=Sum("took"),
        **{
            f"le_{i}": Count("pk", filter=Q(took__lte=dt.timedelta(seconds=b)))
            for i, b in enumerate(RENDER_SECONDS_BUCKETS)
        },
    )
    total = figures["total"]
    return {
        "buckets": [(bound, figures[f"le_{i}"]) for i, bound in enumerate(RENDER_SECONDS_BUCKETS)],
        "count": figures["count"],
        "sum": total.total_seconds() if total else 0.0,
    }
