"""Reminders of procedural deadlines to the lawyers and owners of the case's organization:
7 days before, 2 days before and on the day, at 09:00 in the zone of the court that ruled.

Why the court's zone: a deadline is a day in law at that court (GPK RF art. 108(3): the act may
be done until 24:00 of the last day, local time), and the project keeps no time zone of its
own per user (the web Preferences keep it in a cookie). A morning at the court is a working
morning for the lawyers who litigate there.

`deadline_reminders_sync` runs inside the transaction that changes a deadline (computed,
recomputed, overridden, closed, met, void), so the deadline and its reminder rows commit
together. The beat tick claims due rows together with the hearing
reminders (`reminders.services.delivery.deliveries_claim_due`), and `deadline_reminder_send_task` sends each row with
the same guarantees as a hearing reminder (`reminders.services.delivery.delivery_send`): under its row
lock, a stable Message-ID, transient SMTP failures retried with backoff, then `failed` with
the reason.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from cases.content import localized
from cases.models import Case, Membership, Ruling
from deadlines.models import Deadline
from reminders.calendar import content_text, hearings_calendar, site_domain
from reminders.emails import case_parties_text, email_with_html
from reminders.models import OPEN_STATES, DeadlineReminder, DeliveryState, MemberReminderSettings, Subscription
from reminders.services import delivery

OFFSETS_DAYS = (7, 2, 0)
SEND_AT = dt.time(9, 0)
RECIPIENT_ROLES = (Membership.Role.LAWYER, Membership.Role.OWNER)


# --- Who and when ---------------------------------------------------------------------------


def deadline_reminder_recipients(*, case: Case) -> QuerySet[User]:
    """The lawyers and owners of the case's organization who can receive mail (viewers read the
    case but do not act on its deadlines)."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organization_id=case.organization_id,
            memberships__role__in=RECIPIENT_ROLES,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def deadline_court_zone(deadline: Deadline) -> zoneinfo.ZoneInfo:
    ruling = Ruling.objects.select_related("court").only("court__time_zone").get(pk=deadline.ruling_id)
    return ruling.court.time_zone


