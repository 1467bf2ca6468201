"""Reads for reminders: who receives messages about a case, and what goes into calendar feeds."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from cases.models import Case, Hearing, Membership
from deadlines.models import Deadline
from deadlines.selectors import deadlines_visible_to
from reminders.models import MemberReminderSettings, Subscription


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


def hearings_for_feed(*, cases: QuerySet[Case]) -> QuerySet[Hearing]:
    """Every hearing of the cases (past ones too: a calendar keeps its history), cancelled ones
    included so calendar clients learn of the cancellation."""
    return Hearing.objects.filter(case__in=cases).select_related("case", "court").order_by("starts_at", "id")


def feed_cases_for_token(*, token: str) -> QuerySet[Case] | None:
    """The cases followed by the address that owns this feed token; None for an unknown token."""
    owner = Subscription.objects.filter(feed_token=token).select_related("case").first()
    if owner is None:
        return None
    case_ids = [
        subscription.case_id
        for subscription in Subscription.objects.filter(email=owner.email).select_related("case")
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
