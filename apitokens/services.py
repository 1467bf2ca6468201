from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apitokens.models import ApiToken

# "lt_" (litigation tracker) lets secret scanners and people recognise a token.
TOKEN_PREFIX = "lt_"  # noqa: S105 (a public prefix, not a secret)


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str = "", read_only: bool = False) -> tuple[ApiToken, str]:
    """Create a token; returns it and the secret, which is shown once and never stored."""
    if not user.is_active:
        raise ValidationError({"user": f"User {user.username} is inactive; activate the account first."})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=(name or "API token").strip()[:100],
        prefix=raw[:10],
        digest=token_digest(raw),
        read_only=read_only,
    )
    token.full_clean()
    token.save()
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token (idempotent); it stops working on the next request."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
