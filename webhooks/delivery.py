"""Delivery of the feed to webhook endpoints, in batches, driven by the rows.

`endpoints_claim_due` takes endpoints that are behind the settled end of the change log and
due; `endpoint_run` reads what the endpoint needs once (its owner's view, its secrets), then
sends batch after batch, moving the cursor only after a 2xx, so batches arrive in commit order
and at least once. Every write checks the claim (`claimed_at`): a replay, a deactivation or an
expired lease taken over by another dispatcher stops this one at its next batch.
"""

from __future__ import annotations

import datetime as dt
import enum
import random
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks import Webhook

from api.cases.permissions import organization_ids_or_none
from api.changes.readers import FEED_READERS
from api.changes.rendering import FeedReader, feed_page_body
from cases.models import Membership
from cases.selectors import OrganizationReader
from changes.selectors import (
    CursorExpired,
    FeedCursor,
    changes_settled_through,
    changes_visible_to,
    settled_position_sql,
)
from webhooks.models import Delivery, Endpoint
from webhooks.selectors import endpoints_behind
from webhooks.services import WRITER_ROLES
from webhooks.transport import Transport


@dataclass(frozen=True)
class Claim:
    endpoint_id: int
    claimed_at: dt.datetime


# The claim in one statement (PostgreSQL): the due endpoints behind the settled end of the log,
# locked with SKIP LOCKED and marked as ours. A round trip and an ORM query cost more than the
# work here (bench/RESULTS.md), and most ticks find nothing: then the probe alone runs.
_DUE = """
    FROM webhooks_endpoint
    WHERE active AND (cursor_txid, cursor_id) < ({settled}) AND next_attempt_at <= %s
"""
# Ordered by the cursor, so the planner walks the partial index on it (it cannot see the
# settled position's value and would otherwise expect a third of the table and scan it all;
# an EXISTS drops the ORDER BY).
_PROBE_SQL = "SELECT 1 " + _DUE + " ORDER BY cursor_txid, cursor_id LIMIT 1"
_CLAIM_SQL = (
    "UPDATE webhooks_endpoint SET claimed_at = %s, next_attempt_at = %s WHERE id IN (SELECT id "  # noqa: S608 (constant text; values are parameters)
    + _DUE
    + " ORDER BY next_attempt_at LIMIT %s FOR UPDATE SKIP LOCKED) RETURNING id"
)


def endpoints_claim_due(*, limit: int, now: dt.datetime | None = None) -> list[Claim]:
    """Take up to `limit` active endpoints that are due and behind the settled end of the log,
    oldest due first, each for WEBHOOKS_LEASE_SECONDS. `skip_locked`: dispatchers running side
    by side never wait for each other nor take the same endpoint; an endpoint whose holder died
    is due again when its lease ends. An idle tick is one statement (bench/RESULTS.md)."""
    now = now or timezone.now()
    lease_end = now + dt.timedelta(seconds=settings.WEBHOOKS_LEASE_SECONDS)
    if connection.vendor != "postgresql":  # SQLite (make run): no row locks, one writer at a time
        due = endpoints_behind(position=changes_settled_through()).filter(next_attempt_at__lte=now)
        ids = list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
        if not ids:
            return []  # no write, so an idle tick never takes the database's write lock
        with transaction.atomic():
            # Still due under the write lock: another dispatcher may have taken some meanwhile.
            Endpoint.objects.filter(pk__in=ids, next_attempt_at__lte=now).update(
                claimed_at=now, next_attempt_at=lease_end
            )
            ids = list(Endpoint.objects.filter(pk__in=ids, claimed_at=now).values_list("pk", flat=True))
        return [Claim(pk, now) for pk in sorted(ids)]
    settled = settled_position_sql()
    with connection.cursor() as cursor:
        cursor.execute(_PROBE_SQL.format(settled=settled), [now])
        if cursor.fetchone() is None:
            return []
        cursor.execute(_CLAIM_SQL.format(settled=settled), [now, lease_end, now, limit])
        ids = [row[0] for row in cursor.fetchall()]
    return [Claim(pk, now) for pk in sorted(ids)]


