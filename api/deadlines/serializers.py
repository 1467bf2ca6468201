from __future__ import annotations

from typing import cast

from rest_framework import serializers

from deadlines.models import Deadline

# What the deadline keeps of the reason (its `state_reason` column), as the case page's form.
REASON_MAX_LENGTH = cast(int, Deadline._meta.get_field("state_reason").max_length)


class DeadlineCloseSerializer(serializers.Serializer):
    """Why the deadline is closed without filing."""

    reason = serializers.CharField(
        max_length=REASON_MAX_LENGTH,
        help_text="Kept in the deadline's history and shown as its `state_reason`, e.g. "
        "“the client decided not to appeal”.",
    )
