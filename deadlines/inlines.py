"""The deadlines shown on a ruling's admin page (read-only: they change through the services;
the link opens the deadline, where a lawyer can override the date)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from cases.admin_scope import ScopedInlineMixin
from deadlines.models import Deadline

SHOWN = ("rule_code", "rule_version", "trigger_on", "due_on", "overdue", "state", "state_reason")


class DeadlineInline(ScopedInlineMixin, admin.TabularInline):
    model = Deadline
    fk_name = "ruling"
    fields = SHOWN
    readonly_fields = SHOWN
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = "deadlines (computed from this ruling)"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Overdue", boolean=True)
    def overdue(self, obj: Deadline) -> bool:
        return obj.is_overdue(timezone.localdate())
