"""Lawyers edit a case without the admin: its details, its parties and its timeline facts.
Every write goes through the services (`actions`, `cases.services`) with the form's version; a
stale save is refused (409) with the record's current values and the user's entries kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from actions import cases as case_actions
from cases import services
from cases.content import active_content_language, content_languages, supported_language
from cases.models import Case, CaseEvent, Party
from web.forms import CaseEventForm, CaseForm, PartyForm, apply_service_errors
from web.language_fields import language_name
from web.templatetags.web import day, fact_date
from web.views.common import member_case, warn_hidden_names


def _case_url(case: Case, anchor: str = "") -> str:
    return reverse("web:case_detail", args=[case.slug]) + (f"#{anchor}" if anchor else "")


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _in_each_language(record: models.Model, field: str, label: str) -> list[tuple[str, str]]:
    """A translated field's current text in every language, for the "someone saved first" box."""
    return [
        (f"{label} ({language_name(code)})", getattr(record, f"{field}_{code}", None) or "—")
        for code in content_languages()
    ]


def _case_facts(case: Case) -> list[tuple[str, str]]:
    return [
        *_in_each_language(case, "title", _("Title")),
        (_("Status"), f"{case.get_status_display()}" + (f": {case.get_outcome_display()}" if case.outcome else "")),
        (_("Filed on"), day(case.filed_on) if case.filed_on else "—"),
        (_("Public case"), _yes_no(case.is_public)),
        (_("Tags"), ", ".join(tag.name for tag in case.tags.all()) or "—"),
        *_in_each_language(case, "summary", _("Summary (public)")),
        *_in_each_language(case, "claims", _("Claims")),
        *_in_each_language(case, "legal_basis", _("Legal basis")),
        (_("Proceeding"), str(case.get_proceeding_display())),
        (_("Private notes"), case.notes or "—"),
    ]


def _party_facts(party: Party) -> list[tuple[str, str]]:
    return [
        *_in_each_language(party, "name", _("Name")),
        (_("Role"), str(party.get_role_display())),
        (_("Consents to the name being published"), _yes_no(party.consent_to_publish)),
        *_in_each_language(party, "alias", _("Public alias")),
        *_in_each_language(party, "description", _("Public description")),
        (_("Email (private)"), party.contact_email or "—"),
        (_("Phone (private)"), party.contact_phone or "—"),
        (_("Address (private)"), party.contact_address or "—"),
        (_("Private notes"), party.notes or "—"),
    ]


def _event_facts(event: CaseEvent) -> list[tuple[str, str]]:
    return [
        (_("Date"), fact_date(event.occurred_on, event.precision)),
        *_in_each_language(event, "title", _("What happened")),
        *_in_each_language(event, "description", _("Details")),
        (_("Source"), event.source or "—"),
        (_("Confirmed"), _yes_no(event.is_confirmed)),
        (_("Public"), _yes_no(event.is_public)),
    ]


def _edit(
    request: HttpRequest,
    *,
    case: Case,
    form: forms.Form,
    save: Callable[[dict[str, Any]], models.Model],
    title: str,
    done: str,
    anchor: Callable[[models.Model], str],
    record: models.Model | None = None,
    current: Callable[[], models.Model] | None = None,
    facts: Callable[[Any], list[tuple[str, str]]] | None = None,
    remake_form: Callable[[Any], forms.Form] | None = None,
    field_map: dict[str, str] | Callable[[], dict[str, str]] | None = None,
) -> HttpResponse:
    """One flow for the three editors: validate, call the service, put its errors next to the
    fields, or show the current values when someone saved first (nothing is written then)."""
    context: dict[str, Any] = {"case": case, "title": title, "record": record}
    if form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except services.VersionConflict:
            assert current is not None and facts is not None and remake_form is not None  # noqa: S101
            fresh = current()
            data = form.data.copy()  # type: ignore[attr-defined]
            data["version"] = str(fresh.version)  # type: ignore[attr-defined]
            form = remake_form(data)
            form.is_valid()
            return render(
                request,
                "web/record_form.html",
                {**context, "form": form, "conflict": facts(fresh), "record": fresh},
                status=409,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, field_map() if callable(field_map) else field_map)
        else:
            messages.success(request, done)
            case = warn_hidden_names(request, case)
            return redirect(_case_url(case, anchor(saved)))
    status = 400 if form.is_bound else 200
    return render(request, "web/record_form.html", {**context, "form": form}, status=status)


