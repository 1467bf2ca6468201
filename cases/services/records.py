"""The shared mechanics of the writes to case records: assign only the fields a service edits,
check the version the caller read, save with the history's author and the change log's entry in
the same transaction, delete with a readable refusal when something still refers to the record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy

from cases.models import VersionedModel
from changes.services import change_record
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


def actor_user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


def editable_with_translations(instance: models.Model, editable: Iterable[str]) -> set[str]:
    """`editable` plus, for a translated field among them, its per-language columns (title_en,
    title_ru: cases/translation.py) and the record's original language. A change to one language
    alone is a change like any other: a new version and a feed upsert."""
    allowed = set(editable)
    translated = set(getattr(instance, "translated_fields", ())) & allowed
    if translated:
        allowed.update(f"{name}_{code}" for name in translated for code, _label in settings.LANGUAGES)
        allowed.add("original_language")
    return allowed


def record_assign(instance: M, fields: dict[str, Any], editable: Iterable[str]) -> list[str]:
    """Set the given fields, refusing any that this service does not edit. Returns what changed."""
    allowed = editable_with_translations(instance, editable)
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


def record_lock(instance: M) -> M:
    """Re-read the row under a row lock, so checks and the version bump see committed state."""
    return type(instance)._default_manager.select_for_update().get(pk=instance.pk)  # type: ignore[return-value]


def version_check(current: VersionedModel, expected_version: int | None) -> None:
    if expected_version is not None and current.version != expected_version:
        raise VersionConflict(current, expected_version)


# simple-history's history_change_reason is a varchar(100); a reason may be longer (a reschedule's
# is up to 300, kept whole in HearingReschedule): the history gets its beginning, marked as cut.
HISTORY_REASON_LENGTH = 100


def history_reason(reason: str) -> str:
    if len(reason) <= HISTORY_REASON_LENGTH:
        return reason
    return reason[: HISTORY_REASON_LENGTH - 1] + "…"


def record_save(instance: M, *, actor: Actor, reason: str = "", exclude_clean: Iterable[str] = ()) -> M:
    instance.full_clean(exclude=list(exclude_clean) or None)
    if isinstance(instance, VersionedModel) and instance.pk is not None:
        instance.version += 1
    instance._history_user = actor_user(actor)  # type: ignore[attr-defined]  # read by simple_history
    if reason:
        instance._change_reason = history_reason(reason)  # type: ignore[attr-defined]
    try:
        instance.save()
    except IntegrityError as exc:
        # A concurrent writer got past full_clean at the same time; report it like full_clean would.
        raise ValidationError(gettext("This change conflicts with another record: %(error)s") % {"error": exc}) from exc
    change_record(instance=instance, op="upsert")  # same transaction: the sync feed never misses it
    return instance


def record_delete(instance: M, *, actor: Actor, expected_version: int | None = None) -> None:
    """Delete a record; a versioned one is checked like an edit: under its row lock, against the
    version the caller read."""
    if isinstance(instance, VersionedModel) and instance.pk is not None:
        instance = record_lock(instance)
        version_check(instance, expected_version)  # type: ignore[arg-type]
    instance._history_user = actor_user(actor)  # type: ignore[attr-defined]
    change_record(instance=instance, op="delete")  # before the delete: it reads what cascades
    try:
        instance.delete()
    except models.ProtectedError as exc:
        names = sorted({record_name_plural(obj) for obj in exc.protected_objects})
        raise ValidationError(
            gettext("%(record)s is still referred to by: %(names)s. Remove those first.")
            % {"record": record_name(instance), "names": ", ".join(names)}
        ) from exc


def record_update(
    instance: M, *, actor: Actor, expected_version: int | None, fields: dict[str, Any], editable: Iterable[str]
) -> tuple[M, list[str]]:
    current = record_lock(instance)
    if isinstance(current, VersionedModel):
        version_check(current, expected_version)
    changed = record_assign(current, fields, editable)
    return current, changed


def record_validate(
    instance: M,
    *,
    fields: dict[str, Any],
    editable: Iterable[str],
    expected_version: int | None = None,
    rules: Callable[[M], None] | None = None,
    exclude_clean: Iterable[str] = (),
    validate_unique: bool = True,
) -> M:
    """What a create or update service checks, without writing anything: the fields it may edit
    and their values, the version the caller read, its own cross-row `rules` and the model's
    constraints. Returns the record as the service would save it: validate with this, then call
    the service once."""
    current = type(instance)._default_manager.get(pk=instance.pk) if instance.pk is not None else instance
    if isinstance(current, VersionedModel) and current.pk is not None:
        version_check(current, expected_version)
    record_assign(current, fields, editable)
    if rules is not None:
        rules(current)
    current.full_clean(exclude=list(exclude_clean) or None, validate_unique=validate_unique)
    return current


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
