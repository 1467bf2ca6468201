"""Webhook endpoints: registration, secrets, replay, and delivery of the feed in batches.

An endpoint is a cursor over the change log (changes/selectors.py) read with its owner's
visibility. Delivery is driven by the rows: `endpoints_claim_due` takes endpoints that are
behind the settled end of the log and due, `endpoint_deliver_batch` sends the next page and
moves the cursor only after a 2xx, so batches arrive in commit order, at least once. The
dispatcher (webhooks/dispatch.py) runs several endpoints at once in one task.
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
import logging
import random
import secrets
from collections.abc import Collection
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks import Webhook

from cases.api.serializers import ALL
from cases.models import Membership, Organization
from changes.api.rendering import FEED_READERS, FeedReader, feed_page_body
from changes.registry import feed_types
from changes.selectors import CursorExpired, FeedCursor, changes_settled_through, changes_visible_to
from webhooks.models import Delivery, Endpoint, EndpointSecret
from webhooks.transport import AddressRefused, Transport, url_check

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


def _start_cursor(*, owner: User, since: str | None) -> FeedCursor:
    """ "now": from the settled end of the log; a feed cursor: from there; None: from the start
    (the whole history the owner can see, as a sync without a cursor)."""
    if since is None or since == "":
        return FeedCursor(0, 0)
    if since == "now":
        txid, change_id = changes_settled_through()
        generation = changes_visible_to(user=owner, after=None, limit=0).next.generation
        return FeedCursor(txid, change_id, generation)
    try:
        cursor = FeedCursor.decode(since)
        changes_visible_to(user=owner, after=cursor, limit=0)  # raises CursorExpired past the horizon
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
    cursor = _start_cursor(owner=owner, since=since)
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
    *, endpoint: Endpoint, url: str | None = None, types: Collection[str] | None = None, active: bool | None = None
) -> Endpoint:
    """Change the URL, the types or the active flag. Turning an endpoint back on clears its
    failures (it was disabled after them) and sends what accumulated meanwhile."""
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    if url is not None and url != endpoint.url:
        endpoint.url = endpoint_url_check(url)
    if types is not None:
        endpoint.types = endpoint_types_check(types)
    if active is not None and active != endpoint.active:
        endpoint.active = active
        if active:
            endpoint.failure_streak, endpoint.failing_since = 0, None
            endpoint.disabled_at, endpoint.disabled_reason = None, ""
            endpoint.next_attempt_at, endpoint.claimed_at = timezone.now(), None
            transaction.on_commit(dispatch_soon)
    endpoint.save()
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: Endpoint) -> None:
    endpoint.delete()


@transaction.atomic
def endpoint_secret_rotate(*, endpoint: Endpoint, now: dt.datetime | None = None) -> str:
    """Issue a new secret; the current ones keep signing for WEBHOOKS_SECRET_OVERLAP_HOURS, so
    a receiver can switch to the new one without rejecting a batch in between."""
    now = now or timezone.now()
    Endpoint.objects.select_for_update().filter(pk=endpoint.pk).first()  # rotations one at a time
    overlap_end = now + dt.timedelta(hours=settings.WEBHOOKS_SECRET_OVERLAP_HOURS)
    current = endpoint.secrets.filter(Q(expires_at=None) | Q(expires_at__gt=overlap_end))
    current.update(expires_at=overlap_end)
    endpoint.secrets.filter(expires_at__lte=now).delete()
    secret = secret_generate()
    EndpointSecret.objects.create(endpoint=endpoint, secret=secret, created_at=now)
    return secret


@transaction.atomic
def endpoint_replay(*, endpoint: Endpoint, since: str | None) -> Endpoint:
    """Send again from `since` (a feed cursor; None: from the start). Raises CursorExpired when
    the log no longer holds what follows it (the feed's 410), ValidationError for a bad cursor.
    A delivery in flight finishes, but no longer moves the cursor (its claim is gone)."""
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    cursor = _start_cursor(owner=endpoint.owner, since=since)
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


# --- Delivery ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    endpoint_id: int
    claimed_at: dt.datetime


def _behind(position: tuple[int, int]) -> RawSQL:
    # A row comparison, so PostgreSQL reads one range of the partial (cursor) index.
    return RawSQL(
        '("webhooks_endpoint"."cursor_txid", "webhooks_endpoint"."cursor_id") < (%s, %s)',
        list(position),
        BooleanField(),
    )


def endpoints_claim_due(*, limit: int, now: dt.datetime | None = None) -> list[Claim]:
    """Take up to `limit` active endpoints that are due and behind the settled end of the log,
    oldest due first, each for WEBHOOKS_LEASE_SECONDS. `skip_locked`: dispatchers running side
    by side never wait for each other nor take the same endpoint; an endpoint whose holder died
    is due again when its lease ends. An idle tick is two index probes (bench/RESULTS.md)."""
    now = now or timezone.now()
    settled = changes_settled_through()
    with transaction.atomic():
        ids = list(
            Endpoint.objects.select_for_update(skip_locked=True)
            .filter(_behind(settled), active=True, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Endpoint.objects.filter(pk__in=ids).update(
                claimed_at=now, next_attempt_at=now + dt.timedelta(seconds=settings.WEBHOOKS_LEASE_SECONDS)
            )
    return [Claim(pk, now) for pk in ids]


def endpoint_release(*, claim: Claim) -> None:
    """Give a claimed endpoint back, due at once (it is only taken again if behind)."""
    Endpoint.objects.filter(pk=claim.endpoint_id, claimed_at=claim.claimed_at).update(
        claimed_at=None, next_attempt_at=timezone.now()
    )


class Sent(enum.Enum):
    MORE = "more"  # a batch went through and more is waiting
    CAUGHT_UP = "caught_up"
    FAILED = "failed"  # released with a backoff, or disabled
    LOST = "lost"  # the claim is no longer ours (replayed, deactivated, deleted, lease over)


_SIGNERS: dict[str, Webhook] = {}


def _signature(secrets_: list[str], message_id: str, at: dt.datetime, body: str) -> str:
    signers = [_SIGNERS.get(s) or _SIGNERS.setdefault(s, Webhook(s)) for s in secrets_]
    return " ".join(signer.sign(message_id, at, body) for signer in signers)


def _reader(endpoint: Endpoint) -> FeedReader | None:
    """The owner's view, or None when the owner may no longer have one (left the organization,
    became a viewer, deactivated): the endpoint must not outlive its owner's rights."""
    owner = endpoint.owner
    if not owner.is_active:
        return None
    if owner.is_superuser:
        return FeedReader(user=owner, member_organizations=ALL)
    rows = list(Membership.objects.filter(user=owner).values_list("organization_id", "role"))
    if not any(org == endpoint.organization_id and role in WRITER_ROLES for org, role in rows):
        return None
    return FeedReader(user=owner, member_organizations=frozenset(org for org, _ in rows))


