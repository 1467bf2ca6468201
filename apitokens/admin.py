from django.contrib import admin

from apitokens.models import ApiToken
from cases.admin_scope import OrganizationScopedAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(OrganizationScopedAdmin, admin.ModelAdmin):
    """Staff see and revoke their own tokens; superusers everyone's."""

    scope_user = "user"
    list_display = ("name", "user", "prefix", "read_only", "created_at", "revoked_at")
    list_filter = ("read_only",)
    search_fields = ("name", "user__username", "prefix")
    readonly_fields = ("user", "prefix", "digest", "read_only", "created_at")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # tokens are created with `manage.py api_token create`, which shows the secret once
