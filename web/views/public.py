"""Pages for anyone: public cases only, public names only, no private notes or contact details.
Their language follows the browser's preference unless the visitor picked one."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from cases.content import localized
from cases.models import Hearing
from cases.redaction import mark, redactor_for
from reminders.calendar import ical_text
from web import selectors
from web.timeline import case_timeline


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:dashboard")
    return redirect("web:public_case_list")


def public_case_list(request: HttpRequest) -> HttpResponse:
    return render(request, "public/case_list.html", {"cases": selectors.public_cases()})


def public_case(request: HttpRequest, slug: str) -> HttpResponse:
    case = selectors.case_for_page(slug=slug, public_only=True)
    if case is None:
        raise Http404(_("No such public case."))
    return render(
        request,
        "public/case_detail.html",
        {
            "case": case,
            "timeline": case_timeline(case),
            "next_hearing": selectors.next_hearing(case=case),
            "parties": [p for p in case.parties.all() if p.public_name],
        },
    )


def public_hearing_ics(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One hearing as an iCalendar file: 'add to calendar' without any account."""
    hearing = get_object_or_404(
        Hearing.objects.select_related("case", "court"), pk=pk, case__slug=slug, case__is_public=True
    )
    mark(redactor_for(hearing.case.parties.all()), hearing.case)
    calendar = Calendar()
    calendar.add("prodid", "-//Privacy litigation case tracker//EN")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"hearing-{hearing.pk}@{request.get_host().split(':')[0]}")
    event.add("dtstamp", timezone.now())
    court = hearing.court
    if hearing.time_to_be_confirmed:
        event.add("dtstart", hearing.starts_at.astimezone(court.time_zone).date())
    else:
        event.add("dtstart", hearing.starts_at)
        event.add("duration", dt.timedelta(minutes=hearing.duration_minutes))
    event.add("summary", ical_text(_("Hearing: %(case)s") % {"case": localized(hearing.case, "title").text}))
    event.add("location", ical_text(", ".join(part for part in (court.name, hearing.courtroom, court.address) if part)))
    event.add("url", settings.SITE_BASE_URL + reverse("web:public_case", args=[hearing.case.slug]))
    if hearing.status != Hearing.Status.SCHEDULED:
        event.add("status", "CANCELLED" if hearing.status == Hearing.Status.CANCELLED else "TENTATIVE")
    calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hearing-{hearing.pk}.ics"'
    return response
