"""Who belongs to an organization, and the deadline reminders that follow its lawyers."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from actions.deadlines import deadline_reminders_organization_sync
from cases import services as case_services
from cases.models import Membership, Organization
from cases.services import Actor


@transaction.atomic
def membership_set(*, organization: Organization, user: User, role: str, actor: Actor = None) -> Membership:
    """Give a user a role in an organization (idempotent: a second call changes the role). A new
    lawyer gets the reminders of the open deadlines still ahead; a viewer, none."""
    membership = case_services.membership_set(organization=organization, user=user, role=role, actor=actor)
    deadline_reminders_organization_sync(organization=organization)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: Actor = None) -> None:
    """Remove a member; a lawyer who leaves gets no more deadline reminders."""
    organization = membership.organization
    case_services.membership_remove(membership=membership, actor=actor)
    deadline_reminders_organization_sync(organization=organization)
