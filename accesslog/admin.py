"""The access log in the back office: read-only for everyone, superusers included."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from accesslog.models import AccessRecord


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "address", "organization", "kind", "channel", "case", "object_id"]
    list_filter = ["kind", "channel", "organization"]
    date_hierarchy = "at"
    search_fields = ["username"]
    list_select_related = ["organization", "case"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
