"""Which models the sync feed carries, under which type name, and how a write to one reaches
other synced records. Other apps register theirs from their AppConfig.ready():

    from changes.registry import register
    register(Deadline, "deadline", case_of=lambda d: d.case, members_only=True, deleted_with=("case", "ruling"))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models


@dataclass(frozen=True)
class FeedType:
    name: str
    model: type[models.Model]
    # The case whose visibility governs the record (None: public reference data, e.g. courts).
    case_of: Callable[[Any], Any] = field(default=lambda instance: None)
    # Records whose state a delete changes without a service write of their own: rows that the
    # database cascades away (tombstones) or sets a key to NULL on (upserts).
    dependents_on_delete: Callable[[Any], Iterable[tuple[models.Model, str]]] = field(default=lambda instance: ())
    # Only members of the case's organization ever learn of it, even on a public case.
    members_only: bool = False
    # Foreign keys along which the database cascades a delete to this type: deleting the record
    # they point to deletes these rows too, so each needs a tombstone.
    deleted_with: tuple[str, ...] = ()


_BY_MODEL: dict[type[models.Model], FeedType] = {}
_BY_NAME: dict[str, FeedType] = {}


def register(
    model: type[models.Model],
    name: str,
    *,
    case_of: Callable[[Any], Any] | None = None,
    dependents_on_delete: Callable[[Any], Iterable[tuple[models.Model, str]]] | None = None,
    members_only: bool = False,
    deleted_with: Iterable[str] = (),
) -> None:
    feed_type = FeedType(
        name=name,
        model=model,
        case_of=case_of or (lambda instance: None),
        dependents_on_delete=dependents_on_delete or (lambda instance: ()),
        members_only=members_only,
        deleted_with=tuple(deleted_with),
    )
    _BY_MODEL[model] = feed_type
    _BY_NAME[name] = feed_type


def cascaded_deletes(instance: models.Model) -> Iterable[models.Model]:
    """The registered records the database deletes along with `instance` through a
    `deleted_with` key of theirs (a ruling's deadlines, when the ruling goes)."""
    for feed_type in _BY_NAME.values():
        for key in feed_type.deleted_with:
            if feed_type.model._meta.get_field(key).related_model is type(instance):
                yield from feed_type.model._default_manager.filter(**{key: instance})


def case_records(case: models.Model) -> Iterable[models.Model]:
    """Every record of `case` that the feed carries to outsiders (registered types with a `case`
    key, members-only ones aside), in registration order: what a change of the case's
    visibility must announce."""
    for feed_type in _BY_NAME.values():
        if feed_type.members_only or not any(
            field.name == "case" and field.many_to_one for field in feed_type.model._meta.get_fields()
        ):
            continue
        yield from feed_type.model._default_manager.filter(case=case)


def feed_type_of(model: type[models.Model]) -> FeedType | None:
    return _BY_MODEL.get(model)


def feed_types() -> list[FeedType]:
    return list(_BY_NAME.values())
