"""The webhook batch in the OpenAPI schema (OpenAPI 3.1 `webhooks`): what a registered endpoint
receives is a page of the sync feed, the same `ChangePage` component as GET /api/v1/changes/, so a
generated client types both with one model."""

from typing import Any

from drf_spectacular.utils import OpenApiResponse, OpenApiWebhook, extend_schema

from api.changes.serializers import ChangePageSerializer

feed_batch = OpenApiWebhook(
    name="changes",
    decorator=extend_schema(
        summary="A batch of the change feed, pushed to a registered endpoint",
        description=(
            "POSTed to each active endpoint (`/api/v1/webhooks/`) in commit order: the next batch goes "
            "only after a 2xx. Signed per the Standard Webhooks specification: the headers "
            "`webhook-id`, `webhook-timestamp` and `webhook-signature` (`v1,<base64 HMAC-SHA256>` with "
            "the endpoint's `whsec_` secret; during a rotation, one signature per secret). Items may "
            "repeat after a retry: the `version` of each tells a duplicate."
        ),
        request=ChangePageSerializer,
        responses={
            200: OpenApiResponse(description="Any 2xx acknowledges the batch; the next one follows."),
            410: OpenApiResponse(description="The receiver is gone for good: the endpoint is disabled at once."),
        },
    ),
)


def webhook_operations(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: a webhook operation gets an id (generated clients name
    their receiver model after it) and no API security: the receiver checks the signature instead."""
    for name, item in result.get("webhooks", {}).items():
        for method, operation in item.items():
            operation.setdefault("operationId", f"{name}_webhook_{method}")
            operation["security"] = []
    return result
