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
