"""Back-office views of subscriptions and of what was (or could not be) sent. Read-only for
reminders and notices: their state changes only through the services and the workers.

Subscribers' addresses (and the reminders and notices sent to them) are for superusers only:
the case page tells members how many follow a case, never who. A lawyer's own deadline
reminders are their organization's; a member's reminder settings are their own."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from cases.admin_scope import OrganizationScopedAdmin, SuperuserOnlyAdmin
from reminders.models import (
    DeadlineReminder,
    MemberReminderSettings,
    Notice,
    Reminder,
    Subscription,
    subscriber_email_hash,
)


class AddressSearchMixin:
    """Addresses are encrypted: a search for a whole address finds it by its keyed hash; any
    other text searches the other fields."""

    address_hash_lookup: str | None = "email_hash"

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Any], search_term: str) -> Any:
        term = search_term.strip()
        if self.address_hash_lookup and "@" in term and " " not in term:
            return queryset.filter(**{self.address_hash_lookup: subscriber_email_hash(term)}), False
        return super().get_search_results(request, queryset, search_term)  # type: ignore[misc]


@admin.register(Subscription)
class SubscriptionAdmin(SuperuserOnlyAdmin, AddressSearchMixin, admin.ModelAdmin):
    list_display = ["email", "case", "language", "time_zone", "confirmed_at", "unsubscribed_at"]
    list_filter = ["language", "confirmed_at", "unsubscribed_at"]
    search_fields = ["case__title"]
    list_select_related = ["case"]
    readonly_fields = [
        "confirm_token",
        "unsubscribe_token",
        "feed_token",
        "confirmation_sent_at",
        "erased_at",
        "created_at",
    ]
    raw_id_fields = ["case", "user"]


class DeliveryAdmin(AddressSearchMixin, admin.ModelAdmin):
    list_filter = ["state"]
    date_hierarchy = "due_at"
    search_fields = ["subscription__case__title"]
    address_hash_lookup: str | None = "subscription__email_hash"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Reminder)
class ReminderAdmin(SuperuserOnlyAdmin, DeliveryAdmin):
    list_display = [
        "id",
        "hearing",
        "subscription",
        "offset_minutes",
        "due_at",
        "state",
        "attempts",
        "sent_at",
        "last_error",
    ]
    list_select_related = ["hearing__case", "subscription__case"]


@admin.register(Notice)
class NoticeAdmin(SuperuserOnlyAdmin, DeliveryAdmin):
    list_display = [
        "id",
        "kind",
        "hearing",
        "ruling",
        "subscription",
        "due_at",
        "state",
        "attempts",
        "sent_at",
        "last_error",
    ]
    list_select_related = ["hearing__case", "ruling__court", "subscription__case"]


@admin.register(DeadlineReminder)
class DeadlineReminderAdmin(OrganizationScopedAdmin, DeliveryAdmin):
    """Lawyers' reminders of procedural deadlines (7 days, 2 days, on the day)."""

    scope_organization = "deadline__case__organization"

    list_display = [
        "id",
        "deadline",
        "user",
        "offset_days",
        "due_on",
        "due_at",
        "state",
        "attempts",
        "sent_at",
        "last_error",
    ]
    list_filter = ["state", "offset_days"]
    search_fields = ["user__email", "user__username", "deadline__case__title"]
    address_hash_lookup = None  # members' own account addresses, not subscribers'
    list_select_related = ["deadline__case", "user"]


@admin.register(MemberReminderSettings)
class MemberReminderSettingsAdmin(OrganizationScopedAdmin, admin.ModelAdmin):
    scope_user = "user"
    list_display = ["user", "language", "updated_at"]
    list_filter = ["language"]
    search_fields = ["user__username", "user__email"]
    readonly_fields = ["feed_token", "created_at", "updated_at"]
    raw_id_fields = ["user"]

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        # A member's settings stay theirs: only a superuser moves them to another account.
        return self.readonly_fields if request.user.is_superuser else [*self.readonly_fields, "user"]
