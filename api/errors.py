"""One JSON shape for every API error:

    {"error": {"status": 400, "code": "invalid", "message": "...", "fields": {"starts_at": ["..."]}}}

`fields` is present for validation errors only. Domain errors raised by the services map here:
ValidationError -> 400 with the services' field messages, VersionConflict -> 412, a deadlock or
serialization failure with a concurrent write -> 409 (retry).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from cases.services import VersionConflict


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The record changed since you read it; nothing was written. Reload it and try again."
    default_code = "precondition_failed"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _(
        "The write collided with a concurrent one and was rolled back; nothing was written. Send it again."
    )
    default_code = "conflict"


# PostgreSQL's deadlock_detected and serialization_failure: the database rolled the transaction
# back to let a concurrent one finish; the same request sent again succeeds.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})


def _is_retryable(exc: OperationalError) -> bool:
    return getattr(exc.__cause__, "sqlstate", None) in RETRYABLE_SQLSTATES


class Gone(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_code = "gone"


class ErrorBodySerializer(serializers.Serializer):
    """What went wrong."""

    status = serializers.IntegerField(help_text="The HTTP status of the response, repeated.")
    code = serializers.CharField(
        help_text="Stable, for programs: `invalid`, `not_authenticated`, `authentication_failed`, "
        "`permission_denied`, `not_found`, `conflict`, `precondition_failed`, `gone`, `throttled`, ..."
    )
    message = serializers.CharField(help_text="A sentence for people.")
    # DRF's metaclass takes declared fields out of the class, so this does not shadow `.fields`.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="On `invalid` only: each field's (or query parameter's) messages; `non_field_errors` for the whole.",
    )


class ErrorSerializer(serializers.Serializer):
    """Every API error has this shape, whatever its status."""

    error = ErrorBodySerializer()


def _django_validation_fields(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {("non_field_errors" if name == "__all__" else name): msgs for name, msgs in exc.message_dict.items()}
    return {"non_field_errors": list(exc.messages)}


def _flatten(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        return [msg for value in detail.values() for msg in _flatten(value)]
    if isinstance(detail, list):
        return [msg for value in detail for msg in _flatten(value)]
    return [str(detail)]


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_validation_fields(exc))
    elif isinstance(exc, VersionConflict):
        exc = PreconditionFailed(str(exc))
    elif isinstance(exc, OperationalError) and _is_retryable(exc):
        exc = Conflict()
    elif isinstance(exc, Http404):
        # get_object_or_404's; DRF would answer it with code "error" here, not the documented one.
        exc = exceptions.NotFound(str(exc) or None)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's 500 handling and logging take over
    body: dict[str, Any] = {"status": response.status_code}
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        body["code"] = "invalid"
        body["message"] = "The request has invalid fields; see `fields`."
        body["fields"] = {name: _flatten(value) for name, value in detail.items()}
    elif isinstance(exc, exceptions.APIException):
        body["code"] = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
        body["message"] = " ".join(_flatten(exc.detail))
    else:
        body["code"] = "error"
        body["message"] = " ".join(_flatten(response.data))
    response.data = {"error": body}
    return response


# No CSRF check: this view writes nothing, and an API client writing with a token sends no CSRF
# cookie, so Django's HTML 403 page would otherwise answer a mistyped POST/PATCH/DELETE path.
@csrf_exempt
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Unknown URLs under /api/ answer in the same shape, not with an HTML page."""
    return JsonResponse(
        {"error": {"status": 404, "code": "not_found", "message": f"No API endpoint at {request.path}."}}, status=404
    )