def endpoints_next_due_in(*, now: dt.datetime | None = None) -> float | None:
    """Seconds until the soonest endpoint that is behind falls due (None: none is behind)."""
    now = now or timezone.now()
    soonest = endpoints_behind(position=changes_settled_through()).aggregate(at=Min("next_attempt_at"))["at"]
    return None if soonest is None else max((soonest - now).total_seconds(), 0.0)


def endpoint_release(*, claim: Claim, pause: float = 0.0) -> None:
    """Give a claimed endpoint back, due after `pause` seconds (taken again only if behind)."""
    Endpoint.objects.filter(pk=claim.endpoint_id, claimed_at=claim.claimed_at).update(
        claimed_at=None, next_attempt_at=timezone.now() + dt.timedelta(seconds=pause)
    )


class Sent(enum.Enum):
    MORE = "more"  # a batch went through (or had nothing for the endpoint) and more is waiting
    CAUGHT_UP = "caught_up"
    FAILED = "failed"  # released with a backoff, or disabled
    LOST = "lost"  # the claim is no longer ours (replayed, deactivated, deleted, lease over)


@dataclass
class Target:
    """What a run reads once: the endpoint's address, types, owner's view and secrets."""

    claim: Claim
    url: str
    types: list[str]
    reader: FeedReader
    secrets: list[str]
    cursor: FeedCursor
    failure_streak: int
    failing_since: dt.datetime | None
    delivered: int = 0  # batches (with items) delivered in this run
    released: bool = False  # given back by its last cursor move (caught up)


def _reader(endpoint: Endpoint) -> FeedReader | None:
    """The endpoint's organization as the reader (cases.selectors.OrganizationReader): its own
    records with their private fields, and other organizations' public records as anyone sees
    them; never what its creator sees through another membership or as a superuser. None when
    the creator may no longer have such an endpoint (left the organization, became a viewer,
    deactivated): the endpoint must not outlive its creator's rights."""
    owner: User = endpoint.owner
    if not owner.is_active:
        return None
    if not owner.is_superuser and not (
        Membership.objects.filter(user=owner, organization_id=endpoint.organization_id, role__in=WRITER_ROLES).exists()
    ):
        return None
    organization_id = endpoint.organization_id
    return FeedReader(user=OrganizationReader(organization_id), member_organizations=frozenset({organization_id}))


def _target(claim: Claim) -> Target | None:
    endpoint = (
        Endpoint.objects.filter(pk=claim.endpoint_id, claimed_at=claim.claimed_at, active=True)
        .select_related("owner")
        .first()
    )
    if endpoint is None:
        return None
    reader = _reader(endpoint)
    if reader is None:
        _disable(claim, reason=_("Its owner is no longer a lawyer or owner of the organization."))
        return None
    now = timezone.now()
    return Target(
        claim=claim,
        url=endpoint.url,
        types=list(endpoint.types),
        reader=reader,
        secrets=list(
            endpoint.secrets.filter(Q(expires_at=None) | Q(expires_at__gt=now)).values_list("secret", flat=True)
        ),
        cursor=FeedCursor(endpoint.cursor_txid, endpoint.cursor_id, endpoint.cursor_generation),
        failure_streak=endpoint.failure_streak,
        failing_since=endpoint.failing_since,
    )


_SIGNERS: dict[str, Webhook] = {}


def _signature(secrets: list[str], message_id: str, at: dt.datetime, body: str) -> str:
    # Standard Webhooks: several space-separated signatures while secrets overlap (rotation).
    signers = [_SIGNERS.get(s) or _SIGNERS.setdefault(s, Webhook(s)) for s in secrets]
    return " ".join(signer.sign(message_id, at, body) for signer in signers)


