from __future__ import annotations

from rest_framework import serializers

from accesslog.models import AccessRecord


class AccessRecordSerializer(serializers.ModelSerializer):
    organization: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    user = serializers.CharField(source="username", read_only=True, help_text="The reader's username.")

    class Meta:
        model = AccessRecord
        fields = ["id", "at", "user", "address", "organization", "kind", "channel", "case", "object_id"]
        read_only_fields = fields
