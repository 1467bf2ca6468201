"""Telling the case's lawyers that its court card could not be read (issue 23: after
COURT_WATCH_FAILURES_BEFORE_NOTICE failed rounds in a row, one email each, in their language;
not again until a round succeeds and a new run of failures begins)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from cases.content import localized
from courtwatch.models import CourtWatch
from courtwatch.selectors import watch_problem_detail
from reminders.calendar import content_text, site_domain
from reminders.deadline_reminders import deadline_reminder_recipients, member_language
from reminders.emails import DATETIME_FORMAT, email_with_html


def watch_failure_recipients(*, watch: CourtWatch) -> list[User]:
    """The lawyers and owners of the case's organization who can receive mail (the same people
    as the deadline reminders': those who act on the case)."""
    return list(deadline_reminder_recipients(case=watch.docket.case))


def watch_failure_notify(*, watch_id: int) -> int:
    """Send the notice if it is due (failed rounds enough, not sent in this run of failures);
    returns the messages sent. The watch's row is locked while sending, so a second run waits
    and then finds the notice sent; the run is marked sent in the same transaction."""
    with transaction.atomic():
        watch = (
            CourtWatch.objects.select_for_update(of=("self",))
            .select_related("docket__case__organization", "docket__court")
            .filter(
                pk=watch_id,
                failure_notice_sent_at__isnull=True,
                failures_in_a_row__gte=settings.COURT_WATCH_FAILURES_BEFORE_NOTICE,
            )
            .first()
        )
        if watch is None:
            return 0
        messages = [watch_failure_message(watch, user) for user in watch_failure_recipients(watch=watch)]
        if messages:
            with get_connection(fail_silently=False) as connection:
                connection.send_messages(messages)
        watch.failure_notice_sent_at = timezone.now()
        watch.save(update_fields=["failure_notice_sent_at"])
    return len(messages)


def _when(moment: dt.datetime | None, watch: CourtWatch) -> str:
    if moment is None:
        return _("never")
    local = moment.astimezone(watch.docket.court.time_zone)
    return formats.date_format(local, DATETIME_FORMAT)


def watch_failure_message(watch: CourtWatch, user: User) -> EmailMessage:
    docket = watch.docket
    case = docket.case
    language = member_language(user)
    with translation.override(language):
        case_title = content_text(case, "title", language)
        case_link = f"{settings.SITE_BASE_URL}{reverse('web:case_detail', args=[case.slug])}"
        context = {
            "case_title": case_title,
            "docket_number": docket.number,
            "court_name": content_text(docket.court, "name", language),
            "url": watch.url,
            "failures": watch.failures_in_a_row,
            "problem": watch.get_last_problem_display(),
            "detail": watch_problem_detail(watch),
            "last_checked": _when(watch.last_checked_at, watch),
            "last_success": _when(watch.last_success_at, watch),
            "next_check": _when(watch.next_check_at, watch),
            "case_link": case_link,
            "organization": localized(case.organization, "name", language).text,
        }
        subject = _("The court's case card could not be read: %(title)s, %(number)s") % {
            "title": localized(case, "title", language).text,
            "number": docket.number,
        }
        body = render_to_string("courtwatch/email/card_unreadable.txt", context)
        action_label = _("Open the case")
    since = int(watch.last_success_at.timestamp()) if watch.last_success_at else 0
    return email_with_html(
        subject=subject,
        body=body,
        to=user.email,
        language=language,
        action_url=case_link,
        action_label=action_label,
        headers={
            # One notice per run of failures (a run begins after a success): a copy re-sent after
            # a crash is recognisably the same message.
            "Message-ID": f"<court-watch-unreadable-{watch.pk}.{since}.{user.pk}@{site_domain()}>",
            "Auto-Submitted": "auto-generated",  # RFC 3834: no vacation auto-replies
            "Content-Language": language,
        },
    )
