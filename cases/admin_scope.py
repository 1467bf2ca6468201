"""Organization scoping for every admin page: staff see and write only what belongs to their
organizations; only superusers see all.

One rule in one place, applied by a mixin rather than view by view, so that a page Django or a
library adds (simple-history's history list and version form, the autocomplete, list filters,
the delete confirmation, actions) cannot forget it:

- `get_queryset` is the organization's records (`scope_organization`, the lookup from the model
  to its Organization) or the user's own (`scope_user`); every view reads through it.
- An object outside it is a 404 on every page, history and deleted objects included (never a
  redirect or a 403 that would tell "it exists").
- Writing (change, delete, revert, add) needs the lawyer or owner role in the record's
  organization; viewers read only.
- Foreign-key and many-to-many choices, and relation list filters, offer only records the user
  may write (choices) or see (filters).

`tests/tracker/test_route_matrix.py` requests every admin page as members of two
organizations and checks each admin registered is scoped, superuser-only or listed as shared.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import User
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

from cases.models import Membership, Organization

WRITER_ROLES = (Membership.Role.OWNER, Membership.Role.LAWYER)


def organizations_of(user: Any, *, writers_only: bool = False) -> QuerySet[Organization]:
    memberships = Membership.objects.filter(user=user)  # type: ignore[misc]
    if writers_only:
        memberships = memberships.filter(role__in=WRITER_ROLES)
    return Organization.objects.filter(pk__in=memberships.values("organization"))  # type: ignore[misc]


def scoped(admin_obj: Any, request: HttpRequest, queryset: QuerySet[Any], *, writers_only: bool = False) -> Any:
    """`queryset` cut to what the request's user may see (or write): the scoping rule."""
    if request.user.is_superuser:
        return queryset
    if not request.user.is_authenticated:
        return queryset.none()
    return admin_obj.scope_rows(request.user, queryset, writers_only=writers_only)


def _writes_somewhere(request: HttpRequest) -> bool:
    """Lawyer or owner in some organization; asked by every permission check of a page, so
    read once per request."""
    known = getattr(request, "_admin_scope_writes", None)
    if known is None:
        known = organizations_of(request.user, writers_only=True).exists()
        request._admin_scope_writes = known  # type: ignore[attr-defined]
    return known


def choices_for(admin_site: admin.AdminSite, request: HttpRequest, db_field: Any, queryset: Any) -> Any:
    """A relation's choices in a form: only records the user may write, when their admin is scoped."""
    related_admin = admin_site._registry.get(db_field.remote_field.model)
    base = queryset if queryset is not None else db_field.remote_field.model._default_manager.all()
    if isinstance(related_admin, SuperuserOnlyAdmin) and not request.user.is_superuser:
        return base.none()
    if not isinstance(related_admin, OrganizationScopedAdmin):
        return queryset  # None: Django's own choices
    return scoped(related_admin, request, base, writers_only=not related_admin.scope_user)


