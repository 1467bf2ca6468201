"""Every write to the litigation domain goes through here: admin, API, pages, commands and
tasks call these functions and nothing else writes these models.

Each service is keyword-only, atomic, validates (single-row rules through the model's
constraints via `full_clean`, cross-row rules here), writes, raises `version`, records who did
it in the history, and returns the model. Bad input raises `ValidationError` with a message per
field; a write based on an outdated copy raises `VersionConflict`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, TypeVar

from anyascii import anyascii
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext, gettext_lazy

from cases.content import localized
from cases.models import (
    Appeal,
    Case,
    CaseEvent,
    Court,
    Docket,
    Hearing,
    HearingReschedule,
    Membership,
    Organization,
    Party,
    Ruling,
    Tag,
    VersionedModel,
)
from cases.redaction import redactor_for
from changes.services import change_record, change_record_case_visibility
from deadlines import services as deadline_services
from reminders.services import notices_ruling_recorded, reminders_hearing_changed
from tracker.validation import record_input_validate

Actor = User | AnonymousUser | None
M = TypeVar("M", bound=models.Model)


# The records' names in messages, in the reader's language (the models' verbose names are not
# translated: changing them would only churn migrations).
RECORD_NAMES = {
    "organization": gettext_lazy("Organization"),
    "membership": gettext_lazy("Membership"),
    "court": gettext_lazy("Court"),
    "case": gettext_lazy("Case"),
    "docket": gettext_lazy("Docket number"),
    "party": gettext_lazy("Party"),
    "hearing": gettext_lazy("Hearing"),
    "ruling": gettext_lazy("Ruling"),
    "appeal": gettext_lazy("Appeal"),
    "caseevent": gettext_lazy("Timeline fact"),
    "deadline": gettext_lazy("Deadline"),
}


# Lower case and plural: what still refers to a record that cannot be deleted.
RECORD_NAMES_PLURAL = {
    "case": gettext_lazy("cases"),
    "docket": gettext_lazy("docket numbers"),
    "hearing": gettext_lazy("hearings"),
    "ruling": gettext_lazy("rulings"),
    "appeal": gettext_lazy("appeals"),
}


def record_name(instance: models.Model) -> str:
    return str(RECORD_NAMES.get(instance._meta.model_name or "", capfirst(instance._meta.verbose_name)))


def record_name_plural(instance: models.Model) -> str:
    return str(RECORD_NAMES_PLURAL.get(instance._meta.model_name or "", instance._meta.verbose_name_plural))


class VersionConflict(Exception):
    """The record changed since the caller read it; nothing was written. The message is in
    the language active when it is raised (the request's)."""

    def __init__(self, current: VersionedModel, expected_version: int) -> None:
        self.current = current
        self.expected_version = expected_version
        super().__init__(
            gettext(
                "%(record)s was changed by someone else (your copy is version %(expected)s, "
                "the current one is %(current)s). Reload it and apply your change again."
            )
            % {"record": record_name(current), "expected": expected_version, "current": current.version}
        )


# --- Shared mechanics -----------------------------------------------------------------------


def _user_or_none(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


def _editable_with_translations(instance: models.Model, editable: Iterable[str]) -> set[str]:
    """`editable` plus, for a translated field among them, its per-language columns (title_en,
    title_ru: cases/translation.py) and the record's original language. A change to one language
    alone is a change like any other: a new version and a feed upsert."""
    allowed = set(editable)
    translated = set(getattr(instance, "translated_fields", ())) & allowed
    if translated:
        allowed.update(f"{name}_{code}" for name in translated for code, _label in settings.LANGUAGES)
        allowed.add("original_language")
    return allowed


def _assign(instance: M, fields: dict[str, Any], editable: Iterable[str]) -> list[str]:
    """Set the given fields, refusing any that this service does not edit. Returns what changed."""
    allowed = _editable_with_translations(instance, editable)
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ValidationError({name: gettext("This field cannot be changed here.") for name in unknown})
    record_input_validate(type(instance), fields)
    changed = []
    for name, value in fields.items():
        field = instance._meta.get_field(name)
        if field.is_relation:
            # Compare keys: reading an unset relation raises, and keys are what is stored.
            current = getattr(instance, field.attname)  # type: ignore[union-attr]
            differs = current != (value.pk if value is not None else None)
        else:
            differs = getattr(instance, name) != value
        if differs or instance.pk is None:
            setattr(instance, name, value)
            changed.append(name)
    return changed


def _lock_fresh(instance: M) -> M:
    """Re-read the row under a row lock, so checks and the version bump see committed state."""
    return type(instance)._default_manager.select_for_update().get(pk=instance.pk)  # type: ignore[return-value]


def _check_version(current: VersionedModel, expected_version: int | None) -> None:
    if expected_version is not None and current.version != expected_version:
        raise VersionConflict(current, expected_version)


def _save(instance: M, *, actor: Actor, reason: str = "", exclude_clean: Iterable[str] = ()) -> M:
    instance.full_clean(exclude=list(exclude_clean) or None)
    if isinstance(instance, VersionedModel) and instance.pk is not None:
        instance.version += 1
    instance._history_user = _user_or_none(actor)  # type: ignore[attr-defined]  # read by simple_history
    if reason:
        instance._change_reason = reason  # type: ignore[attr-defined]
    try:
        instance.save()
    except IntegrityError as exc:
        # A concurrent writer got past full_clean at the same time; report it like full_clean would.
        raise ValidationError(gettext("This change conflicts with another record: %(error)s") % {"error": exc}) from exc
    change_record(instance=instance, op="upsert")  # same transaction: the sync feed never misses it
    return instance


def _delete(instance: models.Model, *, actor: Actor) -> None:
    instance._history_user = _user_or_none(actor)  # type: ignore[attr-defined]
    change_record(instance=instance, op="delete")  # before the delete: it reads what cascades
    try:
        instance.delete()
    except models.ProtectedError as exc:
        names = sorted({record_name_plural(obj) for obj in exc.protected_objects})
        raise ValidationError(
            gettext("%(record)s is still referred to by: %(names)s. Remove those first.")
            % {"record": record_name(instance), "names": ", ".join(names)}
        ) from exc


def _update(
    instance: M, *, actor: Actor, expected_version: int | None, fields: dict[str, Any], editable: Iterable[str]
) -> tuple[M, list[str]]:
    current = _lock_fresh(instance)
    if isinstance(current, VersionedModel):
        _check_version(current, expected_version)
    changed = _assign(current, fields, editable)
    return current, changed


def with_translations(model: type[models.Model], fields: tuple[str, ...]) -> tuple[str, ...]:
    """``fields`` plus, for each translated one, its column per language (title -> title_en, title_ru)
    and the record's ``original_language``.

    A service given ``title`` writes the active language's column (django-modeltranslation);
    given ``title_en`` / ``title_ru``, exactly those. A language left out keeps its text.
    """
    translated = [name for name in getattr(model, "translated_fields", ()) if name in fields]
    if not translated:
        return fields
    columns = tuple(f"{name}_{code}" for name in translated for code, _label in settings.LANGUAGES)
    return (*fields, *columns, "original_language")


# --- Organizations and courts ---------------------------------------------------------------


ORGANIZATION_FIELDS = with_translations(Organization, ("name", "slug", "website", "require_two_factor"))


@transaction.atomic
def organization_create(
    *, name: str = "", slug: str = "", website: str = "", actor: Actor = None, **translations: Any
) -> Organization:
    """A new organization; ``name`` in the active language, or ``name_en=``, ``name_ru=``, ... and
    ``original_language=`` (any other keyword is refused)."""
    organization = Organization(website=website)
    fields = {"name": name.strip()} if name else {}
    _assign(organization, {**fields, **translations}, ORGANIZATION_FIELDS)
    # An organization's name is unique: an untranslated one is NULL, not "" (cases/translation.py).
    for code, _label in settings.LANGUAGES:
        if not getattr(organization, f"name_{code}"):
            setattr(organization, f"name_{code}", None)
    if not organization.name:
        raise ValidationError({"name": gettext("Give the name in at least one language.")})
    organization.slug = slug or slugify(organization.name)[:80]
    return _save(organization, actor=actor)


@transaction.atomic
def organization_update(
    *, organization: Organization, actor: Actor = None, expected_version: int | None = None, **fields: Any
) -> Organization:
    organization, _ = _update(
        organization, actor=actor, expected_version=expected_version, fields=fields, editable=ORGANIZATION_FIELDS
    )
    return _save(organization, actor=actor)


@transaction.atomic
def organization_delete(*, organization: Organization, actor: Actor = None) -> None:
    _delete(organization, actor=actor)


@transaction.atomic
def membership_set(*, organization: Organization, user: User, role: str, actor: Actor = None) -> Membership:
    """Give a user a role in an organization (idempotent: a second call changes the role)."""
    membership = Membership.objects.filter(organization=organization, user=user).first() or Membership(
        organization=organization, user=user
    )
    membership.role = role
    membership = _save(membership, actor=actor)
    deadline_services.deadline_reminders_organization_sync(organization=organization)  # a new lawyer gets them
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: Actor = None) -> None:
    organization = membership.organization
    owners = organization.memberships.filter(role=Membership.Role.OWNER)
    if membership.role == Membership.Role.OWNER and owners.count() == 1:
        raise ValidationError(gettext("An organization keeps at least one owner; name another owner first."))
    _delete(membership, actor=actor)
    deadline_services.deadline_reminders_organization_sync(organization=organization)


COURT_FIELDS = with_translations(
    Court, ("name", "name_local", "jurisdiction", "level", "city", "address", "time_zone", "appeals_to", "website")
)


def _court_validate(court: Court) -> None:
    seen = {court.pk}
    parent = court.appeals_to
    while parent is not None:
        if parent.pk in seen:
            raise ValidationError({"appeals_to": gettext("This would make the court hierarchy a loop.")})
        seen.add(parent.pk)
        parent = parent.appeals_to


@transaction.atomic
def court_create(*, actor: Actor = None, **fields: Any) -> Court:
    court = Court()
    _assign(court, fields, COURT_FIELDS)
    _court_validate(court)
    return _save(court, actor=actor)


@transaction.atomic
def court_update(*, court: Court, actor: Actor = None, expected_version: int | None = None, **fields: Any) -> Court:
    court, changed = _update(
        court, actor=actor, expected_version=expected_version, fields=fields, editable=COURT_FIELDS
    )
    _court_validate(court)
    _save(court, actor=actor)
    if {"jurisdiction", "level"} & set(changed):
        deadline_services.deadlines_recompute_court(court=court, actor=actor)
    if "time_zone" in changed:  # deadline reminders go out at 09:00 in the court's zone
        deadline_services.deadline_reminders_court_sync(court=court)
    return court


@transaction.atomic
def court_delete(*, court: Court, actor: Actor = None) -> None:
    _delete(court, actor=actor)


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
    if case.filed_on and case.filed_on > timezone.localdate():
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


@transaction.atomic
def case_create(*, actor: Actor = None, tags: Iterable[str] = (), **fields: Any) -> Case:
    case = Case()
    _assign(case, fields, CASE_FIELDS)
    if not case.slug:
        # A case written in Russian only still gets a readable URL ("popova-protiv-..."):
        # anyascii transliterates (ISC licence; unidecode is GPL).
        case.slug = _unique_case_slug(slugify(anyascii(localized(case, "title", "en").text)), case=case)
    _case_validate(case, previous_status=None)
    _save(case, actor=actor)
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
    public case's URL is read by outsiders: a private one is made again when it becomes public
    (case_update calls this after every change)."""
    if not case.is_public:
        return case
    redactor = redactor_for(Party.objects.filter(case=case))
    if not redactor.named_in(case.slug.replace("-", " ")):
        return case
    case = _lock_fresh(case)
    title = redactor(localized(case, "title", "en").text, "en")
    case.slug = _unique_case_slug(slugify(anyascii(title)), case=case)
    return _save(case, actor=actor, reason="URL made without a hidden party's name")


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
    case, changed = _update(case, actor=actor, expected_version=expected_version, fields=fields, editable=CASE_FIELDS)
    _case_validate(case, previous_status=previous_status)
    _save(case, actor=actor)
    if tags is not None:
        _case_set_tags(case, tags)
    if "proceeding" in changed:
        deadline_services.deadlines_recompute_case(case=case, actor=actor)
    elif "organization" in changed:  # its lawyers now get the deadline reminders
        deadline_services.deadline_reminders_case_sync(case=case)
    if "is_public" in changed:
        change_record_case_visibility(case=case)
    return case_slug_hide_names(case=case, actor=actor)


@transaction.atomic
def case_delete(*, case: Case, actor: Actor = None) -> None:
    # Appeals protect the rulings they challenge; a whole case goes with all of its records.
    for appeal in Appeal.objects.filter(case=case):
        change_record(instance=appeal, op="delete")
    Appeal.objects.filter(case=case).delete()
    _delete(case, actor=actor)


@transaction.atomic
def docket_set(*, case: Case, court: Court, number: str, actor: Actor = None) -> Docket:
    """Record the case's number at a court (one per court; a second call replaces it)."""
    docket = Docket.objects.filter(case=case, court=court).first() or Docket(case=case, court=court)
    docket.number = number.strip()
    return _save(docket, actor=actor)


@transaction.atomic
def docket_remove(*, docket: Docket, actor: Actor = None) -> None:
    _delete(docket, actor=actor)


# --- Parties --------------------------------------------------------------------------------

PARTY_FIELDS = with_translations(
    Party,
    (
        "case",
        "role",
        "kind",
        "name",
        "alias",
        "consent_to_publish",
        "represents",
        "description",
        "contact_email",
        "contact_phone",
        "contact_address",
        "notes",
    ),
)


def _party_validate(party: Party) -> None:
    if party.represents is not None:
        if party.represents.case_id != party.case_id:
            raise ValidationError({"represents": gettext("A representative represents a party of the same case.")})
        if party.role != Party.Role.REPRESENTATIVE:
            raise ValidationError({"represents": gettext("Only a representative represents another party.")})


@transaction.atomic
def party_add(*, actor: Actor = None, **fields: Any) -> Party:
    party = Party()
    _assign(party, fields, PARTY_FIELDS)
    _party_validate(party)
    _save(party, actor=actor)
    case_slug_hide_names(case=party.case, actor=actor)
    return party


@transaction.atomic
def party_update(*, party: Party, actor: Actor = None, expected_version: int | None = None, **fields: Any) -> Party:
    party, _ = _update(party, actor=actor, expected_version=expected_version, fields=fields, editable=PARTY_FIELDS)
    _party_validate(party)
    _save(party, actor=actor)
    case_slug_hide_names(case=party.case, actor=actor)
    return party


@transaction.atomic
def party_delete(*, party: Party, actor: Actor = None) -> None:
    _delete(party, actor=actor)


# --- Hearings -------------------------------------------------------------------------------

HEARING_FIELDS = with_translations(
    Hearing,
    (
        "case",
        "court",
        "starts_at",
        "time_to_be_confirmed",
        "duration_minutes",
        "courtroom",
        "judge",
        "kind",
        "status",
        "outcome_notes",
        "notes",
    ),
)


def _hearing_validate(hearing: Hearing) -> None:
    if hearing.starts_at is not None and timezone.is_naive(hearing.starts_at):
        raise ValidationError({"starts_at": gettext("Give the time with its time zone (the court's zone).")})
    if hearing.status == Hearing.Status.HELD and hearing.starts_at and hearing.starts_at > timezone.now():
        raise ValidationError({"status": gettext("A hearing cannot be marked held before it starts.")})
    if hearing.case_id and hearing.case.status == Case.Status.PREPARING and hearing.status == Hearing.Status.HELD:
        raise ValidationError({"status": gettext("A case that has not been filed has no hearings held.")})


@transaction.atomic
def hearing_schedule(*, actor: Actor = None, **fields: Any) -> Hearing:
    hearing = Hearing()
    _assign(hearing, fields, HEARING_FIELDS)
    _hearing_validate(hearing)
    _save(hearing, actor=actor)
    # Reminders are written in this same transaction (reminders/services.py).
    reminders_hearing_changed(hearing=hearing)
    return hearing


@transaction.atomic
def hearing_update(
    *,
    hearing: Hearing,
    actor: Actor = None,
    expected_version: int | None = None,
    reason: str = "",
    reason_is_public: bool = False,
    **fields: Any,
) -> Hearing:
    """Change a hearing. A new start time is a reschedule: the old time is kept, with the reason
    (private to the organization unless `reason_is_public`)."""
    previous_starts_at, previous_status = Hearing.objects.values_list("starts_at", "status").get(pk=hearing.pk)
    hearing, changed = _update(
        hearing, actor=actor, expected_version=expected_version, fields=fields, editable=HEARING_FIELDS
    )
    _hearing_validate(hearing)
    _save(hearing, actor=actor, reason=reason)
    if "starts_at" in changed:
        HearingReschedule.objects.create(
            hearing=hearing,
            previous_starts_at=previous_starts_at,
            new_starts_at=hearing.starts_at,
            reason=reason,
            reason_is_public=reason_is_public,
            changed_by=_user_or_none(actor),
        )
    # Moves, drops or schedules reminders and queues one moved/postponed/cancelled notice.
    reminders_hearing_changed(hearing=hearing, previous_starts_at=previous_starts_at, previous_status=previous_status)
    return hearing


def hearing_reschedule(
    *,
    hearing: Hearing,
    starts_at: dt.datetime,
    reason: str = "",
    reason_is_public: bool = False,
    actor: Actor = None,
    expected_version: int | None = None,
) -> Hearing:
    return hearing_update(
        hearing=hearing,
        starts_at=starts_at,
        status=Hearing.Status.SCHEDULED,
        reason=reason,
        reason_is_public=reason_is_public,
        actor=actor,
        expected_version=expected_version,
    )


@transaction.atomic
def hearing_postpone(
    *,
    hearing: Hearing,
    reason: str = "",
    reason_is_public: bool = False,
    actor: Actor = None,
    expected_version: int | None = None,
) -> Hearing:
    """Postponed without a new date yet (Russian courts 'otlozheno'); the date stays until rescheduled."""
    hearing = hearing_update(
        hearing=hearing, status=Hearing.Status.POSTPONED, reason=reason, actor=actor, expected_version=expected_version
    )
    HearingReschedule.objects.create(
        hearing=hearing,
        previous_starts_at=hearing.starts_at,
        new_starts_at=None,
        reason=reason,
        reason_is_public=reason_is_public,
        changed_by=_user_or_none(actor),
    )
    return hearing


def hearing_cancel(
    *,
    hearing: Hearing,
    reason: str = "",
    reason_is_public: bool = False,
    actor: Actor = None,
    expected_version: int | None = None,
) -> Hearing:
    no_outcome = {f"outcome_notes_{code}": "" for code, _label in settings.LANGUAGES}
    return hearing_update(
        hearing=hearing,
        status=Hearing.Status.CANCELLED,
        **no_outcome,
        reason=reason,
        reason_is_public=reason_is_public,
        actor=actor,
        expected_version=expected_version,
    )


def hearing_record_outcome(
    *,
    hearing: Hearing,
    outcome_notes: str | None = None,
    original_language: str | None = None,
    actor: Actor = None,
    expected_version: int | None = None,
    **outcome_notes_per_language: str,
) -> Hearing:
    """Mark a hearing held with its public outcome: ``outcome_notes`` in the active language,
    or ``outcome_notes_en=...``, ``outcome_notes_ru=...`` (any other keyword is refused)."""
    fields: dict[str, Any] = dict(outcome_notes_per_language)
    if outcome_notes is not None:
        fields["outcome_notes"] = outcome_notes
    if original_language is not None:
        fields["original_language"] = original_language
    return hearing_update(
        hearing=hearing,
        status=Hearing.Status.HELD,
        actor=actor,
        expected_version=expected_version,
        **fields,
    )


@transaction.atomic
def hearing_delete(*, hearing: Hearing, actor: Actor = None) -> None:
    _delete(hearing, actor=actor)


# --- Rulings --------------------------------------------------------------------------------

RULING_FIELDS = with_translations(
    Ruling,
    (
        "case",
        "court",
        "decided_on",
        "final_form_on",
        "judge",
        "outcome",
        "summary",
        "citation",
        "in_force",
        "in_force_on",
        "notes",
    ),
)


def _ruling_validate(ruling: Ruling) -> None:
    case = ruling.case
    if ruling.decided_on and case.filed_on and ruling.decided_on < case.filed_on:
        raise ValidationError(
            {
                "decided_on": gettext("The case was filed on %(date)s; nothing is decided before that.")
                % {"date": f"{case.filed_on:%Y-%m-%d}"}
            }
        )
    if ruling.decided_on and ruling.decided_on > timezone.localdate():
        raise ValidationError({"decided_on": gettext("A ruling cannot be dated in the future.")})
    if case.status == Case.Status.PREPARING:
        raise ValidationError({"case": gettext("The case has not been filed yet; it has no rulings.")})
    if ruling.pk:
        for appeal in ruling.appeals.all():
            if appeal.filed_on and ruling.decided_on and appeal.filed_on < ruling.decided_on:
                raise ValidationError(
                    {
                        "decided_on": gettext("An appeal against this ruling was filed on %(date)s, before that date.")
                        % {"date": f"{appeal.filed_on:%Y-%m-%d}"}
                    }
                )


@transaction.atomic
def ruling_record(*, actor: Actor = None, **fields: Any) -> Ruling:
    """Record a court's decision. A first decision moves a filed or pending case to decided."""
    ruling = Ruling()
    _assign(ruling, fields, RULING_FIELDS)
    _ruling_validate(ruling)
    _save(ruling, actor=actor)
    case = Case.objects.select_for_update().get(pk=ruling.case_id)
    if case.status in (Case.Status.FILED, Case.Status.PENDING):
        case_update(case=case, status=Case.Status.DECIDED, actor=actor)
    deadline_services.deadlines_recompute(ruling=ruling, actor=actor)
    notices_ruling_recorded(ruling=ruling)
    return ruling


@transaction.atomic
def ruling_update(*, ruling: Ruling, actor: Actor = None, expected_version: int | None = None, **fields: Any) -> Ruling:
    ruling, _ = _update(ruling, actor=actor, expected_version=expected_version, fields=fields, editable=RULING_FIELDS)
    _ruling_validate(ruling)
    _save(ruling, actor=actor)
    deadline_services.deadlines_recompute(ruling=ruling, actor=actor)
    return ruling


@transaction.atomic
def ruling_delete(*, ruling: Ruling, actor: Actor = None) -> None:
    _delete(ruling, actor=actor)


# --- Appeals --------------------------------------------------------------------------------

APPEAL_FIELDS = with_translations(
    Appeal,
    (
        "case",
        "ruling",
        "appellant",
        "court",
        "kind",
        "status",
        "filed_on",
        "reference",
        "grounds",
        "decided_by",
        "notes",
    ),
)


def _appeal_validate(appeal: Appeal) -> None:
    ruling = appeal.ruling
    if ruling.case_id != appeal.case_id:
        raise ValidationError({"ruling": gettext("An appeal challenges a ruling of the same case.")})
    if appeal.court_id == ruling.court_id:
        raise ValidationError(
            {"court": gettext("An appeal goes to a different court from the one that gave the ruling.")}
        )
    if appeal.filed_on and appeal.filed_on < ruling.decided_on:
        raise ValidationError(
            {
                "filed_on": gettext("The ruling challenged is of %(date)s; an appeal cannot be filed before it.")
                % {"date": f"{ruling.decided_on:%Y-%m-%d}"}
            }
        )
    if appeal.filed_on and appeal.filed_on > timezone.localdate():
        raise ValidationError({"filed_on": gettext("A filing date cannot be in the future.")})
    if appeal.appellant is not None and appeal.appellant.case_id != appeal.case_id:
        raise ValidationError({"appellant": gettext("The appellant is a party of the same case.")})
    decided_by = appeal.decided_by
    if decided_by is not None:
        if decided_by.case_id != appeal.case_id:
            raise ValidationError({"decided_by": gettext("The deciding ruling belongs to the same case.")})
        if decided_by.court_id != appeal.court_id:
            raise ValidationError({"decided_by": gettext("The deciding ruling is one of the court appealed to.")})
        if decided_by.decided_on < ruling.decided_on or (appeal.filed_on and decided_by.decided_on < appeal.filed_on):
            raise ValidationError({"decided_by": gettext("The deciding ruling cannot predate the appeal.")})


@transaction.atomic
def appeal_file(*, actor: Actor = None, **fields: Any) -> Appeal:
    """File (or plan) an appeal. Filing one puts a decided or closed case under appeal."""
    appeal = Appeal()
    _assign(appeal, fields, APPEAL_FIELDS)
    _appeal_validate(appeal)
    _save(appeal, actor=actor)
    case = Case.objects.select_for_update().get(pk=appeal.case_id)
    if appeal.status in (Appeal.Status.FILED, Appeal.Status.PENDING) and case.status in (
        Case.Status.DECIDED,
        Case.Status.CLOSED,
    ):
        case_update(case=case, status=Case.Status.UNDER_APPEAL, outcome="", actor=actor)
    deadline_services.deadlines_sync_appeal(appeal=appeal, actor=actor)
    return appeal


@transaction.atomic
def appeal_update(*, appeal: Appeal, actor: Actor = None, expected_version: int | None = None, **fields: Any) -> Appeal:
    appeal, _ = _update(appeal, actor=actor, expected_version=expected_version, fields=fields, editable=APPEAL_FIELDS)
    _appeal_validate(appeal)
    _save(appeal, actor=actor)
    deadline_services.deadlines_sync_appeal(appeal=appeal, actor=actor)
    return appeal


@transaction.atomic
def appeal_decide(
    *, appeal: Appeal, ruling: Ruling, actor: Actor = None, expected_version: int | None = None
) -> Appeal:
    """Link an appeal to the ruling that decided it (the chain can then be walked both ways)."""
    return appeal_update(
        appeal=appeal, status=Appeal.Status.DECIDED, decided_by=ruling, actor=actor, expected_version=expected_version
    )


@transaction.atomic
def appeal_delete(*, appeal: Appeal, actor: Actor = None) -> None:
    deadline_services.deadlines_sync_appeal(appeal=appeal, actor=actor, deleting=True)
    _delete(appeal, actor=actor)


# --- Timeline facts -------------------------------------------------------------------------

CASE_EVENT_FIELDS = with_translations(
    CaseEvent, ("case", "occurred_on", "precision", "title", "description", "source", "is_confirmed", "is_public")
)


@transaction.atomic
def case_event_add(*, actor: Actor = None, **fields: Any) -> CaseEvent:
    event = CaseEvent()
    _assign(event, fields, CASE_EVENT_FIELDS)
    return _save(event, actor=actor)


@transaction.atomic
def case_event_update(
    *, event: CaseEvent, actor: Actor = None, expected_version: int | None = None, **fields: Any
) -> CaseEvent:
    event, _ = _update(event, actor=actor, expected_version=expected_version, fields=fields, editable=CASE_EVENT_FIELDS)
    return _save(event, actor=actor)


@transaction.atomic
def case_event_delete(*, event: CaseEvent, actor: Actor = None) -> None:
    _delete(event, actor=actor)
