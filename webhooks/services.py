"""Webhook endpoints: registration, secrets, replay, and the wake-up after a committed change.
Delivery itself is in webhooks/delivery.py."""

from __future__ import annotations

import base64
import datetime as dt
import logging
import secrets
from collections.abc import Collection

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from api.changes.readers import FEED_READERS
from cases.models import Membership, Organization
from changes.registry import feed_types
from changes.selectors import FeedCursor, changes_settled_through, changes_visible_to
from webhooks.models import Delivery, Endpoint, EndpointSecret
from webhooks.selectors import endpoint_is_controlled_by
from webhooks.transport import AddressRefused, url_check

logger = logging.getLogger(__name__)

WRITER_ROLES = (Membership.Role.OWNER, Membership.Role.LAWYER)


# --- Registration -----------------------------------------------------------------------------


def secret_generate() -> str:
    # Standard Webhooks: `whsec_` + base64 of 24 to 64 random bytes.
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def endpoint_types_check(types: Collection[str]) -> list[str]:
    known = {feed_type.name for feed_type in feed_types()} & set(FEED_READERS)
    unknown = sorted(set(types) - known)
    if unknown:
        raise ValidationError(
            {
                "types": _("Unknown record types: %(unknown)s. Known: %(known)s.")
                % {"unknown": ", ".join(unknown), "known": ", ".join(sorted(known))}
            }
        )
    return sorted(set(types))


def endpoint_url_check(url: str) -> str:
    try:
        url_check(url)
    except AddressRefused as exc:
        raise ValidationError({"url": str(exc)}) from exc
    return url


def endpoint_owner_check(*, organization: Organization, owner: User) -> None:
    if owner.is_superuser:
        return
    if not Membership.objects.filter(organization=organization, user=owner, role__in=WRITER_ROLES).exists():
        raise ValidationError(
            {"organization": _("Only the organization's lawyers and owners can register webhook endpoints.")}
        )


def endpoint_control_check(*, endpoint: Endpoint, actor: User | None) -> None:
    """Raises PermissionDenied unless `actor` may repoint, replay or re-key the endpoint
    (webhooks/selectors.py endpoint_is_controlled_by)."""
    if not endpoint_is_controlled_by(endpoint=endpoint, user=actor):
        raise PermissionDenied(
            _(
                "Only the endpoint's creator or an owner of its organization may change its URL, "
                "replay it or issue a new secret."
            )
        )


def _start_cursor(*, organization_id: int, since: str | None) -> FeedCursor:
    """ "now": from the settled end of the log; a feed cursor: from there; None: from the start
    (the whole history the organization can see, as a sync without a cursor)."""
    if since is None or since == "":
        return FeedCursor(0, 0)
    if since == "now":
        txid, change_id = changes_settled_through()
        generation = changes_visible_to(organizations={organization_id}, after=None, limit=0).next.generation
        return FeedCursor(txid, change_id, generation)
    try:
        cursor = FeedCursor.decode(since)
        changes_visible_to(
            organizations={organization_id}, after=cursor, limit=0
        )  # raises CursorExpired past the horizon
    except ValueError as exc:
        raise ValidationError({"since": str(exc)}) from exc
    return cursor


@transaction.atomic
def endpoint_create(
    *,
    organization: Organization,
    owner: User,
    url: str,
    types: Collection[str] = (),
    active: bool = True,
    since: str | None = None,
) -> tuple[Endpoint, str]:
    """Register an endpoint; returns it and its signing secret (shown once). Raises
    ValidationError (field messages) or CursorExpired (`since` older than the log keeps)."""
    endpoint_owner_check(organization=organization, owner=owner)
    clean_types = endpoint_types_check(types)
    endpoint_url_check(url)
    cursor = _start_cursor(organization_id=organization.pk, since=since)
    endpoint = Endpoint.objects.create(
        organization=organization,
        owner=owner,
        url=url,
        types=clean_types,
        active=active,
        cursor_txid=cursor.txid,
        cursor_id=cursor.id,
        cursor_generation=cursor.generation,
    )
    secret = secret_generate()
    EndpointSecret.objects.create(endpoint=endpoint, secret=secret)
    transaction.on_commit(dispatch_soon)
    return endpoint, secret


