from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext

from cases.models import (
    Membership,
    Organization,
)
from cases.services.records import (
    Actor,
    record_assign,
    record_delete,
    record_save,
    record_update,
    record_validate,
    with_translations,
)

# --- Organizations and courts ---------------------------------------------------------------


ORGANIZATION_FIELDS = with_translations(Organization, ("name", "slug", "website", "require_two_factor"))


@transaction.atomic
def organization_create(
    *, name: str = "", slug: str = "", website: str = "", actor: Actor = None, **translations: Any
) -> Organization:
    """A new organization; ``name`` in the active language, or ``name_en=``, ``name_ru=``, ... and
    ``original_language=`` (any other keyword is refused)."""
    organization = _organization_new(name=name, slug=slug, website=website, **translations)
    return record_save(organization, actor=actor)


def _organization_new(*, name: str = "", slug: str = "", website: str = "", **translations: Any) -> Organization:
    organization = Organization(website=website)
    fields = {"name": name.strip()} if name else {}
    record_assign(organization, {**fields, **translations}, ORGANIZATION_FIELDS)
    # An organization's name is unique: an untranslated one is NULL, not "" (cases/translation.py).
    for code, _label in settings.LANGUAGES:
        if not getattr(organization, f"name_{code}"):
            setattr(organization, f"name_{code}", None)
    if not organization.name:
        raise ValidationError({"name": gettext("Give the name in at least one language.")})
    organization.slug = slug or slugify(organization.name)[:80]
    return organization


def organization_validate(
    *, organization: Organization | None = None, expected_version: int | None = None, **fields: Any
) -> None:
    """What `organization_create` or `organization_update` would refuse, without writing."""
    if organization is None:
        _organization_new(**fields).full_clean()
    else:
        record_validate(organization, fields=fields, editable=ORGANIZATION_FIELDS, expected_version=expected_version)


def membership_validate(*, membership: Membership | None = None, **fields: Any) -> None:
    """What `membership_set` would refuse, without writing (a second role for a member replaces the first)."""
    fields.pop("expected_version", None)
    record_validate(
        membership or Membership(), fields=fields, editable=("organization", "user", "role"), validate_unique=False
    )


@transaction.atomic
def organization_update(
    *, organization: Organization, actor: Actor = None, expected_version: int | None = None, **fields: Any
) -> Organization:
    organization, _ = record_update(
        organization, actor=actor, expected_version=expected_version, fields=fields, editable=ORGANIZATION_FIELDS
    )
    return record_save(organization, actor=actor)


@transaction.atomic
def organization_delete(
    *, organization: Organization, actor: Actor = None, expected_version: int | None = None
) -> None:
    record_delete(organization, actor=actor, expected_version=expected_version)


@transaction.atomic
def membership_set(*, organization: Organization, user: User, role: str, actor: Actor = None) -> Membership:
    """Give a user a role in an organization (idempotent: a second call changes the role)."""
    membership = Membership.objects.filter(organization=organization, user=user).first() or Membership(
        organization=organization, user=user
    )
    membership.role = role
    return record_save(membership, actor=actor)


@transaction.atomic
def membership_remove(*, membership: Membership, actor: Actor = None) -> None:
    organization = membership.organization
    owners = organization.memberships.filter(role=Membership.Role.OWNER)
    if membership.role == Membership.Role.OWNER and owners.count() == 1:
        raise ValidationError(gettext("An organization keeps at least one owner; name another owner first."))
    record_delete(membership, actor=actor)
