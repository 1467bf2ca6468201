"""The court watch on the case page: a docket's card to watch (add, change, pause, resume,
check now, stop), and the changes it shows, accepted or dismissed with one click each. Members
see them; lawyers and owners act. Every write calls `courtwatch.services`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.models import Docket
from cases.services import VersionConflict
from courtwatch import services
from courtwatch.models import CourtUpdate, CourtWatch
from web.forms import CourtWatchForm, apply_service_errors
from web.views.common import member_case


def _back(case_slug: str, anchor: str = "court-watch") -> HttpResponse:
    return redirect(reverse("web:case_detail", args=[case_slug]) + f"#{anchor}")


@login_required
@require_http_methods(["GET", "POST"])
def court_watch_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Watch a docket's card, or change the watch's address or `auto_apply`."""
    docket = get_object_or_404(Docket.objects.select_related("case", "court"), pk=pk, case__slug=slug)
    case = member_case(request, docket.case, write=True)
    watch = CourtWatch.objects.filter(docket=docket).first()
    initial = {"url": watch.url, "auto_apply": watch.auto_apply, "version": watch.version} if watch else {}
    form = CourtWatchForm(request.POST or None, initial=initial)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if watch is None:
                services.watch_create(
                    case=case, court=docket.court, url=data["url"], auto_apply=data["auto_apply"], actor=request.user
                )
                done = _("The court's card is watched; its first reading is due now.")
            else:
                services.watch_update(
                    watch=watch,
                    url=data["url"],
                    auto_apply=data["auto_apply"],
                    expected_version=data["version"],
                    actor=request.user,
                )
                done = _("Watch saved.")
        except VersionConflict:
            # Saved by someone else since the form was loaded: nothing written; the form keeps
            # the input with the current version, so saving again is a deliberate choice.
            watch = CourtWatch.objects.get(docket=docket)
            form = CourtWatchForm({**request.POST.dict(), "version": watch.version})
            form.is_valid()
            form.add_error(None, _("Someone changed this watch after you opened it: check it below and save again."))
            status = 409
        except ValidationError as exc:
            apply_service_errors(form, exc)
            status = 400
        else:
            messages.success(request, done)
            return _back(case.slug)
    else:
        status = 400 if form.is_bound else 200
    return render(
        request,
        "web/court_watch_form.html",
        {"case": case, "docket": docket, "watch": watch, "form": form},
        status=status,
    )


def _watch_action(
    request: HttpRequest, slug: str, pk: int, action: Callable[..., Any], done: str, **kwargs: Any
) -> HttpResponse:
    watch = get_object_or_404(CourtWatch.objects.select_related("docket__case"), pk=pk, docket__case__slug=slug)
    case = member_case(request, watch.docket.case, write=True)
    try:
        action(watch=watch, actor=request.user, **kwargs)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, done)
    return _back(case.slug)


@login_required
@require_POST
def court_watch_pause(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _watch_action(request, slug, pk, services.watch_pause, _("Watch paused: the card is not read."))


@login_required
@require_POST
def court_watch_resume(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _watch_action(request, slug, pk, services.watch_resume, _("Watch resumed."))


@login_required
@require_POST
def court_watch_check(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _watch_action(
        request, slug, pk, services.watch_check_now, _("The card will be read at the next round, in a minute or so.")
    )


@login_required
@require_POST
def court_watch_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _watch_action(
        request, slug, pk, services.watch_delete, _("The card is no longer watched; its open proposals are gone.")
    )


def _update(request: HttpRequest, slug: str, pk: int) -> CourtUpdate:
    update = get_object_or_404(
        CourtUpdate.objects.select_related("case", "hearing__court", "watch__docket__court"), pk=pk, case__slug=slug
    )
    member_case(request, update.case, write=True)
    return update


@login_required
@require_POST
def court_update_apply(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    update = _update(request, slug, pk)
    try:
        applied = services.update_apply(update=update, actor=request.user)
    except services.UpdateConflict as exc:
        return render(
            request,
            "web/court_update_conflict.html",
            {"case": update.case, "update": update, "hearing": exc.current, "message": str(exc)},
            status=409,
        )
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return _back(update.case.slug)
    messages.success(request, _("Accepted: the hearing is updated as the court's card says."))
    return _back(update.case.slug, f"hearing-{applied.hearing_id}")


@login_required
@require_POST
def court_update_dismiss(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    update = _update(request, slug, pk)
    try:
        services.update_dismiss(update=update, actor=request.user)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("Dismissed: the card's same entry will not be proposed again."))
    return _back(update.case.slug)
