from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cases.admin_scope import OrganizationScopedAdmin, ScopedInlineMixin
from webhooks import services
from webhooks.models import Delivery, Endpoint

# Deliveries shown on an endpoint's admin page, the latest first.
LATEST_DELIVERIES = 20


class LatestDeliveriesFormSet(BaseInlineFormSet):
    """The endpoint's latest deliveries only; the API pages through all. Sliced here, after the
    formset has filtered by the endpoint: the inline's own queryset cannot be sliced (the
    formset filters it again, and Django refuses to filter a sliced query)."""

    def get_queryset(self) -> QuerySet[Delivery]:
        if not hasattr(self, "_queryset"):
            self._queryset = super().get_queryset()[:LATEST_DELIVERIES]
        return self._queryset


class DeliveryInline(ScopedInlineMixin, admin.TabularInline):
    model = Delivery
    formset = LatestDeliveriesFormSet
    fields = ("attempted_at", "outcome", "status_code", "error", "items", "cursor_from", "cursor_to", "latency_ms")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ["-attempted_at", "-id"]


class EndpointAdminForm(forms.ModelForm):
    """The services' checks (HTTPS, public address, known types, the owner's role, who may
    change the URL) as form errors."""

    actor: User | None = None  # the signed-in user, set by EndpointAdmin.get_form

    class Meta:
        model = Endpoint
        fields = ["organization", "owner", "url", "types", "active"]

    def clean(self) -> dict:  # type: ignore[type-arg]
        data = super().clean() or {}
        if self.instance.pk is not None and "url" in self.changed_data:
            try:
                services.endpoint_control_check(endpoint=self.instance, actor=self.actor)
            except PermissionDenied as refusal:
                self.add_error("url", str(refusal))
                return data
        if data.get("url"):
            services.endpoint_url_check(data["url"])
        services.endpoint_types_check(data.get("types") or [])
        if self.instance.pk is None and data.get("organization") and data.get("owner"):
            services.endpoint_owner_check(organization=data["organization"], owner=data["owner"])
        return data


@admin.register(Endpoint)
class EndpointAdmin(OrganizationScopedAdmin, admin.ModelAdmin):
    scope_organization = "organization"
    form = EndpointAdminForm
    list_display = ["url", "organization", "owner", "active", "cursor_text", "failure_streak", "disabled_reason"]
    list_filter = ["active", "organization"]
    search_fields = ["url", "organization__name", "owner__username"]
    fields = [
        "organization",
        "owner",
        "url",
        "types",
        "active",
        "cursor_text",
        "next_attempt_at",
        "failure_streak",
        "failing_since",
        "disabled_at",
        "disabled_reason",
    ]
    readonly_fields = [
        "cursor_text",
        "next_attempt_at",
        "failure_streak",
        "failing_since",
        "disabled_at",
        "disabled_reason",
    ]
    raw_id_fields = ["owner"]
    inlines = [DeliveryInline]
    actions = ["rotate_secret"]

    def get_inlines(self, request: HttpRequest, obj: Endpoint | None) -> list[type[admin.options.InlineModelAdmin]]:  # type: ignore[type-arg]
        return [DeliveryInline] if obj is not None else []  # nothing was attempted yet

    def get_readonly_fields(self, request: HttpRequest, obj: Endpoint | None = None) -> list[str]:
        if obj is not None:
            return [*self.readonly_fields, "organization", "owner"]
        return self.readonly_fields

    def get_form(self, request: HttpRequest, obj: Endpoint | None = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def save_model(self, request: HttpRequest, obj: Endpoint, form, change: bool) -> None:  # type: ignore[no-untyped-def]
        # Through the services, as the API (the form ran their checks); the secret of a new
        # endpoint, or of one given a new URL, is shown once, here.
        if change:
            _endpoint, secret = services.endpoint_update(
                endpoint=obj,
                actor=request.user,  # type: ignore[arg-type]
                url=obj.url,
                types=obj.types,
                active=obj.active,
            )
            if secret is not None:
                self.message_user(
                    request,
                    _("A new URL takes a new signing secret (shown only now): %(secret)s") % {"secret": secret},
                    messages.WARNING,
                )
            return
        endpoint, secret = services.endpoint_create(
            organization=obj.organization, owner=obj.owner, url=obj.url, types=obj.types, active=obj.active
        )
        obj.pk = endpoint.pk
        self.message_user(
            request, _("The signing secret (shown only now): %(secret)s") % {"secret": secret}, messages.WARNING
        )

    @admin.action(description=_("Rotate the signing secret"))
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[Endpoint]) -> None:
        if any(not self.has_change_permission(request, endpoint) for endpoint in queryset):
            raise PermissionDenied  # a viewer of the organization reads its endpoints, never their secrets
        rotated = 0
        for endpoint in queryset:
            try:
                secret = services.endpoint_secret_rotate(endpoint=endpoint, actor=request.user)  # type: ignore[arg-type]
            except PermissionDenied as refusal:
                text = _("Not rotated: %(url)s. %(refusal)s") % {"url": endpoint.url, "refusal": refusal}
                self.message_user(request, text, messages.ERROR)
                continue
            rotated += 1
            self.message_user(
                request,
                _("%(url)s: new secret (shown only now): %(secret)s") % {"url": endpoint.url, "secret": secret},
                messages.WARNING,
            )
        self.message_user(request, ngettext("%d endpoint rotated.", "%d endpoints rotated.", rotated) % rotated)
