"""The dossier's entries for a case's procedural deadlines.

`deadlines/selectors.py` provides, as plain values:

    def deadlines_for_dossier(*, case: Case, public: bool) -> list[dict]:
        # one dict per deadline (open, met, late, closed; never void), by due date, unknown last:
        # {"due_on", "computed_due_on", "override_due_on", "override_reason", "rule_title",
        #  "rule_source", "state", "state_reason", "trigger_label", "trigger_on", ...}
        # public=True: none (deadlines show the organization's strategy; see the selector)

and this module words them for the timeline, in the dossier's language. A deadline whose
trigger date is not recorded yet has no due date: it goes with the undated entries.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.utils import formats
from django.utils.translation import pgettext

if TYPE_CHECKING:
    from cases.models import Case
    from documents.dossier.content import TimelineEntry


def _date(value: Any) -> str:
    return formats.date_format(value, pgettext("dossier", "j F Y"))


def _worded(context: str, english: str) -> str:
    """A rule's title or trigger in the dossier's language (labels.py lists them); a rule added
    later without a translation shows in English rather than not at all."""
    return pgettext(f"dossier: Deadline.{context}", english) if english else ""


def _state(deadline: dict[str, Any]) -> str:
    return {
        "open": pgettext("dossier: Deadline.state", "open"),
        "met": pgettext("dossier: Deadline.state", "met"),
        "late": pgettext("dossier: Deadline.state", "filed late"),
        "closed": pgettext("dossier: Deadline.state", "closed without filing"),
    }.get(deadline["state"], deadline["state"])


def _detail(deadline: dict[str, Any]) -> str:
    trigger = _worded("trigger_label", deadline["trigger_label"])
    if deadline["trigger_on"]:
        runs = pgettext("dossier", "Runs from: %(trigger)s, %(date)s") % {
            "trigger": trigger,
            "date": _date(deadline["trigger_on"]),
        }
    else:
        runs = pgettext("dossier", "Runs from: %(trigger)s (date not recorded yet)") % {"trigger": trigger}
    lines = [f"{runs}. {deadline['rule_source']}."]
    if deadline["override_due_on"]:
        computed = _date(deadline["computed_due_on"]) if deadline["computed_due_on"] else ""
        lines.append(
            (
                pgettext("dossier", "Due date set by hand (computed: %(computed)s). Reason: %(reason)s")
                if computed
                else pgettext("dossier", "Due date set by hand. Reason: %(reason)s")
            )
            % {"computed": computed, "reason": deadline["override_reason"]}
        )
    if deadline["state"] == "closed" and deadline["state_reason"]:
        lines.append(pgettext("dossier", "Closed: %(reason)s") % {"reason": deadline["state_reason"]})
    return " ".join(lines)


def timeline_entries(*, case: Case, public: bool) -> list[TimelineEntry]:
    from documents.dossier.content import TimelineEntry

    if not apps.is_installed("deadlines"):
        return []
    selectors = importlib.import_module("deadlines.selectors")
    entries = []
    for deadline in selectors.deadlines_for_dossier(case=case, public=public):
        due_on = deadline["due_on"]
        tags = [_state(deadline)]
        if deadline["override_due_on"]:
            tags.append(pgettext("dossier", "set by hand"))
        entries.append(
            TimelineEntry(
                sort_key=due_on.isoformat() if due_on else "",
                date=_date(due_on) if due_on else pgettext("dossier", "date not known"),
                kind="deadline",
                kind_label=pgettext("dossier", "Deadline"),
                title=_worded("rule_title", deadline["rule_title"]),
                detail=_detail(deadline),
                tags=tags,
            )
        )
    return entries
