"""Who may read the access log: an organization's owners, that organization's rows only."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accesslog.models import AccessRecord
from cases.models import Membership, Organization


def organizations_with_readable_log(*, user: Any) -> QuerySet[Organization]:
    """The organizations whose access log `user` reads: those they own (a superuser too only as an owner)."""
    if not getattr(user, "is_authenticated", False):
        return Organization.objects.none()
    return Organization.objects.filter(memberships__user=user, memberships__role=Membership.Role.OWNER).order_by("name")


def access_log_for(*, user: Any, organization: Organization | None = None) -> QuerySet[AccessRecord]:
    """The records `user` may read (their owned organizations'), newest first; of one of them
    when `organization` is given (nothing when they do not own it)."""
    owned = organizations_with_readable_log(user=user)
    records = AccessRecord.objects.filter(organization__in=owned)
    if organization is not None:
        records = records.filter(organization=organization)
    return records.select_related("organization", "case").order_by("-at", "-id")