def endpoint_deliver_batch(*, target: Target, transport: Transport) -> Sent:
    """Send the target its next batch, record the attempt, and move its cursor after a 2xx.
    Safe to run twice: a second run sends the same range again (at least once)."""
    claim = target.claim
    settled = changes_settled_through()
    limit = settings.WEBHOOKS_BATCH_SIZE
    try:
        page = changes_visible_to(
            organizations=organization_ids_or_none(target.reader.member_organizations),
            after=target.cursor,
            limit=limit,
            object_types=target.types or None,
        )
    except CursorExpired:
        _disable(claim, reason=_("Its position is older than the change log keeps: replay it from the start."))
        return Sent.FAILED
    has_more = len(page.rows) == limit
    # A short page holds everything visible up to `settled` (read before it): move past what
    # was not for this endpoint, so the tick does not find it behind again.
    position = page.next.position if has_more else max(page.next.position, settled)
    moved = FeedCursor(position[0], position[1], page.next.generation)
    if not any(row.object_type in FEED_READERS for row in page.rows):
        if (moved.position > target.cursor.position or not has_more) and not _advance(
            target, moved, caught_up=not has_more
        ):
            return Sent.LOST
        return Sent.MORE if has_more else Sent.CAUGHT_UP
    body = feed_page_body(target.reader, page.rows, next_cursor=page.next.encode(), has_more=has_more)
    now = timezone.now()
    message_id = f"msg_{claim.endpoint_id}_{target.cursor.encode()}_{page.next.encode()}"
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "privacy-case-tracker-webhooks/1",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": _signature(target.secrets, message_id, now, body),
    }
    answer = transport.post(target.url, body=body.encode(), headers=headers)
    attempt = Delivery(
        endpoint_id=claim.endpoint_id,
        message_id=message_id,
        attempted_at=now,
        cursor_from=target.cursor.encode(),
        cursor_to=page.next.encode(),
        items=body.count('"op":'),
        outcome=Delivery.Outcome.FAILED,
        status_code=answer.status,
        error=answer.error,
        latency_ms=answer.latency_ms,
        response_excerpt=answer.excerpt[:1024].decode("utf-8", errors="replace"),
    )
    if answer.status is not None and 200 <= answer.status < 300:
        attempt.outcome = Delivery.Outcome.DELIVERED
        if not _advance(target, moved, attempt=attempt, caught_up=not has_more):
            return Sent.LOST
        target.delivered += 1
        return Sent.MORE if has_more else Sent.CAUGHT_UP
    with transaction.atomic():
        if not _attempt_log(attempt):
            return Sent.LOST  # deleted while the request was out: nothing left to record
        if answer.status == 410:  # the receiver says it is gone for good
            _disable(claim, reason=_("The receiver answered 410 Gone."))
        else:
            _fail(target, now=now)
    return Sent.FAILED


def _attempt_log(attempt: Delivery) -> bool:
    """Record an attempt if its endpoint still exists (False: deleted meanwhile, by the API or
    the admin while the request was out). The endpoint's row is locked first, so a delete
    waits for this transaction instead of leaving the attempt pointing at nothing."""
    with transaction.atomic():
        if not Endpoint.objects.select_for_update(no_key=True).filter(pk=attempt.endpoint_id).values("pk"):
            return False
        attempt.save()
    return True


_ADVANCE_SQL = """
WITH moved AS (
    UPDATE webhooks_endpoint
    SET cursor_txid = %s, cursor_id = %s, cursor_generation = %s, failure_streak = 0, failing_since = NULL,
        next_attempt_at = %s, claimed_at = CASE WHEN %s THEN NULL ELSE claimed_at END
    WHERE id = %s AND claimed_at = %s
    RETURNING id
), logged AS (
    INSERT INTO webhooks_delivery ({columns}) SELECT {values} FROM moved WHERE %s
)
SELECT count(*) FROM moved
"""


