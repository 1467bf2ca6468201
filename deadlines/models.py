"""A procedural deadline computed from a ruling: the rule and version applied, the trigger date,
the computed date, a lawyer's override (with the reason, kept in the history), and its state.

Written only by `deadlines/services.py`. `due_on` is the date that counts (the override when
there is one, else the computed date); it is stored so that the dashboard, the feeds and the
reminders can filter and order on it in the database.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from cases.models import Appeal, Case, Ruling, VersionedModel
from deadlines.explanation import explanation_text


class Deadline(VersionedModel):
    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("deadline state", "Open")
        MET = "met", pgettext_lazy("deadline state", "Met (filed in time)")
        LATE = "late", pgettext_lazy("deadline state", "Filed after the due date")
        CLOSED = "closed", pgettext_lazy("deadline state", "Closed without filing")
        VOID = "void", pgettext_lazy("deadline state", "No longer applies")

    class Step(models.TextChoices):
        # The values of `cases.models.Appeal.Kind`: an appeal of that kind closes the deadline.
        APPEAL = "appeal", "Appeal"
        CASSATION = "cassation", "Cassation"
        SUPERVISORY = "supervisory", "Supreme Court"
        INTERNATIONAL = "international", "International application"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    ruling = models.ForeignKey(Ruling, on_delete=models.CASCADE, related_name="deadlines")
    rule_code = models.CharField(max_length=40)
    rule_version = models.CharField(max_length=40, blank=True, help_text="Empty while the trigger date is unknown.")
    rule_title = models.CharField(max_length=200)
    rule_source = models.CharField(max_length=300)
    step = models.CharField(max_length=20, choices=Step.choices)
    trigger_label = models.CharField(max_length=200, help_text="The event the period runs from.")
    trigger_on = models.DateField(null=True, blank=True, help_text="Empty: the trigger date is not known yet.")
    computed_due_on = models.DateField(null=True, blank=True)
    override_due_on = models.DateField(null=True, blank=True)
    override_reason = models.TextField(blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField(null=True, blank=True, help_text="The override if any, else the computed date.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    state_reason = models.CharField(max_length=300, blank=True)
    closed_by_appeal = models.ForeignKey(
        Appeal, on_delete=models.SET_NULL, null=True, blank=True, related_name="closed_deadlines"
    )
    # Steps without a language (deadlines/explanation.py); `explanation_sentences` reads them.
    explanation = models.JSONField(default=list, blank=True, help_text="How the date was reached, step by step.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ruling", "rule_code"], name="deadline_one_per_ruling_and_rule"),
            models.CheckConstraint(
                condition=Q(override_due_on__isnull=True) | ~Q(override_reason=""),
                name="deadline_override_has_reason",
                violation_error_message=_("An overridden due date needs a reason."),
            ),
            models.CheckConstraint(
                condition=Q(trigger_on__isnull=False) | Q(computed_due_on__isnull=True),
                name="deadline_computed_needs_trigger",
                violation_error_message=_("A due date is computed only from a known trigger date."),
            ),
            models.CheckConstraint(
                condition=Q(state__in=["open", "met", "late", "closed", "void"]), name="deadline_state_valid"
            ),
        ]
        indexes = [models.Index(fields=["state", "due_on"])]

    def __str__(self) -> str:
        due = self.due_on.isoformat() if self.due_on else "date unknown"
        return f"{self.rule_code}: {due} ({self.case})"

    @property
    def explanation_sentences(self) -> list[str]:
        """How the date was reached, in the active language."""
        return explanation_text(self.explanation)

    def is_overdue(self, today: dt.date) -> bool:
        return self.state == self.State.OPEN and self.due_on is not None and self.due_on < today
