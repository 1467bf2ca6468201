"""Forms only parse and shape input; the rules are in `cases/services/`, whose
`ValidationError`s are put back next to the field they name (`apply_service_errors`)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from cases.content import localized
from cases.models import Appeal, Case, CaseEvent, Court, Hearing, Party, Ruling, Tag
from cases.services import CASE_EVENT_FIELDS, CASE_FIELDS, PARTY_FIELDS
from documents.models import Document, Dossier
from tracker.validation import event_date_validate
from web.language_fields import TranslatedFieldsForm, single_language_names
from web.middleware import known_zones


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class EventDateField(forms.DateField):
    """A day of a case's life: years 1900 to 2200, refused here before any service sees it."""

    default_validators = [event_date_validate]


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


def apply_service_errors(form: forms.Form, exc: ValidationError, field_map: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError on the form: per field where the form has that field,
    else at the top of the form."""
    field_map = field_map or {}
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = field_map.get(name, name)
            for error in errors:
                form.add_error(target if target in form.fields else None, error)
    else:
        form.add_error(None, exc)


class CourtChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Court) -> str:  # type: ignore[override]
        return f"{localized(obj, 'name')} ({obj.time_zone})"


def court_local_datetime(day: dt.date, time: dt.time | None, court: Court) -> dt.datetime:
    """A wall-clock time at the court, made aware in the court's zone (midnight when unknown)."""
    zone = court.time_zone if isinstance(court.time_zone, ZoneInfo) else ZoneInfo(str(court.time_zone))
    return dt.datetime.combine(day, time or dt.time(0, 0), tzinfo=zone)


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class HearingForm(VersionedForm):
    court = CourtChoiceField(label=_("Court"), queryset=Court.objects.order_by("name"))
    date = EventDateField(label=_("Date"), widget=DateInput())
    time = forms.TimeField(
        label=_("Time at the court"),
        required=False,
        widget=TimeInput(),
        help_text=_("In the court's own time zone (shown next to its name). Leave empty if not yet known."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Hearing.Kind.choices, initial=Hearing.Kind.MERITS)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=24 * 60, initial=60)
    courtroom = forms.CharField(label=_("Courtroom"), max_length=50, required=False)
    judge = forms.CharField(label=_("Judge"), max_length=200, required=False)
    notes = forms.CharField(
        label=_("Private notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Seen only by your organization."),
    )

    def __init__(self, *args: Any, new: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if new:
            self.fields["version"].required = False

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "court": data["court"],
            "starts_at": court_local_datetime(data["date"], data["time"], data["court"]),
            "time_to_be_confirmed": data["time"] is None,
            "kind": data["kind"],
            "duration_minutes": data["duration_minutes"],
            "courtroom": data["courtroom"],
            "judge": data["judge"],
            "notes": data["notes"],
        }

    @classmethod
    def initial_for(cls, hearing: Hearing) -> dict[str, Any]:
        local = hearing.starts_at.astimezone(hearing.court.time_zone)
        return {
            "version": hearing.version,
            "court": hearing.court,
            "date": local.date(),
            "time": None if hearing.time_to_be_confirmed else local.time(),
            "kind": hearing.kind,
            "duration_minutes": hearing.duration_minutes,
            "courtroom": hearing.courtroom,
            "judge": hearing.judge,
            "notes": hearing.notes,
        }


class HearingReasonForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        help_text=_("Seen by your organization only, unless you tick “Show the reason publicly”."),
    )
    reason_is_public = forms.BooleanField(
        label=_("Show the reason publicly"),
        required=False,
        help_text=_("On the public case page and the public dossier, for anyone to read."),
    )


class HearingRescheduleForm(HearingReasonForm):
    field_order = ["date", "time", "reason", "reason_is_public"]
    date = EventDateField(label=_("New date"), widget=DateInput())
    time = forms.TimeField(
        label=_("New time at the court"),
        required=False,
        widget=TimeInput(),
        help_text=_("In the court's time zone. Leave empty if not yet known."),
    )