def _advance(target: Target, cursor: FeedCursor, *, attempt: Delivery | None = None, caught_up: bool = False) -> bool:
    """Move the cursor if the claim is still ours, and log the attempt that earned it. On
    PostgreSQL one statement (both or neither, one round trip: a batch's cost is mostly its
    round trips, bench/RESULTS.md); elsewhere a transaction. `caught_up` gives the endpoint
    back in the same statement, due again after the pause (see `endpoint_run`). The attempt is
    logged with the move (the UPDATE holds the endpoint's row, so it cannot be deleted under
    the insert), or apart when the claim was lost, if the endpoint still exists."""
    claim = target.claim
    if caught_up:
        sent_any = target.delivered > 0 or attempt is not None
        pause = settings.WEBHOOKS_COALESCE_SECONDS if sent_any else 0.0
        next_attempt_at = timezone.now() + dt.timedelta(seconds=pause)
    else:
        next_attempt_at = timezone.now() + dt.timedelta(seconds=settings.WEBHOOKS_LEASE_SECONDS)
    if connection.vendor == "postgresql":
        fields = [f for f in Delivery._meta.concrete_fields if not f.primary_key]
        sql = _ADVANCE_SQL.format(columns=", ".join(f.column for f in fields), values=", ".join(["%s"] * len(fields)))
        values = (
            [f.get_db_prep_save(getattr(attempt, f.attname), connection) for f in fields]
            if attempt
            else [None] * len(fields)
        )
        position: list[Any] = [
            cursor.txid,
            cursor.id,
            cursor.generation,
            next_attempt_at,
            caught_up,
            claim.endpoint_id,
            claim.claimed_at,
        ]
        with connection.cursor() as db:
            db.execute(sql, [*position, *values, attempt is not None])
            advanced = db.fetchone()[0]
    else:
        with transaction.atomic():
            advanced = Endpoint.objects.filter(pk=claim.endpoint_id, claimed_at=claim.claimed_at).update(
                cursor_txid=cursor.txid,
                cursor_id=cursor.id,
                cursor_generation=cursor.generation,
                failure_streak=0,
                failing_since=None,
                next_attempt_at=next_attempt_at,
                **({"claimed_at": None} if caught_up else {}),
            )
            if advanced and attempt is not None:
                attempt.save()
    if not advanced and attempt is not None:
        _attempt_log(attempt)  # delivered, but replayed, paused or deleted meanwhile
    if advanced:
        target.cursor, target.failure_streak, target.failing_since = cursor, 0, None
        target.released = caught_up
    return bool(advanced)


def retry_delay(streak: int) -> dt.timedelta:
    """Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And
    Jitter"): receivers that failed together do not all come back at the same second."""
    ceiling = min(settings.WEBHOOKS_RETRY_BASE_SECONDS * 2 ** min(streak - 1, 30), settings.WEBHOOKS_RETRY_MAX_SECONDS)
    return dt.timedelta(seconds=ceiling / 2 + random.uniform(0, ceiling / 2))  # noqa: S311 (not a secret)


def _fail(target: Target, *, now: dt.datetime) -> None:
    failing_since = target.failing_since or now
    if now - failing_since >= dt.timedelta(hours=settings.WEBHOOKS_GIVE_UP_AFTER_HOURS):
        hours = settings.WEBHOOKS_GIVE_UP_AFTER_HOURS
        _disable(target.claim, reason=_("Deliveries failed for %(hours)s hours.") % {"hours": hours})
        return
    streak = target.failure_streak + 1
    Endpoint.objects.filter(pk=target.claim.endpoint_id, claimed_at=target.claim.claimed_at).update(
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
    """Deliver batches to one claimed endpoint while it has more and its turn lasts (until a
    monotonic time), then give it back. Returns the batches delivered.

    An endpoint that has just caught up after sending is given back with a short pause
    (WEBHOOKS_COALESCE_SECONDS): changes committed meanwhile go out together in the next batch
    instead of one request each, which is what lets one worker keep up with many endpoints."""
    target = _target(claim)
    if target is None:
        return 0
    turn_end = min(until, time.monotonic() + settings.WEBHOOKS_TURN_SECONDS)
    sent = Sent.LOST
    try:
        while True:
            sent = endpoint_deliver_batch(target=target, transport=transport)
            if sent is not Sent.MORE or time.monotonic() >= turn_end:
                break
    finally:
        if not target.released:  # the turn ended with more to send, or it failed or was lost
            endpoint_release(claim=claim)
    return target.delivered


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
