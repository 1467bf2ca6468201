"""Model fields stored encrypted (tracker/crypto.py): the column holds a Fernet token, Python
sees the text. The column is `text` whatever the field (a token is about 1.4x the text plus
~100 characters); the field's own rules (an e-mail address, max_length) still validate the text.

SQL cannot compare or search what it cannot read: every lookup but `isnull` and the empty
string (an empty value is stored empty) raises FieldError, so a filter, an ordering by value or
a unique constraint that could never match is caught in tests instead of returning nothing.
A value that must be found is given a keyed hash beside it (tracker.crypto.keyed_hash).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact, IsNull

from tracker import crypto


class EmptyOnlyExact(Exact):
    """`field=""` (and `exclude(field="")`): the only value SQL can compare."""

    def get_db_prep_lookup(self, value: Any, connection: Any) -> Any:
        if value not in ("", None):
            raise FieldError(
                f"{self.lhs.target.model.__name__}.{self.lhs.target.name} is encrypted: "
                "it can be compared with the empty string only (find it by its keyed hash)."
            )
        return ("%s", [value])


class EncryptedMixin:
    """Encrypts on the way to the database, decrypts on the way back."""

    encrypted = True

    def get_internal_type(self) -> str:
        return "TextField"

    def db_type(self, connection: Any) -> str:
        return models.TextField().db_type(connection)  # type: ignore[return-value]

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return EmptyOnlyExact
        if lookup_name == "isnull":
            return IsNull
        raise FieldError(
            f"{type(self).__name__} is encrypted: a `{lookup_name}` lookup cannot work in SQL "
            "(find it by its keyed hash)."
        )

    def get_transform(self, lookup_name: str) -> Any:
        raise FieldError(f"{type(self).__name__} is encrypted: no `{lookup_name}` transform in SQL.")


class EncryptedTextField(EncryptedMixin, models.TextField):
    pass


class EncryptedCharField(EncryptedMixin, models.CharField):
    """A CharField's max_length checks the text in forms and full_clean, not the column."""


class EncryptedEmailField(EncryptedMixin, models.EmailField):
    pass


def encrypted_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [field for field in model._meta.concrete_fields if getattr(field, "encrypted", False)]