def endpoint_deliver_batch(*, claim: Claim, transport: Transport) -> Sent:
    """Send the claimed endpoint its next batch, record the attempt, and move its cursor after a
    2xx. Safe to run twice: a second run sends the same range again (at least once)."""
    endpoint = (
        Endpoint.objects.filter(pk=claim.endpoint_id, claimed_at=claim.claimed_at, active=True)
        .select_related("owner")
        .first()
    )
    if endpoint is None:
        return Sent.LOST
    reader = _reader(endpoint)
    if reader is None:
        _disable(claim, reason=_("Its owner is no longer a lawyer or owner of the organization."))
        return Sent.FAILED
    settled = changes_settled_through()
    after = FeedCursor(endpoint.cursor_txid, endpoint.cursor_id, endpoint.cursor_generation)
    limit = settings.WEBHOOKS_BATCH_SIZE
    try:
        page = changes_visible_to(user=reader.user, after=after, limit=limit, object_types=endpoint.types or None)
    except CursorExpired:
        _disable(claim, reason=_("Its position is older than the change log keeps: replay it from the start."))
        return Sent.FAILED
    has_more = len(page.rows) == limit
    # A short page holds everything visible up to `settled` (read before it): move past what
    # was not for this endpoint, so the tick does not find it behind again.
    position = page.next.position if has_more else max(page.next.position, settled)
    moved = FeedCursor(position[0], position[1], page.next.generation)
    if not any(row.object_type in FEED_READERS for row in page.rows):
        _advance(claim, moved)
        return Sent.MORE if has_more else Sent.CAUGHT_UP
    body = feed_page_body(reader, page.rows, next_cursor=page.next.encode(), has_more=has_more)
    now = timezone.now()
    message_id = f"msg_{endpoint.pk}_{after.encode()}_{page.next.encode()}"
    signing = list(endpoint.secrets.filter(Q(expires_at=None) | Q(expires_at__gt=now)).values_list("secret", flat=True))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "privacy-case-tracker-webhooks/1",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": _signature(signing, message_id, now, body),
    }
    answer = transport.post(endpoint.url, body=body.encode(), headers=headers)
    delivered = answer.status is not None and 200 <= answer.status < 300
    with transaction.atomic():
        Delivery.objects.create(
            endpoint_id=endpoint.pk,
            message_id=message_id,
            attempted_at=now,
            cursor_from=after.encode(),
            cursor_to=page.next.encode(),
            items=body.count('"op":'),
            outcome=Delivery.Outcome.DELIVERED if delivered else Delivery.Outcome.FAILED,
            status_code=answer.status,
            error=answer.error,
            latency_ms=answer.latency_ms,
            response_excerpt=answer.excerpt[:1024].decode("utf-8", errors="replace"),
        )
        if delivered:
            if not _advance(claim, moved):
                return Sent.LOST
            return Sent.MORE if has_more else Sent.CAUGHT_UP
        if answer.status == 410:  # the receiver says it is gone for good
            _disable(claim, reason=_("The receiver answered 410 Gone."))
        else:
            _fail(claim, endpoint=endpoint, now=now)
    return Sent.FAILED