@transaction.atomic
def endpoint_update(
    *,
    endpoint: Endpoint,
    actor: User,
    url: str | None = None,
    types: Collection[str] | None = None,
    active: bool | None = None,
) -> tuple[Endpoint, str | None]:
    """Change the URL, the types or the active flag; returns the endpoint and, when the URL
    changed, its new signing secret (shown once). A new URL is a new receiver: only the
    endpoint's controllers may set it (PermissionDenied otherwise), and the old secrets stop
    signing at once. Turning an endpoint back on clears its failures (it was disabled after
    them) and sends what accumulated meanwhile."""
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    secret = None
    if url is not None and url != endpoint.url:
        endpoint_control_check(endpoint=endpoint, actor=actor)
        endpoint.url = endpoint_url_check(url)
        endpoint.claimed_at = None  # a delivery in flight to the old URL no longer moves the cursor
        endpoint.secrets.all().delete()
        secret = secret_generate()
        EndpointSecret.objects.create(endpoint=endpoint, secret=secret)
    if types is not None:
        endpoint.types = endpoint_types_check(types)
    if active is not None and active != endpoint.active:
        endpoint.active = active
        endpoint.claimed_at = None  # a delivery in flight stops after its batch
        if active:
            endpoint.failure_streak, endpoint.failing_since = 0, None
            endpoint.disabled_at, endpoint.disabled_reason = None, ""
            endpoint.next_attempt_at, endpoint.claimed_at = timezone.now(), None
            transaction.on_commit(dispatch_soon)
    endpoint.save()
    return endpoint, secret


@transaction.atomic
def endpoint_delete(*, endpoint: Endpoint) -> None:
    endpoint.delete()


@transaction.atomic
def endpoint_secret_rotate(*, endpoint: Endpoint, actor: User, now: dt.datetime | None = None) -> str:
    """Issue a new secret (the endpoint's controllers only: PermissionDenied otherwise); the
    current ones keep signing for WEBHOOKS_SECRET_OVERLAP_HOURS, so a receiver can switch to
    the new one without rejecting a batch in between."""
    now = now or timezone.now()
    Endpoint.objects.select_for_update().filter(pk=endpoint.pk).first()  # rotations one at a time
    endpoint_control_check(endpoint=endpoint, actor=actor)
    overlap_end = now + dt.timedelta(hours=settings.WEBHOOKS_SECRET_OVERLAP_HOURS)
    current = endpoint.secrets.filter(Q(expires_at=None) | Q(expires_at__gt=overlap_end))
    current.update(expires_at=overlap_end)
    endpoint.secrets.filter(expires_at__lte=now).delete()
    secret = secret_generate()
    EndpointSecret.objects.create(endpoint=endpoint, secret=secret, created_at=now)
    return secret


@transaction.atomic
def endpoint_replay(*, endpoint: Endpoint, actor: User, since: str | None) -> Endpoint:
    """Send again from `since` (a feed cursor; None: from the start). The endpoint's controllers
    only (PermissionDenied otherwise). Raises CursorExpired when the log no longer holds what
    follows it (the feed's 410), ValidationError for a bad cursor. A delivery in flight
    finishes, but no longer moves the cursor (its claim is gone)."""
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint_control_check(endpoint=endpoint, actor=actor)
    cursor = _start_cursor(organization_id=endpoint.organization_id, since=since)
    endpoint.cursor_txid, endpoint.cursor_id, endpoint.cursor_generation = cursor.txid, cursor.id, cursor.generation
    endpoint.claimed_at, endpoint.next_attempt_at = None, timezone.now()
    endpoint.save()
    transaction.on_commit(dispatch_soon)
    return endpoint


def dispatch_soon() -> None:
    """Ask a worker to look for due endpoints now, at most one message in flight at a time
    (`WAKE_KEY` is cleared by the task when it starts: anything committed before that is seen
    by its claim, anything after sets the key again). The periodic tick is the backstop when
    the broker or the cache is down."""
    from django.core.cache import cache

    from webhooks.tasks import WAKE_KEY, webhooks_dispatch_task

    try:
        if cache.add(WAKE_KEY, 1, timeout=settings.WEBHOOKS_WAKE_DEBOUNCE_SECONDS):
            webhooks_dispatch_task.delay()
    except Exception:  # the change is committed; the tick will find it
        logger.warning("webhooks: could not enqueue a wake-up", exc_info=True)


def webhooks_wake_on_commit() -> None:
    """Listener of the change log (changes.services.change_log_listen): a committed change may
    be due to endpoints. Skipped at once when no endpoint is active (most installations)."""
    if settings.WEBHOOKS_WAKE_ON_COMMIT and Endpoint.objects.filter(active=True).exists():
        dispatch_soon()


def deliveries_prune(*, older_than: dt.timedelta) -> int:
    deleted, _ = Delivery.objects.filter(attempted_at__lt=timezone.now() - older_than).delete()
    return deleted
