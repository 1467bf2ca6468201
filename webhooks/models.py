"""Webhook endpoints: the sync feed (changes/) pushed to a URL, as a server-side cursor over the
change log read as the endpoint's organization sees it (cases.selectors.OrganizationReader).

Everything scheduled is a row (STYLE.md): an endpoint's cursor, when it is next due and who holds
it are columns here; the broker only carries "go look" messages (webhooks/tasks.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Organization
from tracker.fields import EncryptedCharField


class Endpoint(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="webhook_endpoints")
    # Who registered it (a lawyer or an owner of the organization, or a superuser). The endpoint
    # reads as its organization, never with this user's other memberships; it is disabled when
    # they stop being a lawyer or owner there. With the organization's owners, they alone may
    # change its URL, replay it or take a new secret (webhooks/selectors.py).
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(_("URL"), max_length=2000)
    # The feed's record types to send; empty: every type, including types added later.
    types = models.JSONField(_("types"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    # The feed position delivered through (changes/selectors.py FeedCursor).
    cursor_txid = models.BigIntegerField(default=0)
    cursor_id = models.BigIntegerField(default=0)
    cursor_generation = models.PositiveIntegerField(default=0)
    # When a dispatcher may next take the endpoint: now when there is something to send, the
    # backoff's time after a failure, the end of the lease while a delivery is in flight.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Set while a dispatcher holds the endpoint (its claim); the holder's writes check it.
    claimed_at = models.DateTimeField(null=True, blank=True)
    failure_streak = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization_id", "id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        indexes = [
            # The tick's question, "which active endpoints are behind the settled end of the log?",
            # is one range scan here that finds nothing when all are caught up (bench/RESULTS.md).
            models.Index(fields=["cursor_txid", "cursor_id"], name="webhook_endpoint_behind", condition=Q(active=True)),
        ]

    def __str__(self) -> str:
        return self.url

    @property
    def cursor_text(self) -> str:
        return f"{self.cursor_txid}-{self.cursor_id}-{self.cursor_generation}"


class EndpointSecret(models.Model):
    """A signing secret in the Standard Webhooks `whsec_<base64>` form. Kept readable (not a
    digest): the server signs with it. After a rotation the old one signs beside the new one
    until `expires_at`, so receivers can switch without losing a batch. Encrypted at rest
    (tracker/fields.py): a copied database cannot forge deliveries."""

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="secrets")
    secret = EncryptedCharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["endpoint_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"whsec_... #{self.pk} ({self.endpoint_id})"


class Delivery(models.Model):
    """One attempt to POST one batch: what the endpoint's owner sees in /deliveries/."""

    class Outcome(models.TextChoices):
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    message_id = models.CharField(max_length=100)
    attempted_at = models.DateTimeField(default=timezone.now)
    cursor_from = models.CharField(max_length=70)
    cursor_to = models.CharField(max_length=70)
    items = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    latency_ms = models.PositiveIntegerField(default=0)
    response_excerpt = models.TextField(blank=True)

    class Meta:
        ordering = ["-attempted_at", "-id"]
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["endpoint", "-attempted_at", "-id"], name="webhook_delivery_recent")]

    def __str__(self) -> str:
        return f"{self.message_id} {self.outcome} {self.status_code or self.error}"
