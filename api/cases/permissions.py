"""Who may write what through the API. Reads are governed by the querysets (selectors): a
record the caller may not see is a 404, never a 403 that confirms it exists."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions
from rest_framework.request import Request

from api.cases.serializers import ALL, AllOrganizations
from apitokens.models import ApiToken
from cases.models import Membership

if TYPE_CHECKING:
    from rest_framework.views import APIView

OrganizationIds = frozenset[int] | AllOrganizations


def organization_ids_or_none(organizations: OrganizationIds) -> frozenset[int] | None:
    """The ids, or None for ALL: how selectors that take organization ids hear "every one"."""
    return None if isinstance(organizations, AllOrganizations) else organizations


def _memberships(request: Request) -> tuple[OrganizationIds, OrganizationIds]:
    """(organizations the caller is a member of, those where it writes), read once per request."""
    cached = getattr(request, "_tracker_memberships", None)
    if cached is not None:
        return cached
    user = request.user
    result: tuple[OrganizationIds, OrganizationIds]
    if not user or not user.is_authenticated:
        result = (frozenset(), frozenset())
    elif user.is_superuser:
        result = (ALL, ALL)
    else:
        rows = getattr(user, "api_memberships", None)  # read with the API token (apitokens.authentication)
        if rows is None:
            rows = list(Membership.objects.filter(user=user).values_list("organization_id", "role"))
        writers = (Membership.Role.OWNER, Membership.Role.LAWYER)
        result = (frozenset(org for org, _ in rows), frozenset(org for org, role in rows if role in writers))
    request._tracker_memberships = result  # type: ignore[attr-defined]
    return result


def member_organizations(request: Request) -> OrganizationIds:
    return _memberships(request)[0]


def writer_organizations(request: Request) -> OrganizationIds:
    return _memberships(request)[1]


def require_writer(request: Request, organization_id: int) -> None:
    if organization_id not in writer_organizations(request):
        raise exceptions.PermissionDenied("Only the organization's lawyers and owners can change its cases.")


class WriteScope(permissions.BasePermission):
    """Anyone reads (what they may see); writing needs a logged-in user or a read-write token."""

    message = "This API token is read-only."
    anonymous_reads = True  # the OpenAPI schema lists "no credentials" for reads (api/schema.py)

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated("Log in or send an API token to make changes.")
        return not (isinstance(request.auth, ApiToken) and request.auth.read_only)


class ReferenceDataWriters(permissions.DjangoModelPermissions):
    """Courts are shared reference data: a court's time zone places every organization's
    hearings. Anyone reads them; writing takes the model's Django permission (`cases.add_court`,
    `change_court`, `delete_court`: superusers and the "Reference editors" group), never only
    being staff (demo viewers are staff) or a lawyer of some organization."""

    message = _("Only superusers and reference editors can change the list of courts.")
    anonymous_reads = True

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return super().has_permission(request, view)

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        return self.has_permission(request, view)