class ScopedChoicesMixin:
    """Relation choices of a form (admin or inline) limited to what the user may write."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        limited = choices_for(self.admin_site, request, db_field, kwargs.get("queryset"))  # type: ignore[attr-defined]
        if limited is not None:
            kwargs["queryset"] = limited
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        limited = choices_for(self.admin_site, request, db_field, kwargs.get("queryset"))  # type: ignore[attr-defined]
        if limited is not None:
            kwargs["queryset"] = limited
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]


class OrganizationScopedAdmin(ScopedChoicesMixin):
    """Put first among a ModelAdmin's bases; set `scope_organization` (e.g. "case__organization";
    "id" for Organization itself) or `scope_user` (e.g. "user" for a person's own records)."""

    scope_organization = ""
    scope_user = ""

    def scope_rows(self, user: Any, queryset: QuerySet[Any], *, writers_only: bool) -> QuerySet[Any]:
        if self.scope_user:
            return queryset.filter(**{self.scope_user: user})
        return queryset.filter(**{f"{self.scope_organization}__in": organizations_of(user, writers_only=writers_only)})

    def get_queryset(self, request: HttpRequest) -> Any:
        return scoped(self, request, super().get_queryset(request))  # type: ignore[misc]

    def writable(self, request: HttpRequest, obj: Any) -> bool:
        if request.user.is_superuser:
            return True
        if obj is None:
            return self.scope_user != "" or _writes_somewhere(request)
        rows = type(obj)._default_manager.filter(pk=obj.pk)
        return scoped(self, request, rows, writers_only=True).exists()

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_view_permission(request, obj)  # type: ignore[misc]
        return allowed and (obj is None or self._in_scope(request, obj.pk))

    def _in_scope(self, request: HttpRequest, pk: Any) -> bool:
        """The record, or the last version of a deleted one, is the user's to see."""
        model: Any = self.model  # type: ignore[attr-defined]
        if scoped(self, request, model._default_manager.filter(pk=pk)).exists():
            return True
        if model._default_manager.filter(pk=pk).exists():
            return False  # exists, in another organization
        history_attribute = getattr(model._meta, "simple_history_manager_attribute", None)
        if history_attribute is None:
            return False
        history = getattr(model, history_attribute)
        latest = history.filter(**{model._meta.pk.attname: pk}).order_by("-history_date", "-history_id").first()
        return latest is not None and scoped(self, request, history.filter(history_id=latest.history_id)).exists()

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return super().has_add_permission(request, *args) and self.writable(request, None)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self.writable(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self.writable(request, obj)  # type: ignore[misc]

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        # Django answers a missing object with a redirect to the index ("... doesn't exist");
        # another organization's record is a plain 404, as one that never existed.
        obj = super().get_object(request, object_id, from_field)  # type: ignore[misc]
        if obj is None:
            raise Http404
        return obj

    def get_list_filter(self, request: HttpRequest) -> Any:
        # A relation's filter lists every row of the related table (another organization's case
        # titles); RelatedOnlyFieldListFilter lists those of the records on this list only.
        return [self._related_only(item) for item in super().get_list_filter(request)]  # type: ignore[misc]

    def _related_only(self, item: Any) -> Any:
        if not isinstance(item, str):
            return item
        model: Any = self.model  # type: ignore[attr-defined]
        field = None
        for part in item.split("__"):
            try:
                field = model._meta.get_field(part)
            except FieldDoesNotExist:
                return item
            model = field.related_model if field.is_relation else None
            if model is None:
                break
        if field is not None and field.is_relation:
            return (item, admin.RelatedOnlyFieldListFilter)
        return item

    # --- django-simple-history's pages --------------------------------------------------------

    def history_object_or_404(self, request: HttpRequest, object_id: str) -> Any:
        """The live object when the user may see it; None for a deleted one whose last version
        they may see; 404 otherwise (another organization's, live or deleted)."""
        model: Any = self.model  # type: ignore[attr-defined]
        try:
            pk = model._meta.pk.to_python(unquote(object_id))
        except (ValidationError, ValueError) as exc:
            raise Http404 from exc
        live = self.get_queryset(request).filter(pk=pk).first()
        if live is None and not self._in_scope(request, pk):
            raise Http404
        return live

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        if isinstance(self, SimpleHistoryAdmin):
            self.history_object_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)  # type: ignore[misc]

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        live = self.history_object_or_404(request, object_id)
        # simple-history saves a posted version form (a revert) with only the view permission.
        if request.method == "POST" and (live is None or not self.has_change_permission(request, live)):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)  # type: ignore[misc]


class ScopedInlineMixin(ScopedChoicesMixin):
    """For inlines: their rows are the parent's, which the parent admin scopes; their relation
    choices are scoped here."""


class SharedAdmin:
    """Reference data every organization shares (courts, tags): no organization's, so not scoped."""


class SuperuserOnlyAdmin:
    """Infrastructure and accounts of everyone (schedules, login attempts, groups, subscribers'
    addresses): superusers only, whatever model permissions a staff user was given."""

    # Superusers only, and never more than the admin itself allows (the access log's admin
    # refuses every change and delete, superusers included).
    def _superuser(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._superuser(request) and super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._superuser(request) and super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._superuser(request) and super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._superuser(request) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._superuser(request) and super().has_delete_permission(request, obj)  # type: ignore[misc]

    def get_queryset(self, request: HttpRequest) -> Any:
        qs = super().get_queryset(request)  # type: ignore[misc]
        return qs if request.user.is_superuser else qs.none()

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        obj = super().get_object(request, object_id, from_field)  # type: ignore[misc]
        if obj is None:
            raise Http404
        return obj


def superuser_only(site: admin.AdminSite, model: type[models.Model]) -> None:
    """Register `model`'s existing admin (a library's) again, restricted to superusers."""
    current = type(site._registry[model])
    if issubclass(current, SuperuserOnlyAdmin):
        return
    site.unregister(model)
    site.register(model, type(f"SuperuserOnly{current.__name__}", (SuperuserOnlyAdmin, current), {}))


def restrict_unscoped(site: admin.AdminSite) -> list[type[models.Model]]:
    """Every admin that is neither scoped nor shared becomes superuser-only: an admin added
    without thought for organizations (a library's, a new app's) fails closed. Returns the
    models so restricted."""
    restricted = []
    for model, model_admin in list(site._registry.items()):
        if not isinstance(model_admin, OrganizationScopedAdmin | SharedAdmin | SuperuserOnlyAdmin):
            superuser_only(site, model)
            restricted.append(model)
    return restricted


def users_sharing_an_organization(user: Any) -> QuerySet[User]:
    """The user and the members of their organizations."""
    shared = Membership.objects.filter(organization__in=organizations_of(user)).values("user")  # type: ignore[misc]
    return User.objects.filter(Q(pk=user.pk) | Q(pk__in=shared))