CASE_EDIT_TITLE = gettext_lazy("Edit the case")


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, slug: str) -> HttpResponse:
    case = member_case(request, Case.objects.filter(slug=slug).prefetch_related("tags").first(), write=True)
    form = CaseForm(request.POST or None, initial=CaseForm.initial_for(case))

    def save(data: dict[str, Any]) -> Case:
        fields = form.service_fields()
        return case_actions.case_update(case=case, actor=request.user, expected_version=data["version"], **fields)

    return _edit(
        request,
        case=case,
        form=form,
        save=save,
        title=str(CASE_EDIT_TITLE),
        done=_("Case saved."),
        anchor=lambda saved: "",
        record=case,
        current=lambda: Case.objects.prefetch_related("tags").get(pk=case.pk),
        facts=_case_facts,
        remake_form=lambda data: CaseForm(data),
    )


def party_errors(form: PartyForm) -> dict[str, str]:
    """A party's one rule across fields that the form can show (the model's constraint): no
    consent needs an alias. It belongs next to the alias in the original language, not at the top."""
    language = supported_language(form.cleaned_data.get("original_language")) or active_content_language()
    return {"__all__": f"alias_{language}"}


@login_required
@require_http_methods(["GET", "POST"])
def party_add(request: HttpRequest, slug: str) -> HttpResponse:
    case = member_case(request, Case.objects.filter(slug=slug).first(), write=True)
    form = PartyForm(request.POST or None, case=case)
    return _edit(
        request,
        case=case,
        form=form,
        save=lambda data: services.party_add(case=case, actor=request.user, **form.service_fields()),
        title=_("Add a party"),
        field_map=lambda: party_errors(form),
        done=_("Party added."),
        anchor=lambda saved: f"party-{saved.pk}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def party_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    party = get_object_or_404(Party.objects.select_related("case"), pk=pk, case__slug=slug)
    case = member_case(request, party.case, write=True)
    form = PartyForm(request.POST or None, case=case, party=party, initial=PartyForm.initial_for(party))
    return _edit(
        request,
        case=case,
        form=form,
        save=lambda data: services.party_update(
            party=party, actor=request.user, expected_version=data["version"], **form.service_fields()
        ),
        title=_("Edit the party"),
        field_map=lambda: party_errors(form),
        done=_("Party saved."),
        anchor=lambda saved: f"party-{saved.pk}",
        record=party,
        current=lambda: Party.objects.get(pk=party.pk),
        facts=_party_facts,
        remake_form=lambda data: PartyForm(data, case=case, party=party),
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_add(request: HttpRequest, slug: str) -> HttpResponse:
    case = member_case(request, Case.objects.filter(slug=slug).first(), write=True)
    form = CaseEventForm(request.POST or None)
    return _edit(
        request,
        case=case,
        form=form,
        save=lambda data: services.case_event_add(case=case, actor=request.user, **form.service_fields()),
        title=_("Add a fact to the timeline"),
        done=_("Fact added to the timeline."),
        anchor=lambda saved: f"fact-{saved.pk}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = get_object_or_404(CaseEvent.objects.select_related("case"), pk=pk, case__slug=slug)
    case = member_case(request, event.case, write=True)
    form = CaseEventForm(request.POST or None, new=False, initial=CaseEventForm.initial_for(event))
    return _edit(
        request,
        case=case,
        form=form,
        save=lambda data: services.case_event_update(
            event=event, actor=request.user, expected_version=data["version"], **form.service_fields()
        ),
        title=_("Edit the fact"),
        done=_("Fact saved."),
        anchor=lambda saved: f"fact-{saved.pk}",
        record=event,
        current=lambda: CaseEvent.objects.get(pk=event.pk),
        facts=_event_facts,
        remake_form=lambda data: CaseEventForm(data, new=False),
    )