def _advance(claim: Claim, cursor: FeedCursor) -> bool:
    lease_end = timezone.now() + dt.timedelta(seconds=settings.WEBHOOKS_LEASE_SECONDS)
    return bool(
        Endpoint.objects.filter(pk=claim.endpoint_id, claimed_at=claim.claimed_at).update(
            cursor_txid=cursor.txid,
            cursor_id=cursor.id,
            cursor_generation=cursor.generation,
            failure_streak=0,
            failing_since=None,
            next_attempt_at=lease_end,
        )
    )


def retry_delay(streak: int) -> dt.timedelta:
    """Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And
    Jitter"): receivers that failed together do not all come back at the same second."""
    ceiling = min(settings.WEBHOOKS_RETRY_BASE_SECONDS * 2 ** min(streak - 1, 30), settings.WEBHOOKS_RETRY_MAX_SECONDS)
    return dt.timedelta(seconds=ceiling / 2 + random.uniform(0, ceiling / 2))  # noqa: S311 (not a secret)


def _fail(claim: Claim, *, endpoint: Endpoint, now: dt.datetime) -> None:
    failing_since = endpoint.failing_since or now
    if now - failing_since >= dt.timedelta(hours=settings.WEBHOOKS_GIVE_UP_AFTER_HOURS):
        _disable(
            claim, reason=_("Deliveries failed for %(hours)s hours.") % {"hours": settings.WEBHOOKS_GIVE_UP_AFTER_HOURS}
        )
        return
    streak = endpoint.failure_streak + 1
    Endpoint.objects.filter(pk=claim.endpoint_id, claimed_at=claim.claimed_at).update(
        failure_streak=streak, failing_since=failing_since, next_attempt_at=now + retry_delay(streak), claimed_at=None
    )


def _disable(claim: Claim, *, reason: str) -> None:
    from webhooks.tasks import endpoint_disabled_notify_task

    with transaction.atomic():
        updated = Endpoint.objects.filter(pk=claim.endpoint_id, claimed_at=claim.claimed_at).update(
            active=False, disabled_at=timezone.now(), disabled_reason=reason, claimed_at=None
        )
        if updated:
            endpoint_id = claim.endpoint_id
            transaction.on_commit(lambda: endpoint_disabled_notify_task.delay(endpoint_id))


def endpoint_run(*, claim: Claim, transport: Transport, until: float) -> int:
    """Deliver batches to one claimed endpoint while it has more and its turn lasts (a
    monotonic time), then give it back. Returns the batches delivered."""
    import time

    turn_end = min(until, time.monotonic() + settings.WEBHOOKS_TURN_SECONDS)
    batches = 0
    try:
        while True:
            sent = endpoint_deliver_batch(claim=claim, transport=transport)
            if sent in (Sent.MORE, Sent.CAUGHT_UP):
                batches += 1
            if sent is not Sent.MORE or time.monotonic() >= turn_end:
                break
    finally:
        endpoint_release(claim=claim)
    return batches


def endpoint_disabled_notify(*, endpoint_id: int) -> int:
    """Tell the organization's owners, each in their language, that an endpoint was disabled
    and why. Returns the messages sent."""
    from django.core.mail import EmailMessage
    from django.utils import translation

    from reminders.deadline_reminders import member_language

    endpoint = Endpoint.objects.filter(pk=endpoint_id, active=False).select_related("organization").first()
    if endpoint is None:
        return 0
    owners = User.objects.filter(
        memberships__organization=endpoint.organization, memberships__role=Membership.Role.OWNER, is_active=True
    ).exclude(email="")
    sent = 0
    for owner in owners:
        with translation.override(member_language(owner)):
            subject = _("Webhook endpoint disabled: %(url)s") % {"url": endpoint.url}
            text = _(
                "The webhook endpoint %(url)s of %(organization)s was disabled: %(reason)s\n\n"
                "Nothing is lost: its position in the change feed is kept. Fix the receiver, then "
                'turn the endpoint back on (PATCH /api/v1/webhooks/%(id)s/ with {"active": true}, '
                "or in the admin) and it resumes where it stopped.\n\n"
                "Recent attempts: %(site)s/api/v1/webhooks/%(id)s/deliveries/\n"
            ) % {
                "url": endpoint.url,
                "organization": endpoint.organization.name,
                "reason": endpoint.disabled_reason,
                "id": endpoint.pk,
                "site": settings.SITE_BASE_URL,
            }
        EmailMessage(subject=subject, body=text, to=[owner.email]).send()
        sent += 1
    return sent


def deliveries_prune(*, older_than: dt.timedelta) -> int:
    deleted, _ = Delivery.objects.filter(attempted_at__lt=timezone.now() - older_than).delete()
    return deleted
