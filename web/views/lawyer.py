"""The lawyer's pages: dashboard, cases, a case, and the hearing / ruling / appeal actions.
Every write calls a service (`actions`, `cases.services`); a `ValidationError` goes back on the form,
a `VersionConflict` shows the current values and saves nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accesslog.models import AccessRecord
from accesslog.selectors import organizations_with_readable_log
from accesslog.services import access_log_record, case_read_entries
from actions import appeals as appeal_actions
from actions import deadlines as deadline_actions
from actions import hearings as hearing_actions
from actions import rulings as ruling_actions
from cases import services
from cases.models import Case, Hearing, Ruling
from cases.selectors import case_user_can_write, case_user_is_member, cases_of_member
from courtwatch.selectors import court_updates_open
from deadlines.models import Deadline
from deadlines.selectors import deadlines_for_case
from web import selectors
from web.forms import (
    AppealForm,
    CaseFilterForm,
    DashboardFilterForm,
    DeadlineCloseForm,
    DeadlineOverrideForm,
    HearingForm,
    HearingOutcomeForm,
    HearingReasonForm,
    HearingRescheduleForm,
    RulingForm,
    apply_service_errors,
    court_local_datetime,
)
from web.timeline import case_timeline
from web.views.common import member_case, warn_hidden_names

CASES_PER_PAGE = 25


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=timezone.get_current_timezone())


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    my_cases = cases_of_member(user=request.user)
    form = DashboardFilterForm(request.GET or None)
    form.fields["case"].queryset = my_cases.order_by("title")  # type: ignore[attr-defined]
    form.fields["court"].queryset = selectors.courts_in_use(cases=my_cases)  # type: ignore[attr-defined]
    filters: dict[str, Any] = {}
    deadline_filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "case": data["case"],
            "court": data["court"],
            "date_from": _day_start(data["date_from"]) if data["date_from"] else None,
            # The range includes its last day.
            "date_to": _day_start(data["date_to"] + dt.timedelta(days=1)) if data["date_to"] else None,
        }
        # Deadlines are days in law: compared as dates, never shifted through a time zone.
        deadline_filters = {**filters, "date_from": data["date_from"], "date_to": data["date_to"]}
    board = selectors.dashboard_hearings(user=request.user, **filters)
    deadlines = selectors.dashboard_deadlines(user=request.user, **deadline_filters)
    return render(
        request,
        "web/dashboard.html",
        {
            "form": form,
            "board": board,
            "deadlines": deadlines,
            "filtered": bool(filters),
            "owns_an_organization": organizations_with_readable_log(user=request.user).exists(),
        },
        status=400 if form.errors else 200,  # e.g. ?date_to=9999-12-31: the form says why
    )


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    my_cases = cases_of_member(user=request.user)
    form = CaseFilterForm(request.GET or None)
    form.fields["court"].queryset = selectors.courts_in_use(cases=my_cases)  # type: ignore[attr-defined]
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "search": data["q"].strip(),
            "status": data["status"],
            "court": data["court"],
            "tag": data["tag"],
            "visibility": data["visibility"],
        }
    cases = selectors.case_list(user=request.user, **filters)
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    template = "web/_case_rows.html" if request.htmx else "web/case_list.html"  # type: ignore[attr-defined]
    return render(request, template, {"form": form, "page": page, "filtered": bool(filters)})


@login_required
def case_detail(request: HttpRequest, slug: str) -> HttpResponse:
    case = selectors.case_for_page(slug=slug)
    if case is None or not case_user_is_member(user=request.user, case=case):
        if case is not None and case.is_public:
            return redirect("web:public_case", slug=case.slug)
        raise Http404(_("No such case."))
    hearings = sorted(case.hearings.all(), key=lambda h: h.starts_at)
    # The page shows the private notes and every party's contact details: on record.
    access_log_record(
        request=request,
        channel=AccessRecord.Channel.WEB,
        entries=case_read_entries(case=case, parties=list(case.parties.all())),
    )
    # Members only (checked above): a deadline shows the case's strategy, even on a public case.
    deadlines = list(deadlines_for_case(case=case, include_void=True))
    # Members only too: the dockets' court watches (in the dockets' query) and, when one is
    # watched, the changes its card shows (a watch's proposals go with it: none without one).
    court_watch_rows = [(docket, getattr(docket, "watch", None)) for docket in case.dockets.all()]
    watched = any(watch is not None for _docket, watch in court_watch_rows)
    return render(
        request,
        "web/case_detail.html",
        {
            "case": case,
            "can_write": case_user_can_write(user=request.user, case=case),
            "timeline": case_timeline(case, deadlines=[d for d in deadlines if d.state != Deadline.State.VOID]),
            "deadlines": deadlines,
            "today": timezone.localdate(),
            "hearings": hearings,
            "open_statuses": selectors.OPEN_HEARING,
            "now": timezone.now(),
            "next_hearing": selectors.next_hearing(case=case),
            "court_watch_rows": court_watch_rows,
            "court_updates": list(court_updates_open(case=case)) if watched else [],
        },
    )


def _case_url(case: Case, anchor: str = "") -> str:
    return reverse("web:case_detail", args=[case.slug]) + (f"#{anchor}" if anchor else "")


@login_required
@require_http_methods(["GET", "POST"])
def hearing_create(request: HttpRequest, slug: str) -> HttpResponse:
    case = member_case(request, Case.objects.filter(slug=slug).first(), write=True)
    form = HearingForm(request.POST or None, initial={"court": selectors.case_default_court(case=case)})
    if form.is_valid():
        try:
            hearing = hearing_actions.hearing_schedule(case=case, actor=request.user, **form.service_fields())
        except ValidationError as exc:
            apply_service_errors(form, exc, {"starts_at": "date"})
        else:
            messages.success(request, _("Hearing logged."))
            warn_hidden_names(request, case)
            return redirect(_case_url(case, f"hearing-{hearing.pk}"))
    status = 400 if form.is_bound else 200
    return render(request, "web/hearing_form.html", {"case": case, "form": form, "hearing": None}, status=status)


def _hearing(request: HttpRequest, slug: str, pk: int) -> Hearing:
    hearing = get_object_or_404(Hearing.objects.select_related("case", "court"), pk=pk, case__slug=slug)
    member_case(request, hearing.case, write=True)
    return hearing


def _conflict(request: HttpRequest, hearing: Hearing, form: Any, template: str, **context: Any) -> HttpResponse:
    """Someone saved this hearing since the form was loaded: nothing was written. Show what it
    is now; the form keeps the user's input and carries the current version, so saving again
    is a deliberate choice made with the current values in view."""
    current = Hearing.objects.select_related("court", "case").get(pk=hearing.pk)
    data = form.data.copy()
    data["version"] = str(current.version)
    form = type(form)(data, **context.pop("form_kwargs", {}))
    form.is_valid()
    return render(
        request,
        template,
        {"case": current.case, "hearing": current, "form": form, "conflict": current, **context},
        status=409,
    )


@login_required
@require_http_methods(["GET", "POST"])
def hearing_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    hearing = _hearing(request, slug, pk)
    form = HearingForm(request.POST or None, initial=HearingForm.initial_for(hearing), new=False)
    if form.is_valid():
        try:
            hearing_actions.hearing_update(
                hearing=hearing,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **form.service_fields(),
            )
        except services.VersionConflict:
            return _conflict(request, hearing, form, "web/hearing_form.html", form_kwargs={"new": False})
        except ValidationError as exc:
            apply_service_errors(form, exc, {"starts_at": "date"})
        else:
            messages.success(request, _("Hearing saved."))
            warn_hidden_names(request, hearing.case)
            return redirect(_case_url(hearing.case, f"hearing-{hearing.pk}"))
    status = 400 if form.is_bound else 200
    return render(
        request, "web/hearing_form.html", {"case": hearing.case, "form": form, "hearing": hearing}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def hearing_reschedule(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    hearing = _hearing(request, slug, pk)
    form = HearingRescheduleForm(request.POST or None, initial={"version": hearing.version})
    if form.is_valid():
        data = form.cleaned_data
        try:
            hearing_actions.hearing_reschedule(
                hearing=hearing,
                starts_at=court_local_datetime(data["date"], data["time"], hearing.court),
                time_to_be_confirmed=data["time"] is None,
                reason=data["reason"],
                reason_is_public=data["reason_is_public"],
                actor=request.user,
                expected_version=data["version"],
            )
        except services.VersionConflict:
            return _conflict(request, hearing, form, "web/hearing_reschedule.html")
        except ValidationError as exc:
            apply_service_errors(form, exc, {"starts_at": "date"})
        else:
            messages.success(request, _("Hearing rescheduled; the earlier date is kept on the timeline."))
            warn_hidden_names(request, hearing.case)
            return redirect(_case_url(hearing.case, f"hearing-{hearing.pk}"))
    template = "web/_hearing_reschedule_form.html" if request.htmx else "web/hearing_reschedule.html"  # type: ignore[attr-defined]
    status = 400 if form.is_bound else 200
    return render(request, template, {"case": hearing.case, "hearing": hearing, "form": form}, status=status)


def _one_click(request: HttpRequest, slug: str, pk: int, action: str) -> HttpResponse:
    hearing = _hearing(request, slug, pk)
    form: HearingReasonForm | HearingOutcomeForm
    form = HearingOutcomeForm(request.POST) if action == "outcome" else HearingReasonForm(request.POST)
    if not form.is_valid():
        if "version" in form.errors:
            messages.error(request, _("The page was out of date; nothing was changed. Try again."))
        else:  # e.g. an unknown original language: say what was wrong, change nothing
            for errors in form.errors.values():
                for text in errors:
                    messages.error(request, str(text))
        return redirect(_case_url(hearing.case, f"hearing-{hearing.pk}"))
    data = form.cleaned_data
    common = {"hearing": hearing, "actor": request.user, "expected_version": data["version"]}
    try:
        if action == "cancel":
            hearing_actions.hearing_cancel(reason=data["reason"], reason_is_public=data["reason_is_public"], **common)
            done = _("Hearing cancelled.")
        elif action == "postpone":
            hearing_actions.hearing_postpone(reason=data["reason"], reason_is_public=data["reason_is_public"], **common)
            done = _("Hearing postponed; set the new date when the court gives it.")
        else:
            assert isinstance(form, HearingOutcomeForm)  # noqa: S101 (narrowing for mypy)
            hearing_actions.hearing_record_outcome(**form.translated_data(), **common)
            done = _("Outcome recorded; the hearing is marked as held.")
    except services.VersionConflict:
        current = Hearing.objects.select_related("court", "case").get(pk=hearing.pk)
        return render(
            request,
            "web/hearing_conflict.html",
            {"case": current.case, "hearing": current, "conflict": current},
            status=409,
        )
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, done)
        warn_hidden_names(request, hearing.case)
    return redirect(_case_url(hearing.case, f"hearing-{hearing.pk}"))


@login_required
@require_POST
def hearing_cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _one_click(request, slug, pk, "cancel")


@login_required
@require_POST
def hearing_postpone(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _one_click(request, slug, pk, "postpone")


@login_required
@require_POST
def hearing_outcome(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _one_click(request, slug, pk, "outcome")


@login_required
@require_http_methods(["GET", "POST"])
def ruling_create(request: HttpRequest, slug: str) -> HttpResponse:
    case = member_case(request, Case.objects.filter(slug=slug).first(), write=True)
    form = RulingForm(request.POST or None, initial={"court": selectors.case_default_court(case=case)})
    if form.is_valid():
        try:
            ruling = ruling_actions.ruling_record(case=case, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Ruling recorded."))
            case = warn_hidden_names(request, case)
            return redirect(_case_url(case, f"ruling-{ruling.pk}"))
    status = 400 if form.is_bound else 200
    return render(request, "web/ruling_form.html", {"case": case, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def appeal_create(request: HttpRequest, slug: str, ruling_pk: int) -> HttpResponse:
    # Four levels up covers district -> regional -> cassation -> supreme in one query.
    ruling = get_object_or_404(
        Ruling.objects.select_related("case", "court__appeals_to__appeals_to__appeals_to__appeals_to"),
        pk=ruling_pk,
        case__slug=slug,
    )
    case = member_case(request, ruling.case, write=True)
    courts, suggested = selectors.appeal_courts(ruling=ruling)
    form = AppealForm(request.POST or None, courts=courts, case=case, initial={"court": suggested})
    if form.is_valid():
        try:
            appeal = appeal_actions.appeal_file(case=case, ruling=ruling, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Appeal recorded."))
            case = warn_hidden_names(request, case)
            return redirect(_case_url(case, f"appeal-{appeal.pk}"))
    status = 400 if form.is_bound else 200
    return render(request, "web/appeal_form.html", {"case": case, "ruling": ruling, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def deadline_override(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A lawyer sets a deadline's date by hand (or goes back to the computed one), with the reason."""
    deadline = get_object_or_404(Deadline.objects.select_related("case", "ruling__court"), pk=pk, case__slug=slug)
    case = member_case(request, deadline.case, write=True)
    overridden = deadline.override_due_on is not None
    form = DeadlineOverrideForm(
        request.POST or None,
        overridden=overridden,
        initial={"version": deadline.version, "due_on": deadline.override_due_on},
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            deadline_actions.deadline_override(
                deadline=deadline,
                due_on=data["due_on"],
                reason=data["reason"],
                actor=request.user,
                expected_version=data["version"],
            )
        except services.VersionConflict:
            # Someone changed it since the form was loaded (an override, a recomputed ruling, a
            # filed appeal): nothing was written; show it as it is now, with the user's input kept.
            current = Deadline.objects.select_related("case", "ruling__court").get(pk=deadline.pk)
            post = request.POST.copy()
            post["version"] = str(current.version)
            form = DeadlineOverrideForm(post, overridden=current.override_due_on is not None)
            form.is_valid()
            return render(
                request,
                "web/deadline_override.html",
                {"case": case, "deadline": current, "form": form, "conflict": current},
                status=409,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, {"override_due_on": "due_on", "override_reason": "reason"})
        else:
            messages.success(
                request,
                _("Due date changed; the reason is kept in the history.")
                if data["due_on"]
                else _("Override removed; the computed date applies again."),
            )
            return redirect(_case_url(case, f"deadline-{deadline.pk}"))
    status = 400 if form.is_bound else 200
    return render(
        request, "web/deadline_override.html", {"case": case, "deadline": deadline, "form": form}, status=status
    )


@login_required
@require_POST
def deadline_close(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A lawyer closes an open deadline without filing (e.g. the client decided not to appeal), with the reason."""
    deadline = get_object_or_404(Deadline.objects.select_related("case"), pk=pk, case__slug=slug)
    case = member_case(request, deadline.case, write=True)
    form = DeadlineCloseForm(request.POST)
    if not form.is_valid():
        if "version" in form.errors:
            messages.error(request, _("The page was out of date; nothing was changed. Try again."))
        else:
            for errors in form.errors.values():
                for text in errors:
                    messages.error(request, str(text))
        return redirect(_case_url(case, f"deadline-{deadline.pk}"))
    try:
        deadline_actions.deadline_close(
            deadline=deadline,
            reason=form.cleaned_data["reason"],
            actor=request.user,
            expected_version=form.cleaned_data["version"],
        )
    except services.VersionConflict:
        messages.error(request, _("The page was out of date; nothing was changed. Try again."))
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("Deadline closed; the reason is kept in the history."))
    return redirect(_case_url(case, f"deadline-{deadline.pk}"))