class HearingOutcomeForm(TranslatedFieldsForm, VersionedForm):
    translated = ("outcome_notes",)

    outcome_notes = forms.CharField(label=_("What happened"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RulingForm(TranslatedFieldsForm):
    translated = ("summary",)

    court = CourtChoiceField(label=_("Court"), queryset=Court.objects.order_by("name"))
    decided_on = EventDateField(label=_("Decided on"), widget=DateInput())
    final_form_on = EventDateField(
        label=_("Decision in final form on"),
        required=False,
        widget=DateInput(),
        help_text=_("Appeal deadlines usually run from this date."),
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Ruling.Outcome.choices)
    judge = forms.CharField(label=_("Judge"), max_length=200, required=False)
    citation = forms.CharField(label=_("Citation"), max_length=120, required=False)
    summary = forms.CharField(label=_("Summary (public)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    in_force = forms.BooleanField(label=_("In legal force"), required=False)
    in_force_on = EventDateField(label=_("In force since"), required=False, widget=DateInput())
    notes = forms.CharField(label=_("Private notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AppealForm(TranslatedFieldsForm):
    translated = ("grounds",)

    court = CourtChoiceField(label=_("Court appealed to"), queryset=Court.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=Appeal.Kind.choices, initial=Appeal.Kind.APPEAL)
    status = forms.ChoiceField(label=_("Status"), choices=Appeal.Status.choices, initial=Appeal.Status.FILED)
    filed_on = EventDateField(
        label=_("Filed on"), required=False, widget=DateInput(), help_text=_("Leave empty for a planned appeal.")
    )
    appellant = forms.ModelChoiceField(label=_("Appellant"), queryset=Party.objects.none(), required=False)
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)
    grounds = forms.CharField(
        label=_("Grounds (public)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the appeal argues, in brief."),
    )
    notes = forms.CharField(label=_("Private notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, courts: list[Court], case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        court_field = self.fields["court"]
        assert isinstance(court_field, CourtChoiceField)  # noqa: S101 (narrowing for mypy)
        court_field.queryset = Court.objects.filter(pk__in=[c.pk for c in courts])
        # Keep the hierarchy's order (the next instance first), not the alphabet.
        court_field.choices = [("", "---------")] + [(c.pk, court_field.label_from_instance(c)) for c in courts]
        appellant = self.fields["appellant"]
        assert isinstance(appellant, forms.ModelChoiceField)  # noqa: S101
        appellant.queryset = case.parties.exclude(role=Party.Role.REPRESENTATIVE)


class DashboardFilterForm(forms.Form):
    case = forms.ModelChoiceField(
        label=_("Case"), queryset=Case.objects.none(), required=False, empty_label=_("Any case")
    )
    court = forms.ModelChoiceField(
        label=_("Court"), queryset=Court.objects.none(), required=False, empty_label=_("Any court")
    )
    date_from = EventDateField(label=_("From"), required=False, widget=DateInput())
    date_to = EventDateField(label=_("To"), required=False, widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end of the range is before its start."))
        return data


class CaseFilterForm(forms.Form):
    VISIBILITY = [("", _("Public and private")), ("public", _("Public")), ("private", _("Private"))]

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any status")), *Case.Status.choices], required=False)
    court = forms.ModelChoiceField(
        label=_("Court"), queryset=Court.objects.none(), required=False, empty_label=_("Any court")
    )
    tag = forms.ModelChoiceField(
        label=_("Tag"),
        queryset=Tag.objects.order_by("name"),
        required=False,
        to_field_name="slug",
        empty_label=_("Any tag"),
    )
    visibility = forms.ChoiceField(label=_("Visibility"), choices=VISIBILITY, required=False)


class TimeZoneForm(forms.Form):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=[])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [(name, name) for name in sorted(known_zones())]  # type: ignore[attr-defined]


class DeadlineOverrideForm(VersionedForm):
    due_on = EventDateField(
        label=_("New due date"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty to go back to the computed date."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the deadline's history, e.g. “the copy of the decision was served on 12 March”."),
    )

    def __init__(self, *args: Any, overridden: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.overridden = overridden

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "due_on" in data and data["due_on"] is None and not self.overridden:
            self.add_error("due_on", _("Give the new due date (this deadline has no override to remove)."))
        return data


class DeadlineCloseForm(VersionedForm):
    reason = forms.CharField(
        label=_("Why it is closed"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the deadline's history, e.g. “the client decided not to appeal”."),
    )


class DocumentForm(forms.Form):
    """Upload a document to a case; `documents.services.document_add` does the rest."""

    # Its own ids: it shares the case page with the dossier and hearing forms.
    AUTO_ID = "document_%s"

    title = forms.CharField(label=_("Title"), max_length=250)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(value, _(label)) for value, label in Document.Kind.choices if value != Document.Kind.DOSSIER],
        initial=Document.Kind.EXHIBIT,
    )
    date = EventDateField(label=_("Document date"), required=False, widget=DateInput())
    file = forms.FileField(label=_("File"))
    is_public = forms.BooleanField(label=_("Public (may appear in the public dossier)"), required=False)
    description = forms.CharField(
        label=_("Public description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    notes = forms.CharField(label=_("Private notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    @property
    def max_upload_mb(self) -> int:
        return int(settings.DOCUMENT_MAX_UPLOAD_MB)

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        limit = self.max_upload_mb
        if upload.size and upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB, the most this site accepts.") % {"limit": limit}
            )
        return upload

    def service_fields(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name] for name in ("title", "kind", "date", "is_public", "description", "notes")
        }


class DossierForm(forms.Form):
    AUTO_ID = "dossier_%s"

    edition = forms.ChoiceField(
        label=_("Edition"),
        choices=[(v, _(label)) for v, label in Dossier.Edition.choices],
        initial=Dossier.Edition.INTERNAL,
    )
    language = forms.ChoiceField(label=_("Language"), choices=[(v, _(label)) for v, label in Dossier.Language.choices])


# --- Editing a case, its parties and its timeline facts -------------------------------------


class CaseForm(TranslatedFieldsForm, VersionedForm):
    """The case's own details; `cases.services.case_update` checks the status transitions and
    the rest (a closed case has an outcome, a filed one its filing date, ...)."""

    translated = Case.translated_fields

    title = forms.CharField(label=_("Title"), max_length=250)
    summary = forms.CharField(label=_("Summary (public)"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    claims = forms.CharField(
        label=_("Claims"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the plaintiff asks the court for."),
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. 152-FZ; Constitution arts. 23-24; ECHR art. 8."),
    )
    proceeding = forms.ChoiceField(label=_("Proceeding"), choices=Case.Proceeding.choices)
    status = forms.ChoiceField(label=_("Status"), choices=Case.Status.choices)
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", _("None (the case is not closed)")), *Case.Outcome.choices],
        required=False,
        help_text=_("Only for a closed case."),
    )
    filed_on = EventDateField(label=_("Filed on"), required=False, widget=DateInput())
    is_public = forms.BooleanField(
        label=_("Public case"),
        required=False,
        help_text=_("Anyone may see a public case's page: its public facts, public names, hearings and rulings."),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=500,
        help_text=_("Separated by commas, e.g. facial recognition, 152-FZ."),
    )
    sources = forms.CharField(
        label=_("Sources"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Where the public facts come from, one per line."),
    )
    notes = forms.CharField(
        label=_("Private notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Seen only by your organization."),
    )

    # What `case_update` takes, but the organization and the slug (not edited here); the
    # translated fields come per language.
    SERVICE_FIELDS = tuple(
        name for name in single_language_names(CASE_FIELDS, Case) if name not in ("organization", "slug")
    )

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {name: data[name] for name in self.SERVICE_FIELDS}
        fields["tags"] = [name.strip() for name in data["tags"].split(",") if name.strip()]
        return {**fields, **self.translated_data()}

    @classmethod
    def initial_for(cls, case: Case) -> dict[str, Any]:
        initial = {name: getattr(case, name) for name in cls.SERVICE_FIELDS}
        initial["tags"] = ", ".join(tag.name for tag in case.tags.all())
        initial["version"] = case.version
        return {**initial, **cls.translated_initial(case)}


class PartyForm(TranslatedFieldsForm, VersionedForm):
    translated = Party.translated_fields

    role = forms.ChoiceField(label=_("Role"), choices=Party.Role.choices)
    kind = forms.ChoiceField(label=_("Person or organization"), choices=Party.Kind.choices, initial=Party.Kind.PERSON)
    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("Full name; shown publicly only with consent."))
    consent_to_publish = forms.BooleanField(
        label=_("Consents to the name being published"),
        required=False,
        help_text=_("Without consent the public page, feeds and public dossier show the alias instead."),
    )
    alias = forms.CharField(
        label=_("Public alias"),
        max_length=200,
        required=False,
        help_text=_("Shown publicly instead of the name when there is no consent, e.g. “Witness A”."),
    )
    represents = forms.ModelChoiceField(
        label=_("Represents"),
        queryset=Party.objects.none(),
        required=False,
        empty_label=_("Nobody (not a representative)"),
        help_text=_("For a representative: the party represented."),
    )
    description = forms.CharField(
        label=_("Public description"), max_length=300, required=False, help_text=_("E.g. “campaigner”.")
    )
    contact_email = forms.EmailField(label=_("Email (private)"), required=False)
    contact_phone = forms.CharField(label=_("Phone (private)"), max_length=50, required=False)
    contact_address = forms.CharField(
        label=_("Address (private)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    notes = forms.CharField(
        label=_("Private notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Contact details and notes are seen only by your organization."),
    )

    # What `party_add` / `party_update` take, but the case (fixed by the page); the translated
    # fields come per language.
    SERVICE_FIELDS = tuple(name for name in single_language_names(PARTY_FIELDS, Party) if name != "case")

    def __init__(self, *args: Any, case: Case, party: Party | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if party is None:
            self.fields["version"].required = False
        represents = self.fields["represents"]
        assert isinstance(represents, forms.ModelChoiceField)  # noqa: S101 (narrowing for mypy)
        others = case.parties.exclude(role=Party.Role.REPRESENTATIVE)
        represents.queryset = others.exclude(pk=party.pk) if party is not None else others

    def service_fields(self) -> dict[str, Any]:
        return {**{name: self.cleaned_data[name] for name in self.SERVICE_FIELDS}, **self.translated_data()}

    @classmethod
    def initial_for(cls, party: Party) -> dict[str, Any]:
        initial = {name: getattr(party, name) for name in cls.SERVICE_FIELDS}
        return {**initial, **cls.translated_initial(party), "version": party.version}


class CaseEventForm(TranslatedFieldsForm, VersionedForm):
    translated = CaseEvent.translated_fields

    occurred_on = EventDateField(
        label=_("Date"),
        widget=DateInput(),
        help_text=_("If only the month or the year is known, give its first day and choose the precision."),
    )
    precision = forms.ChoiceField(label=_("Precision of the date"), choices=CaseEvent.Precision.choices)
    title = forms.CharField(label=_("What happened"), max_length=250)
    description = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    source = forms.CharField(
        label=_("Source"),
        max_length=500,
        required=False,
        help_text=_("A link or a reference to where this is reported."),
    )
    is_confirmed = forms.BooleanField(
        label=_("Confirmed"), required=False, initial=True, help_text=_("Unconfirmed facts are marked as such.")
    )
    is_public = forms.BooleanField(
        label=_("Public"), required=False, initial=True, help_text=_("A private fact never leaves your organization.")
    )

    SERVICE_FIELDS = tuple(name for name in single_language_names(CASE_EVENT_FIELDS, CaseEvent) if name != "case")

    def __init__(self, *args: Any, new: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if new:
            self.fields["version"].required = False

    def service_fields(self) -> dict[str, Any]:
        return {**{name: self.cleaned_data[name] for name in self.SERVICE_FIELDS}, **self.translated_data()}

    @classmethod
    def initial_for(cls, event: CaseEvent) -> dict[str, Any]:
        initial = {name: getattr(event, name) for name in cls.SERVICE_FIELDS}
        return {**initial, **cls.translated_initial(event), "version": event.version}


class CourtWatchForm(forms.Form):
    """A docket's case card to watch; `courtwatch.services` checks the address is a court's."""

    # Its own ids: on the case page beside the hearing and document forms, once per docket.
    url = forms.URLField(
        label=_("Address of the case card"),
        max_length=1000,
        assume_scheme="https",
        help_text=_("The case's page on the court's website (sudrf.ru or mos-gorsud.ru), copied from the browser."),
    )
    auto_apply = forms.BooleanField(
        label=_("Apply new and moved hearings at once"),
        required=False,
        help_text=_("Otherwise each change the card shows waits here for a lawyer to accept it."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
