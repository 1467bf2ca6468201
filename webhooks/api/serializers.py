from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.changes.readers import FEED_READERS
from cases.models import Organization
from webhooks.models import Delivery, Endpoint

SINCE_HELP = (
    "Where to start: omitted, from the start of the feed (everything the endpoint's organization can see: "
    "its own records and other organizations' public ones, as a sync without "
    'a cursor); "now", only changes from now on; or a feed cursor (`next` of a /api/v1/changes/ page).'
)


class EndpointSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", queryset=Organization.objects.all())
    owner = serializers.CharField(source="owner.username", read_only=True)
    types = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=f"Record types to send (empty or omitted: all). Known: {', '.join(sorted(FEED_READERS))}.",
    )
    cursor = serializers.CharField(source="cursor_text", read_only=True, help_text="Delivered through here.")
    since = serializers.CharField(write_only=True, required=False, allow_blank=True, help_text=SINCE_HELP)

    class Meta:
        model = Endpoint
        fields = [
            "id",
            "organization",
            "owner",
            "url",
            "types",
            "active",
            "since",
            "cursor",
            "next_attempt_at",
            "failure_streak",
            "failing_since",
            "disabled_at",
            "disabled_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "next_attempt_at",
            "failure_streak",
            "failing_since",
            "disabled_at",
            "disabled_reason",
            "created_at",
            "updated_at",
        ]
        # The URL is checked by the service (HTTPS, public addresses); DRF's URLField would
        # refuse http://127.0.0.1:port in local work before the service could allow it.
        extra_kwargs: dict[str, dict[str, Any]] = {"url": {"validators": []}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["organization"].read_only = True
            self.fields["since"].read_only = True


class EndpointCreatedSerializer(EndpointSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="The signing secret (Standard Webhooks `whsec_...`): shown only in this response."
    )

    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "secret"]


class EndpointUpdatedSerializer(EndpointSerializer):
    secret = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=(
            "When the URL changed: the new signing secret (shown only in this response; the old ones "
            "no longer sign). Otherwise null. Only the endpoint's creator and the organization's owners "
            "may change the URL."
        ),
    )

    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "secret"]


class SecretSerializer(serializers.Serializer):
    secret = serializers.CharField(read_only=True)
    previous_valid_until = serializers.DateTimeField(read_only=True, allow_null=True)


class ReplaySerializer(serializers.Serializer):
    since = serializers.CharField(required=True, allow_blank=True, allow_null=True, help_text=SINCE_HELP)


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = Delivery
        fields = [
            "id",
            "message_id",
            "attempted_at",
            "cursor_from",
            "cursor_to",
            "items",
            "outcome",
            "status_code",
            "error",
            "latency_ms",
            "response_excerpt",
        ]
        read_only_fields = fields
