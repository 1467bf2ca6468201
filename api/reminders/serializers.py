from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from reminders.models import DEFAULT_OFFSETS_MINUTES, Subscription
from tracker.validation import TIME_ZONE_MAX_LENGTH, time_zone_from_name


class SubscribeSerializer(serializers.Serializer):
    case = serializers.SlugField(help_text="The case's slug.")
    email = serializers.EmailField(max_length=254)
    language = serializers.ChoiceField(choices=Subscription.Language.choices, default=Subscription.Language.ENGLISH)
    time_zone = serializers.CharField(
        default="UTC", max_length=TIME_ZONE_MAX_LENGTH, help_text="An IANA zone name, e.g. Europe/Moscow."
    )
    offsets_minutes = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=60 * 24 * 60),
        default=lambda: list(DEFAULT_OFFSETS_MINUTES),
        min_length=1,
        max_length=6,
        help_text="Minutes before each hearing; default 7 days, 1 day and 2 hours.",
    )

    def validate_time_zone(self, value: str) -> str:
        try:
            time_zone_from_name(value)  # checks the name before opening a file (OSError on a long one)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return value


class SubscriptionSerializer(serializers.ModelSerializer):
    """A signed-in user's own subscriptions (the address is theirs)."""

    case: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    time_zone = serializers.CharField(source="time_zone.key", read_only=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = Subscription
        fields = ["id", "case", "email", "language", "time_zone", "offsets_minutes", "status", "created_at"]
        read_only_fields = fields

    def get_status(self, subscription: Subscription) -> str:
        if subscription.unsubscribed_at is not None:
            return "unsubscribed"
        return "active" if subscription.confirmed_at is not None else "awaiting_confirmation"
