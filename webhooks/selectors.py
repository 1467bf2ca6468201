"""Reads of webhook endpoints: who may see and manage which."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from cases.models import Membership
from webhooks.models import Delivery, Endpoint


def endpoints_managed_by(*, user: User | AnonymousUser) -> QuerySet[Endpoint]:
    """The endpoints of the organizations where `user` is a lawyer or an owner (viewers and
    outsiders: none; an endpoint's URL and deliveries are the organization's business)."""
    if not isinstance(user, User) or not user.is_active:
        return Endpoint.objects.none()
    if user.is_superuser:
        return Endpoint.objects.all()
    writers = Membership.objects.filter(user=user, role__in=(Membership.Role.OWNER, Membership.Role.LAWYER)).values(
        "organization_id"
    )
    return Endpoint.objects.filter(organization_id__in=writers)


def endpoint_is_controlled_by(*, endpoint: Endpoint, user: User | AnonymousUser | None) -> bool:
    """Who may point the endpoint somewhere else, re-send its history or take a new secret:
    its creator while still a lawyer or owner of its organization, the organization's owners,
    and superusers. Any lawyer of the organization may list it, read its attempts, change its
    types, pause or delete it; but a colleague who could repoint it could read the whole feed
    at an address of their choosing without anyone who set it up agreeing."""
    if not isinstance(user, User) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    role = (
        Membership.objects.filter(organization_id=endpoint.organization_id, user=user)
        .values_list("role", flat=True)
        .first()
    )
    if role == Membership.Role.OWNER:
        return True
    return role == Membership.Role.LAWYER and endpoint.owner_id == user.pk


def deliveries_of(*, endpoint: Endpoint) -> QuerySet[Delivery]:
    return Delivery.objects.filter(endpoint=endpoint)


def endpoints_behind(*, position: tuple[int, int]) -> QuerySet[Endpoint]:
    """Active endpoints whose cursor is before `position` (a change log position). A row
    comparison, so PostgreSQL reads one range of the partial index on the cursor."""
    behind = RawSQL(
        '("webhooks_endpoint"."cursor_txid", "webhooks_endpoint"."cursor_id") < (%s, %s)',
        list(position),
        BooleanField(),
    )
    return Endpoint.objects.filter(behind, active=True)
