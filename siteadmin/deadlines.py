"""Deadlines in the back office: a list with overdue ones flagged, and a page per deadline
where a lawyer overrides the due date with a reason, through `deadline_override`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from actions import deadlines as deadline_actions
from cases.admin_scope import OrganizationScopedAdmin
from cases.services import VersionConflict
from deadlines import services as deadline_services
from deadlines.models import Deadline
from siteadmin.cases import DefaultChoiceListFilter


class DeadlineOverrideForm(forms.ModelForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Deadline
        fields = ["override_due_on", "override_reason"]
        help_texts = {
            "override_due_on": "Leave empty to go back to the computed date.",
            "override_reason": "Why the date differs (e.g. 'copy served on 2019-11-20'). Kept in the history.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "override_reason" in self.fields:  # absent when the user may only view the deadline
            self.fields["expected_version"].initial = self.instance.version
            self.fields["override_reason"].required = True

    def _post_clean(self) -> None:
        # Not construct_instance: the service writes (once, on save); here only its checks run.
        if self.errors or not self.has_changed():
            return
        try:
            deadline_services.deadline_override_validate(
                deadline=self.instance,
                due_on=self.cleaned_data.get("override_due_on"),
                reason=self.cleaned_data.get("override_reason") or "",
                expected_version=self.cleaned_data.get("expected_version"),
            )
        except ValidationError as exc:
            self._update_errors(exc)  # type: ignore[attr-defined]
        except VersionConflict as exc:
            self.add_error(None, str(exc))

    def run_service(self, *, actor: Any) -> Deadline:
        return deadline_actions.deadline_override(
            deadline=self.instance,
            due_on=self.cleaned_data.get("override_due_on"),
            reason=self.cleaned_data.get("override_reason") or "",
            actor=actor,
            expected_version=self.cleaned_data.get("expected_version"),
        )


class DueFilter(DefaultChoiceListFilter):
    title = "due"
    parameter_name = "due"
    default = "open"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("open", "Open"),
            ("overdue", "Overdue"),
            ("unknown", "Open, date unknown"),
            ("all", "All"),
        ]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        open_ = queryset.filter(state=Deadline.State.OPEN)
        if self.value() == "open":
            return open_
        if self.value() == "overdue":
            return open_.filter(due_on__lt=timezone.localdate())
        if self.value() == "unknown":
            return open_.filter(due_on__isnull=True)
        return queryset


@admin.register(Deadline)
class DeadlineAdmin(OrganizationScopedAdmin, SimpleHistoryAdmin):
    scope_organization = "case__organization"
    form = DeadlineOverrideForm
    list_display = ["due_on", "overdue", "rule_code", "case", "ruling", "state", "trigger_on", "overridden"]
    list_filter = [DueFilter, "state", "rule_code"]
    list_select_related = ["case", "ruling__court"]
    search_fields = ["case__title", "rule_code"]
    ordering = ["due_on", "id"]
    readonly_fields = [
        "case",
        "ruling",
        "rule_code",
        "rule_version",
        "rule_title",
        "rule_source",
        "trigger_label",
        "trigger_on",
        "computed_due_on",
        "due_on",
        "overridden_by",
        "state",
        "state_reason",
        "closed_by_appeal",
        "how_computed",
    ]
    fieldsets = [
        (None, {"fields": ["case", "ruling", ("rule_code", "rule_version"), "rule_title", "rule_source"]}),
        ("Dates", {"fields": [("trigger_label", "trigger_on"), ("computed_due_on", "due_on"), "how_computed"]}),
        ("Override", {"fields": ["override_due_on", "override_reason", "overridden_by", "expected_version"]}),
        ("State", {"fields": [("state", "state_reason"), "closed_by_appeal"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Deadline]:
        return super().get_queryset(request).select_related("case", "ruling__court")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # computed from rulings by the services only

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a deadline that no longer applies becomes void, with its history

    def save_model(self, request: HttpRequest, obj: Deadline, form: DeadlineOverrideForm, change: bool) -> None:
        if form.has_changed():
            saved = form.run_service(actor=request.user)
            obj.__dict__.update({k: v for k, v in saved.__dict__.items() if not k.startswith("_")})

    @admin.display(description="Overdue", boolean=True)
    def overdue(self, obj: Deadline) -> bool:
        return obj.is_overdue(timezone.localdate())

    @admin.display(description="Overridden", boolean=True)
    def overridden(self, obj: Deadline) -> bool:
        return obj.override_due_on is not None

    @admin.display(description="How the date was reached")
    def how_computed(self, obj: Deadline) -> str:
        return format_html(
            "<ol>{}</ol>", format_html_join("", "<li>{}</li>", ((step,) for step in obj.explanation_sentences))
        )