def deadline_reminder_due_at(*, due_on: dt.date, offset_days: int, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(due_on - dt.timedelta(days=offset_days), SEND_AT, tzinfo=zone)


# --- Scheduling, in the deadline's transaction ----------------------------------------------


def _close(rows: list[DeadlineReminder], reason: str, now: dt.datetime) -> list[DeadlineReminder]:
    closed = []
    for row in rows:
        if row.state in OPEN_STATES:
            row.state, row.claimed_at, row.last_error, row.updated_at = DeliveryState.CANCELLED, None, reason, now
            closed.append(row)
    return closed


def _move(row: DeadlineReminder, *, due_on: dt.date, due_at: dt.datetime, now: dt.datetime, retime: bool) -> bool:
    """Point an existing row at the deadline's current due date. Returns whether it changed.
    `retime`: the court's zone changed, so a row not yet tried moves to the new 09:00 (a row
    being retried keeps its backoff time)."""
    retimed = retime and row.state == DeliveryState.PENDING and row.attempts == 0 and row.due_at != due_at
    if row.due_on == due_on and row.state != DeliveryState.CANCELLED and not retimed:
        return False  # already scheduled (or sent, or skipped) for this date: leave it alone
    if due_at > now:
        if row.state in (DeliveryState.SENT, DeliveryState.FAILED):
            row.generation += 1  # a new message (new Message-ID) for the new date
        row.state, row.due_at, row.claimed_at = DeliveryState.PENDING, due_at, None
        row.attempts, row.last_error, row.sent_at = 0, "", None
    elif row.state in OPEN_STATES or row.state == DeliveryState.CANCELLED:
        row.state, row.claimed_at = DeliveryState.SKIPPED, None
        row.last_error = "The due date changed; this reminder's time had already passed."
    row.due_on, row.updated_at = due_on, now
    return True


def _english_state(deadline: Deadline) -> str:
    with translation.override("en"):  # the back office's reasons are in English, whoever made the change
        return str(deadline.get_state_display()).lower()


def deadline_reminders_sync(*, deadline: Deadline, now: dt.datetime | None = None, retime: bool = False) -> None:
    """Make a deadline's reminder rows match its current state and due date.

    Open with a known date: one row per recipient and offset whose time is still ahead (a
    deadline computed or moved close to its date causes no burst of stale reminders); rows made
    for another date move. Met, late, closed, void, or the date unknown: pending rows are
    cancelled. Recipients no longer lawyers or owners lose their pending rows. `retime` after
    the court's time zone changed. Must run inside the transaction that changed the deadline."""
    now = now or timezone.now()
    rows = list(DeadlineReminder.objects.select_for_update().filter(deadline=deadline))
    to_update: list[DeadlineReminder] = []
    if deadline.state != Deadline.State.OPEN or deadline.due_on is None:
        reason = (
            "The deadline's due date is unknown."
            if deadline.state == Deadline.State.OPEN
            else f"The deadline is {_english_state(deadline)}."
        )
        to_update = _close(rows, reason, now)
    else:
        recipients = list(deadline_reminder_recipients(case=deadline.case).values_list("pk", flat=True))
        by_key = {(row.user_id, row.offset_days): row for row in rows}
        to_update = _close(
            [row for row in rows if row.user_id not in recipients],
            "The recipient is no longer a lawyer or owner of the organization.",
            now,
        )
        zone = deadline_court_zone(deadline)
        to_create = []
        for user_id in recipients:
            for offset in OFFSETS_DAYS:
                due_at = deadline_reminder_due_at(due_on=deadline.due_on, offset_days=offset, zone=zone)
                row = by_key.get((user_id, offset))
                if row is None:
                    if due_at > now:
                        to_create.append(
                            DeadlineReminder(
                                deadline=deadline,
                                user_id=user_id,
                                offset_days=offset,
                                due_on=deadline.due_on,
                                due_at=due_at,
                            )
                        )
                elif _move(row, due_on=deadline.due_on, due_at=due_at, now=now, retime=retime):
                    to_update.append(row)
        DeadlineReminder.objects.bulk_create(to_create)
    DeadlineReminder.objects.bulk_update(
        to_update,
        ["state", "due_at", "claimed_at", "attempts", "last_error", "sent_at", "generation", "due_on", "updated_at"],
    )


# --- Delivery --------------------------------------------------------------------------------


@transaction.atomic
def deadline_reminder_deliver(
    *, deadline_reminder_id: int, now: dt.datetime | None = None, connection: BaseEmailBackend | None = None
) -> DeadlineReminder | None:
    """Send one claimed deadline reminder. Safe to run twice or concurrently: only a row still
    `sending` and not locked by another send is sent."""
    now = now or timezone.now()
    row = (
        DeadlineReminder.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("deadline__case__organization", "deadline__ruling__court", "user")
        .filter(pk=deadline_reminder_id, state=DeliveryState.SENDING)
        .first()
    )
    if row is None:
        return None
    deadline = row.deadline
    court_today = now.astimezone(deadline.ruling.court.time_zone).date()
    if not deadline_reminder_recipients(case=deadline.case).filter(pk=row.user_id).exists():
        delivery.delivery_finish(
            row, DeliveryState.CANCELLED, "The recipient is no longer a lawyer or owner of the organization."
        )
    elif deadline.state != Deadline.State.OPEN or deadline.due_on != row.due_on:
        delivery.delivery_finish(row, DeliveryState.CANCELLED, "The deadline changed after this reminder was claimed.")
    elif deadline.due_on < court_today:
        delivery.delivery_finish(row, DeliveryState.SKIPPED, "The deadline had passed when the reminder could be sent.")
    else:
        delivery.delivery_send(row, lambda: deadline_reminder_message(row), now, connection)
    return row


# --- The message ------------------------------------------------------------------------------


def member_language(user: User) -> str:
    """The member's chosen language (on /reminders/me/); else the language of the latest
    subscription they made while logged in; else the site's default.

    "Latest" is by creation, not by the last change: an unsubscribe, a confirmation or a new
    time zone touches a row, and must not switch the language of a member's feed and emails."""
    chosen = MemberReminderSettings.objects.filter(user=user).values_list("language", flat=True).first()
    if chosen:
        return chosen
    latest = (
        Subscription.objects.filter(user=user).order_by("-created_at", "-pk").values_list("language", flat=True).first()
    )
    return latest or settings.LANGUAGE_CODE


def _date(day: dt.date | None) -> str:
    from reminders.emails import DATE_FORMAT

    return formats.date_format(day, DATE_FORMAT) if day else ""


def deadline_reminder_message(row: DeadlineReminder) -> EmailMessage:
    deadline, user = row.deadline, row.user
    case, ruling = deadline.case, deadline.ruling
    language = member_language(user)
    with translation.override(language):
        if row.offset_days == 0:
            when = _("today")
        else:
            when = ngettext("in %(count)d day", "in %(count)d days", row.offset_days) % {"count": row.offset_days}
        court = ruling.court
        # The rule table (deadlines/rules.py) is in English; its Russian wording is in the
        # dossier's catalogue (documents/dossier/labels.py), shared here so both say the same.
        rule_title = pgettext("dossier: Deadline.rule_title", deadline.rule_title)
        context: dict[str, Any] = {
            "deadline": deadline,
            "rule_title": rule_title,
            "trigger_label": pgettext("dossier: Deadline.trigger_label", deadline.trigger_label)
            if deadline.trigger_label
            else "",
            "case": case,
            "case_title": content_text(case, "title", language),
            "case_parties": case_parties_text(case, language),
            "when": when,
            "due_on": _date(deadline.due_on),
            "computed_due_on": _date(deadline.computed_due_on),
            "trigger_on": _date(deadline.trigger_on),
            "decided_on": _date(ruling.decided_on),
            "ruling_court": content_text(court, "name", language),
            "case_link": f"{settings.SITE_BASE_URL}{reverse('web:case_detail', args=[case.slug])}#deadlines",
            "settings_url": f"{settings.SITE_BASE_URL}{reverse('reminders:member-settings')}",
            "organization": localized(case.organization, "name", language).text,
            "explanation": deadline.explanation_sentences,
        }
        # Translators: "when" is "today" or "in 2 days".
        subject = _("Deadline %(when)s: %(rule)s in %(title)s, due %(due_on)s") % {
            "when": when,
            "rule": rule_title,
            "title": localized(case, "title", language).text,
            "due_on": context["due_on"],
        }
        body = render_to_string("reminders/email/deadline_reminder.txt", context)
        action_label = _("Open the case's deadlines")
    message = email_with_html(
        subject=subject,
        body=body,
        to=user.email,
        language=language,
        action_url=context["case_link"],
        action_label=action_label,
        headers={
            # Stable per row and generation: a copy re-sent after a crash is recognisably the same message.
            "Message-ID": f"<deadline-reminder-{row.pk}.{row.generation}@{site_domain()}>",
            "Auto-Submitted": "auto-generated",  # RFC 3834: no vacation auto-replies
            "Content-Language": language,
        },
    )
    name = localized(case, "title", language).text
    ics = hearings_calendar([], deadlines=[deadline], name=name, method="PUBLISH", language=language)
    message.attach("deadline.ics", ics, "text/calendar; charset=utf-8; method=PUBLISH")
    return message


# --- Members' settings and private feed ---------------------------------------------------------


@transaction.atomic
def member_settings_get(*, user: User) -> MemberReminderSettings:
    member_settings, _created = MemberReminderSettings.objects.get_or_create(user=user)
    return member_settings


@transaction.atomic
def member_settings_update(*, user: User, language: str) -> MemberReminderSettings:
    from django.core.exceptions import ValidationError

    if language not in ("", *Subscription.Language.values):
        raise ValidationError({"language": f"Choose one of: {', '.join(Subscription.Language.values)}."})
    member_settings = MemberReminderSettings.objects.select_for_update().filter(user=user).first()
    member_settings = member_settings or MemberReminderSettings(user=user)
    member_settings.language = language
    member_settings.save()
    return member_settings


@transaction.atomic
def member_feed_token_reset(*, user: User) -> MemberReminderSettings:
    """A new secret address for the member's calendar feed; the old one stops working at once."""
    from reminders.models import new_token

    member_settings = member_settings_get(user=user)
    member_settings.feed_token = new_token()
    member_settings.save(update_fields=["feed_token", "updated_at"])
    return member_settings


def deadline_reminder_recipients_organizations(*, user: User) -> list[str]:
    """The organizations whose deadline reminders this user receives (as a lawyer or owner)."""
    if not user.email:
        return []
    return list(
        Membership.objects.filter(user=user, role__in=RECIPIENT_ROLES)
        .order_by("organization__name")
        .values_list("organization__name", flat=True)
    )
