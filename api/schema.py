"""How the API describes itself (drf-spectacular): what a generated client needs beyond the
serializers. Every operation gets a summary, the error envelope (api/errors.py) on each
4xx it can answer, and the HTTP headers of the conditional requests (api/conditional.py)
and of throttling. The committed openapi.json (`make openapi`) is this module's output;
tests/api/test_contract.py checks it with redocly and with clients generated from it.
"""

from __future__ import annotations

import inspect
from typing import Any

from django.db.models import Model
from django.utils import translation
from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import SAFE_METHODS, AllowAny

from api.errors import ErrorSerializer

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

ERROR_DESCRIPTIONS = {
    400: "Invalid input (a field of the body, or a query parameter); `error.fields` says which and why.",
    401: "No valid credentials: log in, or send `Authorization: Bearer <token>` with a token that is not revoked.",
    403: "Authenticated but not allowed: a read-only token, or not a lawyer or owner of the record's organization.",
    404: "No such record among those you may see (or a forged or outdated page cursor).",
    409: "The write collided with a concurrent one and was rolled back; nothing was written. Send it again.",
    412: "The record changed since the ETag sent in If-Match; nothing was written. Read it again and retry.",
    429: "Too many requests: wait the number of seconds in Retry-After.",
}

# One real answer per status, as the API gives it (redocly checks each against the Error schema).
ERROR_EXAMPLES: dict[int, dict[str, Any]] = {
    400: {
        "code": "invalid",
        "message": "The request has invalid fields; see `fields`.",
        "fields": {"duration_minutes": ["Ensure this value is greater than or equal to 0."]},
    },
    401: {"code": "not_authenticated", "message": "Log in or send an API token to make changes."},
    403: {"code": "permission_denied", "message": "Only the organization's lawyers and owners can change its cases."},
    404: {"code": "not_found", "message": "No Hearing matches the given query."},
    409: {
        "code": "conflict",
        "message": "The write collided with a concurrent one and was rolled back; nothing was written. Send it again.",
    },
    412: {
        "code": "precondition_failed",
        "message": "Hearing was changed by someone else (your copy is version 1, the current one is 2). "
        "Reload it and apply your change again.",
    },
    429: {"code": "throttled", "message": "Request was throttled. Expected available in 12 seconds."},
}

ETAG_HEADER = {
    "description": 'The record\'s version and a digest of this body, e.g. `"v3-0123456789abcdef"`: send it back '
    "in If-Match to write without overwriting someone else's change, or in If-None-Match to read only if changed.",
    "schema": {"type": "string"},
}
RETRY_AFTER_HEADER = {
    "description": "Seconds until a request will be counted again.",
    "schema": {"type": "integer", "minimum": 0},
}

ACTION_SUMMARIES = {
    "list": "List {plural}",
    "retrieve": "Read {a_name}",
    "create": "Create {a_name}",
    "update": "Replace {a_name}",
    "partial_update": "Update some fields of {a_name}",
    "destroy": "Delete {a_name}",
}


def with_article(noun: str) -> str:
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def _own_doc(cls: type) -> str:
    """A class's own docstring: an inherited one describes the base class (often how it is made
    fast), not what a client sees."""
    doc = cls.__dict__.get("__doc__")
    return inspect.cleandoc(doc) if doc else ""


