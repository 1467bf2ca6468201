from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from anyascii import anyascii
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext

from cases.content import localized
from cases.models import (
    Appeal,
    Case,
    Court,
    Docket,
    Party,
    Tag,
)
from cases.redaction import redactor_for
from cases.services.records import (
    Actor,
    record_assign,
    record_delete,
    record_lock,
    record_save,
    record_update,
    record_validate,
    with_translations,
)
from changes.services import change_record, change_record_case_visibility
from tracker.validation import today_anywhere

# --- Cases ----------------------------------------------------------------------------------

CASE_FIELDS = with_translations(
    Case,
    (
        "organization",
        "title",
        "slug",
        "summary",
        "claims",
        "legal_basis",
        "proceeding",
        "status",
        "outcome",
        "is_public",
        "filed_on",
        "notes",
        "sources",
    ),
)
# The lifecycle a case may move through. A case can go back to pending (remand) and a closed
# case can be reopened when a further instance takes it up (e.g. an ECtHR application).
CASE_TRANSITIONS: dict[str, set[str]] = {
    Case.Status.PREPARING: {Case.Status.FILED, Case.Status.CLOSED},
    Case.Status.FILED: {Case.Status.PENDING, Case.Status.DECIDED, Case.Status.CLOSED},
    Case.Status.PENDING: {Case.Status.DECIDED, Case.Status.CLOSED},
    Case.Status.DECIDED: {Case.Status.UNDER_APPEAL, Case.Status.PENDING, Case.Status.CLOSED},
    Case.Status.UNDER_APPEAL: {Case.Status.DECIDED, Case.Status.PENDING, Case.Status.CLOSED},
    Case.Status.CLOSED: {Case.Status.UNDER_APPEAL, Case.Status.PENDING},
}


def _case_validate(case: Case, *, previous_status: str | None) -> None:
    if previous_status is not None and case.status != previous_status:
        if case.status not in CASE_TRANSITIONS[previous_status]:
            raise ValidationError(
                {
                    "status": gettext("A case cannot go from %(previous)s to %(new)s.")
                    % {
                        "previous": str(Case.Status(previous_status).label).lower(),
                        "new": str(Case.Status(case.status).label).lower(),
                    }
                }
            )
    if case.filed_on and case.pk:
        earliest = case.rulings.order_by("decided_on").values_list("decided_on", flat=True).first()
        if earliest and earliest < case.filed_on:
            raise ValidationError(
                {
                    "filed_on": gettext("The case has a ruling of %(date)s; it cannot have been filed after it.")
                    % {"date": f"{earliest:%Y-%m-%d}"}
                }
            )
    if case.filed_on and case.filed_on > today_anywhere():
        raise ValidationError({"filed_on": gettext("A filing date cannot be in the future.")})


def _case_set_tags(case: Case, tags: Iterable[str]) -> None:
    objs = []
    for name in tags:
        name = name.strip()
        if not name:
            continue
        tag, _ = Tag.objects.get_or_create(slug=slugify(name)[:60], defaults={"name": name[:60]})
        objs.append(tag)
    case.tags.set(objs)


def case_validate(
    *, case: Case | None = None, expected_version: int | None = None, tags: Iterable[str] | None = None, **fields: Any
) -> None:
    """What `case_create` or `case_update` would refuse, without writing (a new case without a
    slug gets one made from its title)."""
    previous_status = Case.objects.values_list("status", flat=True).get(pk=case.pk) if case is not None else None
    record_validate(
        case or Case(),
        fields=fields,
        editable=CASE_FIELDS,
        expected_version=expected_version,
        rules=lambda candidate: _case_validate(candidate, previous_status=previous_status),
        exclude_clean=("slug",) if case is None and not fields.get("slug") else (),
    )


def docket_validate(*, docket: Docket | None = None, **fields: Any) -> None:
    """What `docket_set` would refuse, without writing (a second number at a court replaces the first)."""
    fields.pop("expected_version", None)
    record_validate(docket or Docket(), fields=fields, editable=("case", "court", "number"), validate_unique=False)


@transaction.atomic
def case_create(*, actor: Actor = None, tags: Iterable[str] = (), **fields: Any) -> Case:
    case = Case()
    record_assign(case, fields, CASE_FIELDS)
    if not case.slug:
        # A case written in Russian only still gets a readable URL ("popova-protiv-..."):
        # anyascii transliterates (ISC licence; unidecode is GPL).
        case.slug = _unique_case_slug(slugify(anyascii(localized(case, "title", "en").text)), case=case)
    _case_validate(case, previous_status=None)
    record_save(case, actor=actor)
    _case_set_tags(case, tags)
    return case


def _unique_case_slug(base: str, *, case: Case) -> str:
    base = base[:80].strip("-") or "case"
    slug, number = base, 1
    while Case.objects.filter(slug=slug).exclude(pk=case.pk).exists():
        number += 1
        suffix = f"-{number}"
        slug = base[: 80 - len(suffix)].rstrip("-") + suffix
    return slug


@transaction.atomic
def case_slug_hide_names(*, case: Case, actor: Actor = None) -> Case:
    """A case's URL is public: one that names a party without consent ("ivan-petrov-v-russia",
    made from the title before the party was added or withdrew consent) is made again from the
    title as outsiders read it ("witness-a-v-russia"). The old address is not redirected: a
    redirect would tell anyone who tries a name that this person is a party of the case. Only a
    public case's URL is read by outsiders: a private one is made again when it becomes public."""
    if not case.is_public:
        return case
    redactor = redactor_for(Party.objects.filter(case=case))
    if not redactor.named_in(case.slug.replace("-", " ")):
        return case
    case = record_lock(case)
    title = redactor(localized(case, "title", "en").text, "en")
    case.slug = _unique_case_slug(slugify(anyascii(title)), case=case)
    return record_save(case, actor=actor, reason="URL made without a hidden party's name")


@transaction.atomic
def case_update(
    *,
    case: Case,
    actor: Actor = None,
    expected_version: int | None = None,
    tags: Iterable[str] | None = None,
    **fields: Any,
) -> Case:
    previous_status = Case.objects.values_list("status", flat=True).get(pk=case.pk)
    case, changed = record_update(
        case, actor=actor, expected_version=expected_version, fields=fields, editable=CASE_FIELDS
    )
    _case_validate(case, previous_status=previous_status)
    record_save(case, actor=actor)
    if tags is not None:
        _case_set_tags(case, tags)
    if "is_public" in changed:
        change_record_case_visibility(case=case)
    return case_slug_hide_names(case=case, actor=actor)


@transaction.atomic
def case_delete(*, case: Case, actor: Actor = None, expected_version: int | None = None) -> None:
    # Appeals protect the rulings they challenge; a whole case goes with all of its records.
    for appeal in Appeal.objects.filter(case=case):
        change_record(instance=appeal, op="delete")
    Appeal.objects.filter(case=case).delete()
    record_delete(case, actor=actor, expected_version=expected_version)


@transaction.atomic
def docket_set(*, case: Case, court: Court, number: str, actor: Actor = None) -> Docket:
    """Record the case's number at a court (one per court; a second call replaces it)."""
    docket = Docket.objects.filter(case=case, court=court).first() or Docket(case=case, court=court)
    docket.number = number.strip()
    return record_save(docket, actor=actor)


@transaction.atomic
def docket_remove(*, docket: Docket, actor: Actor = None) -> None:
    record_delete(docket, actor=actor)
