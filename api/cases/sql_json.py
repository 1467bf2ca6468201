"""Records rendered to JSON by PostgreSQL, for the hot read paths (the case list and the sync
feed): the row's JSON text comes out of the same query that reads it, and Python only joins
the texts, with no model instances, no per-field serializer calls and no json.dumps.

Why: the case list spent most of its CPU building model instances and running the
serializers' fields (bench/RESULTS.md); the issue asks the list to stay within 3x of reading the
page with one raw query.

The SQL is derived from the serializers' own field lists (FastReadMixin's read plan), with the
same private-field rules (PrivateFieldsMixin.private_fields, a party's public name), so a field
added to a serializer appears here too or fails loudly (UnsupportedField) instead of silently
diverging. tests/api/test_sql_json.py checks the output is identical to the serializers'.
PostgreSQL only: other databases take the serializers' path.

Only names from the models' metadata and the serializers' declarations are written into the
SQL text; every value (the viewer's zone, the member organizations) is a query parameter. The
reader's language is written into the text too (it only chooses columns: title_ru before
title_en), and only as a code of settings.LANGUAGES; one statement text per language is cached.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, AnyStr

from django.db import connection
from django.db.models import Model, QuerySet
from django.utils import timezone
from rest_framework import serializers
from timezone_field.rest_framework import TimeZoneSerializerField

from api.cases.serializers import (
    AllOrganizations,
    CaseSerializer,
    FastReadMixin,
    PartySerializer,
    PrivateFieldsMixin,
    PublicNameField,
    TranslationsSerializer,
)
from cases.content import active_content_language, content_languages, supported_language
from cases.redaction import CaseRedactors, redact_record
from cases.selectors import bigint_array
from tracker.crypto import open_sql_json


class UnsupportedField(TypeError):
    """A serializer field this module cannot render in SQL: add it to `_special` below."""


def available() -> bool:
    return connection.vendor == "postgresql"


_ISO = "'YYYY-MM-DD\"T\"HH24:MI:SS.US'"  # six fractional digits: dropped below when all zero, as isoformat() does


def _datetime(column: str) -> str:
    """A timestamptz as DRF writes it: isoformat() in the current zone (the viewer's, when
    web.middleware activated one), microseconds only when non-zero, and "Z" for UTC.
    (A NULL stays NULL through to_char, replace and ||.)"""
    local = f"({column} AT TIME ZONE %s)"
    offset = f"(EXTRACT(EPOCH FROM ({local} - ({column} AT TIME ZONE 'UTC'))) / 60)::int"
    return (
        f"replace(to_char({local}, {_ISO}), '.000000', '')"
        f" || CASE WHEN {offset} = 0 THEN 'Z' ELSE"
        f" CASE WHEN {offset} > 0 THEN '+' ELSE '-' END"
        f" || lpad((abs({offset}) / 60)::text, 2, '0') || ':' || lpad((abs({offset}) %% 60)::text, 2, '0')"
        " END"
    )


_ZONE_PLACEHOLDERS = _datetime("x").count("%s")  # the zone is the only parameter of _datetime's text


def _datetime_utc(column: str) -> str:
    """The same in UTC (the API's zone unless a viewer chose one), without the offset arithmetic:
    one to_char per value, and a short text (psycopg caches the parsing of statements up to
    4 KB only)."""
    return f"replace(to_char({column} AT TIME ZONE 'UTC', {_ISO}), '.000000', '') || 'Z'"


def _text_in(table: str, field: str, language: str) -> str:
    """The text of `field` in `language`, NULL when there is none (modeltranslation stores a
    missing translation as NULL or "")."""
    return f"NULLIF({table}.\"{field}_{language}\", '')"


def _localized(table: str, field: str, language: str) -> str:
    """cases.content.localized in SQL: the reader's language, the record's original one, then
    the others, "" when none has it. With two languages the original is the other one, so the
    CASE on original_language is only written for three or more."""
    others = [code for code in content_languages() if code != language]
    parts = [_text_in(table, field, language)]
    if len(others) > 1:
        branches = " ".join(f"WHEN '{code}' THEN {_text_in(table, field, code)}" for code in others)
        parts.append(f'CASE {table}."original_language" {branches} END')
    parts.extend(_text_in(table, field, code) for code in others)
    return f"COALESCE({', '.join(parts)}, '')"


def _translations(table: str, field: str) -> str:
    languages = ", ".join(f"'{code}', {_text_in(table, field, code)}" for code in content_languages())
    return f"json_build_object({languages})"


def _special(serializer: Any, name: str, field: Any, table: str, member: bool, language: str) -> str | None:
    """Fields that are not a plain column of the row."""
    if isinstance(serializer, CaseSerializer):
        if name == "organization":
            return f'(SELECT o.slug FROM cases_organization o WHERE o.id = {table}."organization_id")'  # noqa: S608
        if name == "tags":
            return (
                "ARRAY(SELECT t.name FROM cases_case_tags ct JOIN cases_tag t ON t.id = ct.tag_id "  # noqa: S608
                f'WHERE ct.case_id = {table}."id" ORDER BY t.name)'
            )
    if isinstance(serializer, PartySerializer):
        # Without consent, outsiders know the person by the alias only, in every language.
        consent = f'{table}."consent_to_publish"'
        if isinstance(field, PublicNameField) or (name == "name" and not member):
            name_sql, alias_sql = _localized(table, "name", language), _localized(table, "alias", language)
            return f"CASE WHEN {consent} THEN {name_sql} ELSE {alias_sql} END"
        if isinstance(field, TranslationsSerializer) and not member:
            texts = [
                f"'{text_field}', "
                + (
                    f"CASE WHEN {consent} THEN {_translations(table, 'name')} ELSE {_translations(table, 'alias')} END"
                    if text_field == "name"
                    else _translations(table, text_field)
                )
                for text_field in field.field_names
            ]
            return f"json_build_object({', '.join(texts)})"
    if isinstance(field, TranslationsSerializer):
        texts = [f"'{text_field}', {_translations(table, text_field)}" for text_field in field.field_names]
        return f"json_build_object({', '.join(texts)})"
    return None


def _field_sql(
    serializer: Any,
    model: type[Model],
    name: str,
    kind: str,
    field: Any,
    table: str,
    member: bool,
    utc: bool,
    language: str,
):  # type: ignore[no-untyped-def]
    special = _special(serializer, name, field, table, member, language)
    if special is not None:
        return special, []
    if kind == "translated":
        return _localized(table, field.source, language), []
    attribute = field.source_attrs[0] if field.source != "*" and len(field.source_attrs) == 1 else None
    if attribute is None or attribute not in _columns(model):
        # A property computed in Python (e.g. a text in the reader's language) has no column.
        raise UnsupportedField(f"{type(serializer).__name__}.{name}")
    if kind == "key":
        return f'{table}."{model._meta.get_field(attribute).column}"', []  # type: ignore[union-attr]
    if getattr(model._meta.get_field(attribute), "encrypted", False):
        # PostgreSQL holds only the token: it goes out marked and json_array opens it in Python.
        column = f'{table}."{model._meta.get_field(attribute).column}"'  # type: ignore[union-attr]
        return f"CASE WHEN {column} = '' THEN '' ELSE chr(1) || {column} END", []
    if kind in ("text", "int", "bool", "choice", "date"):
        return f'{table}."{model._meta.get_field(attribute).column}"', []  # type: ignore[union-attr]
    if isinstance(field, serializers.IntegerField) and not getattr(field, "coerce_to_string", False):
        return f'{table}."{model._meta.get_field(attribute).column}"', []  # type: ignore[union-attr]
    if isinstance(field, serializers.DateTimeField):
        column = f'{table}."{model._meta.get_field(attribute).column}"'  # type: ignore[union-attr]
        if utc:
            return _datetime_utc(column), []
        return _datetime(column), [timezone.get_current_timezone_name()] * _ZONE_PLACEHOLDERS
    if isinstance(field, TimeZoneSerializerField):
        return f'{table}."{model._meta.get_field(attribute).column}"', []  # type: ignore[union-attr]
    if isinstance(field, serializers.ListField) and model._meta.get_field(attribute).get_internal_type() == "JSONField":  # type: ignore[union-attr]
        return f'{table}."{model._meta.get_field(attribute).column}"', []  # type: ignore[union-attr]
    raise UnsupportedField(f"{type(serializer).__name__}.{name} ({type(field).__name__})")


def _columns(model: type[Model]) -> set[str]:
    return {field.name for field in model._meta.concrete_fields} | {
        field.attname for field in model._meta.concrete_fields
    }


def renders(serializer_class: type[FastReadMixin]) -> bool:
    """Whether every field of the serializer can be rendered in SQL; a serializer with a field
    that only Python can give (a deadline's explanation in the reader's language) takes the
    serializers' path instead."""
    if serializer_class not in _RENDERS:
        try:
            row_json(serializer_class, member_organizations=AllOrganizations(), language=content_languages()[0])
        except UnsupportedField:
            _RENDERS[serializer_class] = False
        else:
            _RENDERS[serializer_class] = True
    return _RENDERS[serializer_class]


_RENDERS: dict[type, bool] = {}
_CACHE: dict[tuple[type, bool, bool, str], tuple[str, int]] = {}


def _object_sql(
    serializer: FastReadMixin, model: type[Model], table: str, *, member: bool, zone: str, language: str
) -> tuple[str, list[Any]]:
    # The text depends only on the serializer class, the audience and the reader's language
    # (written into the text: it only picks columns); its only parameters are the current zone
    # (datetimes). Building it walks the serializer's fields: once per process and language.
    key = (type(serializer), member, zone == "UTC", language)
    cached = _CACHE.get(key)
    if cached is None:
        private = set(getattr(serializer, "private_fields", ())) if not member else set()
        parts, placeholders = [], 0
        for name, kind, field in serializer._read_plan():
            if name in private:
                continue
            sql, field_params = _field_sql(serializer, model, name, kind, field, table, member, key[2], language)
            parts.append(f"'{name}', {sql}")
            placeholders += len(field_params)
        cached = _CACHE[key] = (f"json_build_object({', '.join(parts)})", placeholders)
    sql, placeholders = cached
    return sql, [zone] * placeholders


_SERIALIZERS: dict[type, Any] = {}


def row_json(
    serializer_class: type[FastReadMixin], *, member_organizations: Any, language: str | None = None
) -> tuple[str, list[Any]]:
    """SQL (and its parameters) giving, for each row of `serializer_class`'s model in a queryset,
    the text of the JSON the serializer would give this caller, translated fields in `language`
    (default: the active one). Annotate a queryset with it."""
    # Only a code from settings.LANGUAGES is ever written into the SQL text.
    language = supported_language(language) if language else active_content_language()
    if language is None:
        raise ValueError("not a content language")
    serializer = _SERIALIZERS.get(serializer_class) or _SERIALIZERS.setdefault(serializer_class, serializer_class())
    model: Any = serializer.Meta.model
    table = f'"{model._meta.db_table}"'
    zone = timezone.get_current_timezone_name()
    member_sql, member_params = _object_sql(serializer, model, table, member=True, zone=zone, language=language)
    if not isinstance(serializer, PrivateFieldsMixin):
        return f"({member_sql})::text", member_params
    if isinstance(member_organizations, AllOrganizations):
        return f"({member_sql})::text", member_params
    outsider_sql, outsider_params = _object_sql(serializer, model, table, member=False, zone=zone, language=language)
    if not member_organizations:
        return f"({outsider_sql})::text", outsider_params
    if model._meta.db_table == "cases_case":
        organization = f'{table}."organization_id"'
    else:  # a record of a case: the case's organization
        organization = f'(SELECT c.organization_id FROM cases_case c WHERE c.id = {table}."case_id")'  # noqa: S608
    sql = f"(CASE WHEN {organization} = ANY(%s::bigint[]) THEN {member_sql} ELSE {outsider_sql} END)::text"
    return sql, [bigint_array(member_organizations), *member_params, *outsider_params]


def needs_redaction(model: type[Model], *, member_organizations: Any) -> tuple[str, list[Any]]:
    """SQL (and its parameters): TRUE for a row of `model` that this caller reads as an outsider
    and whose case has a party without consent. Such a row's JSON then goes through
    `redacted_texts`: the alias replaces the hidden name in Python (cases/redaction.py), which SQL
    cannot do with Russian word forms; every other row stays the text PostgreSQL made."""
    if isinstance(member_organizations, AllOrganizations):
        return "FALSE", []
    table = f'"{model._meta.db_table}"'
    case_id = f'{table}."id"' if model._meta.db_table == "cases_case" else f'{table}."case_id"'
    # OFFSET 0 keeps the EXISTS a probe of the page's own rows: without it PostgreSQL may plan a
    # "hashed SubPlan" reading every party without consent in the table before the LIMIT
    # (bench/api.py: 70 ms of a 100,000-case list's page).
    hidden = (
        f"EXISTS (SELECT 1 FROM cases_party hp WHERE hp.case_id = {case_id} AND NOT hp.consent_to_publish OFFSET 0)"  # noqa: S608 (names only)
    )
    if not member_organizations:
        return hidden, []
    if model._meta.db_table == "cases_case":
        organization = f'{table}."organization_id"'
    else:  # a record of a case: the case's organization
        organization = f"(SELECT hc.organization_id FROM cases_case hc WHERE hc.id = {case_id})"  # noqa: S608 (names only)
    # The member's own rows first: they need no look at the parties.
    return f"(NOT {organization} = ANY(%s::bigint[]) AND {hidden})", [bigint_array(member_organizations)]


def redacted_texts(
    model_name: str, rows: Iterable[tuple[int, AnyStr, bool]], redactors: CaseRedactors, language: str | None
) -> list[AnyStr]:
    """Each row's JSON text (case id, text, needs_redaction), those flagged with the hidden names
    of their case replaced (one query for all of them). Texts stay what they came as, str or
    UTF-8 bytes."""
    rows = list(rows)
    if not any(flagged for _case_id, _text, flagged in rows):  # a member's page: nothing to look up
        return [text for _case_id, text, _flagged in rows]
    redactors.preload(case_id for case_id, _text, flagged in rows if flagged)
    texts = []
    for case_id, text, flagged in rows:
        if flagged:
            data = redact_record(model_name, json.loads(text), redactors.for_case(case_id), language)
            redacted = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
            text = redacted.encode() if isinstance(text, bytes) else redacted  # type: ignore[assignment]
        texts.append(text)
    return texts


def plain_rows(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """`queryset` read with Django's own values()/values_list(). django-modeltranslation's
    versions build a dict per row to apply its fallbacks to translated fields; rows of keys and
    SQL-made JSON carry none, and on the sync feed that per-row work was a record's main CPU
    cost (bench/RESULTS.md)."""
    rewrite = getattr(queryset, "rewrite", None)
    return rewrite(False) if rewrite is not None else queryset


def json_array(texts: Sequence[AnyStr]) -> AnyStr:
    """The records' JSON texts as one array, encrypted fields opened (tracker/crypto.py): str
    for str texts, UTF-8 bytes for bytes (none: str)."""
    if texts and isinstance(texts[0], bytes):
        return open_sql_json(b"[" + b",".join(texts) + b"]")  # type: ignore[arg-type,return-value]
    return open_sql_json("[" + ",".join(texts) + "]")  # type: ignore[arg-type,return-value]
