"""Pages for anyone: public cases only, public names only, no private notes or contact details.
Their language follows the browser's preference unless the visitor picked one."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from cases.content import localized
from cases.models import Hearing
from cases.redaction import read_as_outsider
from reminders.calendar import hearings_calendar
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
    """One hearing as an iCalendar file: 'add to calendar' without any account. The event is the
    case feed's (same UID, SEQUENCE and STATUS), so a calendar that has both holds it once."""
    hearing = get_object_or_404(
        Hearing.objects.select_related("case", "court"), pk=pk, case__slug=slug, case__is_public=True
    )
    read_as_outsider(hearing.case)
    body = hearings_calendar([hearing], name=localized(hearing.case, "title").text)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hearing-{hearing.pk}.ics"'
    return response
