"""API tokens for REST clients.

Only a SHA-256 digest of each token is stored. The token is 32 random bytes from `secrets`
(256 bits), so a leaked digest cannot be reversed by guessing: a slow password hash (PBKDF2,
argon2) protects low-entropy secrets a person chose and would cost every API request tens of
milliseconds for no gain here. An unsalted digest also lets us find the token with one indexed
lookup instead of trying every row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'NGO website sync'.")
    # The first characters of the token, shown in listings so an owner can tell tokens apart.
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    read_only = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user_id", "created_at", "id"]

    def __str__(self) -> str:
        scope = "read-only" if self.read_only else "read-write"
        return f"{self.name} ({self.prefix}..., {scope})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