class TrackerAutoSchema(AutoSchema):
    def get_description(self) -> str:  # type: ignore[override]
        # The view's own docstring says what the resource is; the actions' docstrings are notes
        # for developers (how a list is made fast), so they stay out of the contract.
        return _own_doc(type(self.view))

    def _map_basic_serializer(self, serializer: Any, direction: Any) -> dict[str, Any]:
        schema: dict[str, Any] = super()._map_basic_serializer(serializer, direction)
        if getattr(serializer, "closed_object", False):
            # The server refuses keys it does not know (api/cases/serializers.py: translations).
            schema["additionalProperties"] = False
        description = _own_doc(type(serializer))
        if description:
            schema["description"] = description
        else:
            schema.pop("description", None)
        return schema

    def get_auth(self) -> list[dict[str, list[str]]]:
        """drf-spectacular's requirements, plus `{}` (no credentials) where an anonymous caller
        reads: the permissions of such views say so with `anonymous_reads = True`
        (api.cases.permissions), which drf-spectacular cannot know for a custom class."""
        auths: list[dict[str, list[str]]] = super().get_auth()
        permissions = self.view.get_permissions()
        anonymous_reads = bool(permissions) and all(getattr(p, "anonymous_reads", False) for p in permissions)
        if self.method in SAFE_METHODS and anonymous_reads and {} not in auths:
            auths.append({})
        return auths

    def get_summary(self) -> str | None:
        explicit = super().get_summary()
        if explicit:
            return explicit
        template = ACTION_SUMMARIES.get(getattr(self.view, "action", None) or "")
        model = self._model()
        if template is None or model is None:
            return None
        # English whatever the request's language: the served schema is the committed one.
        with translation.override("en"):
            name, plural = str(model._meta.verbose_name), str(model._meta.verbose_name_plural)
        return template.format(a_name=with_article(name), plural=plural)

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            # The routers' `lookup_value_regex = "[0-9]+"` would make every id a patterned string.
            if parameter["in"] == "path" and parameter["schema"].get("pattern") == "^[0-9]+$":
                parameter["schema"] = {"type": "integer"}
                parameter.setdefault("description", "The record's id.")
        responses = operation["responses"]
        if self._versioned():
            self._add_conditional_headers(responses)
        error_schema = self.resolve_serializer(ErrorSerializer, "response").ref
        for status in self._error_statuses(operation):
            example = {"error": {"status": status, **ERROR_EXAMPLES[status]}}
            response: dict[str, Any] = {
                "description": ERROR_DESCRIPTIONS[status],
                "content": {"application/json": {"schema": error_schema, "example": example}},
            }
            if status == 429:
                response["headers"] = {"Retry-After": RETRY_AFTER_HEADER}
            responses.setdefault(str(status), response)
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    # --- what the view answers ------------------------------------------------------------------
    def _model(self) -> type[Model] | None:
        try:
            serializer_class = self.view.get_serializer_class()  # type: ignore[attr-defined]
        except (AttributeError, AssertionError):
            return None
        return getattr(getattr(serializer_class, "Meta", None), "model", None)

    def _versioned(self) -> bool:
        """Records with a version: detail answers carry an ETag, writes take If-Match."""
        return bool(getattr(self.view, "versioned_records", False))

    def _conditional_action(self) -> bool:
        """A POST on one versioned record that takes If-Match and answers the record with its
        ETag, as an update does (a view says so with `conditional_action = True`: closing a
        deadline)."""
        return self._versioned() and self.method == "POST" and bool(getattr(self.view, "conditional_action", False))

    def _error_statuses(self, operation: dict[str, Any]) -> list[int]:
        parameters = operation.get("parameters", [])
        in_path = any(parameter["in"] == "path" for parameter in parameters)
        paginated = self._is_list_view() and self._get_paginator() is not None
        filters = any(
            parameter["in"] == "query" and parameter["name"] not in {"cursor", "page_size", "format"}
            for parameter in parameters
        )
        strict = hasattr(self.view, "reject_unknown_query_parameters")
        write = self.method in WRITE_METHODS
        statuses = [401, 429]
        if "requestBody" in operation or filters or strict or paginated:  # page_size out of bounds
            statuses.append(400)
        # A read is refused to some signed-in callers only where the view says so (the access log: owners).
        if (write and not self._open_to_anyone()) or getattr(self.view, "refuses_some_readers", False):
            statuses.append(403)
        if in_path or paginated:  # a page's cursor is checked too
            statuses.append(404)
        if write:  # a deadlock or serialization failure with a concurrent write (errors.py)
            statuses.append(409)
        if (self._versioned() and self.method in {"PUT", "PATCH", "DELETE"}) or self._conditional_action():
            statuses.append(412)
        return sorted(statuses)

    def _open_to_anyone(self) -> bool:
        try:
            permissions = self.view.get_permissions()
        except AttributeError:
            return False
        return all(isinstance(permission, AllowAny) for permission in permissions)

    def _add_conditional_headers(self, responses: dict[str, Any]) -> None:
        action = getattr(self.view, "action", None)
        for status in ("200", "201"):
            answers_record = action in {"retrieve", "create", "update", "partial_update"} or self._conditional_action()
            if status in responses and answers_record:
                responses[status].setdefault("headers", {})["ETag"] = ETAG_HEADER
        if action == "retrieve":
            responses["304"] = {
                "description": "Not modified: the record still has the ETag sent in If-None-Match.",
                "headers": {"ETag": ETAG_HEADER},
            }
