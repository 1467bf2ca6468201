"""Reads for reminders: who receives messages about a case, and what goes into calendar feeds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet

from cases.models import Case, Hearing, Membership
from deadlines.models import Deadline
from deadlines.selectors import deadlines_visible_to
from reminders.models import (
    DeadlineReminder,
    Delivery,
    DeliveryState,
    MemberReminderSettings,
    Notice,
    Reminder,
    Subscription,
)


def _receives_condition(case: Case) -> Q:
    """Confirmed and not unsubscribed; for a private case, only organization members (the case's
    existence is itself private, so a subscriber who left the organization stops receiving)."""
    condition = Q(confirmed_at__isnull=False, unsubscribed_at__isnull=True)
    if not case.is_public:
        members = Membership.objects.filter(organization_id=case.organization_id).values("user_id")
        condition &= Q(user__is_superuser=True) | Q(user_id__in=members)
    return condition


def subscriptions_receiving(*, case: Case) -> QuerySet[Subscription]:
    return Subscription.objects.filter(_receives_condition(case), case=case)


def subscription_receives(*, subscription: Subscription) -> bool:
    return subscriptions_receiving(case=subscription.case).filter(pk=subscription.pk).exists()


def subscription_ids_receiving(*, subscription_ids: Iterable[int]) -> set[int]:
    """Which of these subscriptions (of any cases) receive messages now: `subscription_receives`
    for a whole send batch in one query, the same rule as `_receives_condition`."""
    member = Membership.objects.filter(organization_id=OuterRef("case__organization_id"), user_id=OuterRef("user_id"))
    return set(
        Subscription.objects.filter(
            pk__in=list(subscription_ids), confirmed_at__isnull=False, unsubscribed_at__isnull=True
        )
        .filter(Q(case__is_public=True) | Q(user__is_superuser=True) | Exists(member))
        .values_list("pk", flat=True)
    )


def deliveries_claimable_exist(*, models: Iterable[type[Delivery]], now: dt.datetime, lease_over: dt.datetime) -> bool:
    """Whether the beat tick has anything to claim: a row due, or one whose `sending` lease is
    over. One statement, outside any transaction and without locks; each EXISTS is one probe of
    a partial index (`*_pending_due`, `*_sending_claimed`).

    Written in SQL: the ORM took far longer to compile the same four-way check (as a UNION) than
    PostgreSQL takes to run it, on a path that runs every minute for nothing.
    """
    checks, params = [], []
    due, lease = (connection.ops.adapt_datetimefield_value(moment) for moment in (now, lease_over))
    for model in models:
        table = connection.ops.quote_name(model._meta.db_table)
        checks.append(f"EXISTS (SELECT 1 FROM {table} WHERE state = %s AND due_at <= %s)")  # noqa: S608
        checks.append(f"EXISTS (SELECT 1 FROM {table} WHERE state = %s AND claimed_at < %s)")  # noqa: S608
        params += [DeliveryState.PENDING, due, DeliveryState.SENDING, lease]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + " OR ".join(checks), params)
        (found,) = cursor.fetchone()
    return bool(found)


def hearings_for_feed(*, cases: QuerySet[Case]) -> QuerySet[Hearing]:
    """Every hearing of the cases (past ones too: a calendar keeps its history), cancelled ones
    included so calendar clients learn of the cancellation."""
    return Hearing.objects.filter(case__in=cases).select_related("case", "court").order_by("starts_at", "id")


def feed_owner(*, token: str) -> Subscription | None:
    """The subscription whose private feed this token opens (its language is the feed's)."""
    return Subscription.objects.filter(feed_token=token).first()


def feed_cases_for_token(*, token: str) -> QuerySet[Case] | None:
    """The cases followed by the address that owns this feed token; None for an unknown token."""
    owner = Subscription.objects.filter(feed_token=token).select_related("case").first()
    if owner is None:
        return None
    case_ids = [
        subscription.case_id
        for subscription in Subscription.objects.filter(email_hash=owner.email_hash)
        .exclude(email_hash="")
        .select_related("case")
        if subscriptions_receiving(case=subscription.case).filter(pk=subscription.pk).exists()
    ]
    return Case.objects.filter(pk__in=case_ids)


def case_subscriber_count(*, case: Case) -> int:
    """How many people receive this case's reminders (confirmed, not unsubscribed): a number for
    the case's members, never the addresses."""
    return subscriptions_receiving(case=case).count()


def member_feed_owner(*, token: str) -> MemberReminderSettings | None:
    """The settings row of an active member whose private feed this token opens; None otherwise
    (unknown or reset token, deactivated user)."""
    return MemberReminderSettings.objects.select_related("user").filter(feed_token=token, user__is_active=True).first()


def member_feed_cases(*, owner: MemberReminderSettings) -> QuerySet[Case]:
    """The cases of the organizations the member belongs to (every case, for a superuser)."""
    user = owner.user
    if user.is_superuser:
        return Case.objects.all()
    return Case.objects.filter(organization__memberships__user=user).distinct()


def deadlines_for_member_feed(*, owner: MemberReminderSettings) -> QuerySet[Deadline]:
    """Deadlines with a known date that the member may see (members only, even on a public case:
    `deadlines.selectors`), ended ones included so calendars learn a deadline was closed."""
    return (
        deadlines_visible_to(user=owner.user)
        .filter(due_on__isnull=False)
        .select_related("case")
        .order_by("due_on", "id")
        .distinct()
    )


def delivery_figures(*, now: dt.datetime) -> dict[str, dict[str, object]]:
    """For /metrics: per kind of delivery (hearing reminders, deadline reminders, notices), the
    rows in each state, how many pending rows are due, and the oldest due one's due time."""
    figures: dict[str, dict[str, object]] = {}
    for kind, model in (("hearing", Reminder), ("deadline", DeadlineReminder), ("notice", Notice)):
        states = dict.fromkeys(DeliveryState.values, 0)
        states.update(dict(model.objects.values_list("state").annotate(n=Count("pk")).order_by()))
        due = model.objects.filter(state=DeliveryState.PENDING, due_at__lte=now).aggregate(
            n=Count("pk"), oldest=Min("due_at")
        )
        figures[kind] = {"states": states, "due": due["n"], "oldest_due_at": due["oldest"]}
    return figures
