"""The dossier's hook for known deadlines.

There is no `deadlines` app yet. When one exists, it provides in `deadlines/selectors.py`:

    def deadlines_for_dossier(*, case: Case, public: bool) -> list[dict]:
        # one dict per known deadline, oldest first:
        # {"due_on": date, "title": str, "detail": str, "is_estimate": bool}
        # public=True: only deadlines that may be published (no internal reminders).

and the deadlines then appear on the dossier's timeline with no change here. Until then the
timeline simply has no deadline entries.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from django.apps import apps
from django.utils import formats
from django.utils.translation import pgettext

if TYPE_CHECKING:
    from cases.models import Case
    from documents.dossier.content import TimelineEntry


def timeline_entries(*, case: Case, public: bool) -> list[TimelineEntry]:
    from documents.dossier.content import TimelineEntry

    if not apps.is_installed("deadlines"):
        return []
    selectors = importlib.import_module("deadlines.selectors")
    provider = getattr(selectors, "deadlines_for_dossier", None)
    if provider is None:
        return []
    entries = []
    for deadline in provider(case=case, public=public):
        entries.append(
            TimelineEntry(
                sort_key=deadline["due_on"].isoformat(),
                date=formats.date_format(deadline["due_on"], pgettext("dossier", "j F Y")),
                kind="deadline",
                kind_label=pgettext("dossier", "Deadline"),
                title=deadline["title"],
                detail=deadline.get("detail", ""),
                unconfirmed=bool(deadline.get("is_estimate")),
            )
        )
    return entries
