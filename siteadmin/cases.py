"""The back office. Every admin write goes through `cases.services` (or `actions`, for a write
with consequences in other apps): a form is validated by the service's own checks
(`<record>_validate`, which writes nothing) and saved by one call of the service, so the admin
shows the same errors as the API and the pages, next to the field, and never a 500."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline
from simple_history.admin import SimpleHistoryAdmin

from actions import appeals as appeal_actions
from actions import cases as case_actions
from actions import courts as court_actions
from actions import hearings as hearing_actions
from actions import organizations as organization_actions
from actions import rulings as ruling_actions
from cases import services
from cases.admin_scope import (
    OrganizationScopedAdmin,
    ScopedInlineMixin,
    SharedAdmin,
    superuser_only,
    users_sharing_an_organization,
)
from cases.models import (
    Appeal,
    Case,
    CaseEvent,
    Court,
    Docket,
    Hearing,
    HearingReschedule,
    Membership,
    Organization,
    Party,
    Ruling,
    Tag,
)
from cases.redaction import hidden_name_warnings
from tracker.validation import event_date_validate


@dataclass(frozen=True)
class ServiceSet:
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., Any]
    instance_kwarg: str
    fields: tuple[str, ...]
    validate: Callable[..., None]  # what create or update would refuse, without writing


def _docket_save(*, actor: Any = None, docket: Docket | None = None, **fields: Any) -> Docket:
    if docket is not None:
        fields = {"case": docket.case, "court": docket.court, "number": docket.number, **fields}
        if fields["court"] != docket.court:
            services.docket_remove(docket=docket, actor=actor)
    return services.docket_set(actor=actor, **fields)


def _membership_save(*, actor: Any = None, membership: Membership | None = None, **fields: Any) -> Membership:
    if membership is not None:
        fields = {"organization": membership.organization, "user": membership.user, "role": membership.role, **fields}
        if fields["user"] != membership.user:
            organization_actions.membership_remove(membership=membership, actor=actor)
    fields.pop("expected_version", None)
    return organization_actions.membership_set(actor=actor, **fields)


SERVICES: dict[type[models.Model], ServiceSet] = {
    Organization: ServiceSet(
        services.organization_create,
        services.organization_update,
        services.organization_delete,
        "organization",
        services.ORGANIZATION_FIELDS,
        validate=services.organization_validate,
    ),
    Membership: ServiceSet(
        _membership_save,
        _membership_save,
        organization_actions.membership_remove,
        "membership",
        ("organization", "user", "role"),
        validate=services.membership_validate,
    ),
    Court: ServiceSet(
        services.court_create,
        court_actions.court_update,
        services.court_delete,
        "court",
        services.COURT_FIELDS,
        validate=services.court_validate,
    ),
    Case: ServiceSet(
        services.case_create,
        case_actions.case_update,
        services.case_delete,
        "case",
        services.CASE_FIELDS,
        validate=services.case_validate,
    ),
    Party: ServiceSet(
        services.party_add,
        services.party_update,
        services.party_delete,
        "party",
        services.PARTY_FIELDS,
        validate=services.party_validate,
    ),
    Hearing: ServiceSet(
        hearing_actions.hearing_schedule,
        hearing_actions.hearing_update,
        services.hearing_delete,
        "hearing",
        services.HEARING_FIELDS,
        validate=services.hearing_validate,
    ),
    Ruling: ServiceSet(
        ruling_actions.ruling_record,
        ruling_actions.ruling_update,
        services.ruling_delete,
        "ruling",
        services.RULING_FIELDS,
        validate=services.ruling_validate,
    ),
    Appeal: ServiceSet(
        appeal_actions.appeal_file,
        appeal_actions.appeal_update,
        appeal_actions.appeal_delete,
        "appeal",
        services.APPEAL_FIELDS,
        validate=services.appeal_validate,
    ),
    CaseEvent: ServiceSet(
        services.case_event_add,
        services.case_event_update,
        services.case_event_delete,
        "event",
        services.CASE_EVENT_FIELDS,
        validate=services.case_event_validate,
    ),
    Docket: ServiceSet(
        _docket_save,
        _docket_save,
        services.docket_remove,
        "docket",
        ("case", "court", "number"),
        validate=services.docket_validate,
    ),
}


# --- Case content in every language ---------------------------------------------------------


def _language_of(name: str) -> tuple[str, str] | None:
    """("title", "ru") for a per-language column "title_ru"; None for other field names."""
    base, _sep, code = name.rpartition("_")
    return (base, code) if base and code in {c for c, _label in settings.LANGUAGES} else None


def side_by_side(fields: Any) -> list[Any]:
    """Put a translated field's languages on one row (title_en | title_ru) in an admin fields list."""
    rows: list[Any] = []
    current_base = None
    for item in fields:
        split = _language_of(item) if isinstance(item, str) else None
        if split is not None and split[0] == current_base:
            rows[-1] = (*rows[-1], item)
            continue
        current_base = split[0] if split is not None else None
        rows.append((item,) if split is not None else item)
    return [row[0] if isinstance(row, tuple) and len(row) == 1 else row for row in rows]


def in_every_language(*names: str) -> list[str]:
    """Search fields: each translated field in each language's column."""
    return [f"{name}_{code}" for name in names for code, _label in settings.LANGUAGES]


class SideBySideLanguages:
    """django-modeltranslation's admin (one input per language), the languages of a field side
    by side on one row, and the record's original language among the fields."""

    class Media:
        css = {"all": ["cases/admin-languages.css"]}

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)  # type: ignore[misc]
        return [(name, {**options, "fields": side_by_side(options["fields"])}) for name, options in fieldsets]


class ServiceForm(forms.ModelForm):
    """A model form validated by the service's own checks (`<record>_validate`) and saved by the service."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Set by the inline formset for the parent's foreign key, which the form does not show.
    parent_fields: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parent_fields = {}
        for field in self.fields.values():
            if isinstance(field, forms.DateField | forms.DateTimeField | forms.SplitDateTimeField):
                # Next to the field, before clean() moves a time into the court's zone.
                field.validators.append(event_date_validate)
        for name in self.fields:
            if _language_of(name) and _language_of(name)[0] in getattr(self._meta.model, "translated_fields", ()):  # type: ignore[index]
                # One language is enough: the service refuses a required text missing in all of them.
                self.fields[name].required = False
        if "original_language" in self.fields:
            # A client that does not say keeps the record's language (a new one: the active language).
            self.fields["original_language"].required = False
            # Its default is callable (the active language), for which Django would also post a
            # hidden initial value; the record's own value is the initial here.
            self.fields["original_language"].show_hidden_initial = False
        # Kept on add forms too (empty there): the admin lays out every declared field.
        self.fields["expected_version"].initial = getattr(self.instance, "version", None) if self.instance.pk else None

    def service_kwargs(self) -> dict[str, Any]:
        spec = SERVICES[type(self.instance)]
        names = [n for n in spec.fields if n in self.cleaned_data]
        if self.instance.pk:
            names = [n for n in names if n in self.changed_data]
        kwargs: dict[str, Any] = {name: self.cleaned_data[name] for name in names}
        if not kwargs.get("original_language", True):
            del kwargs["original_language"]
        if not self.instance.pk:
            kwargs.update(self.parent_fields)
        if "tags" in self.cleaned_data and (not self.instance.pk or "tags" in self.changed_data):
            kwargs["tags"] = [tag.name for tag in self.cleaned_data["tags"]]
        return kwargs

    def run_service(self, *, actor: Any) -> Any:
        spec = SERVICES[type(self.instance)]
        kwargs = self.service_kwargs()
        if not self.instance.pk:
            return spec.create(actor=actor, **kwargs)
        if hasattr(self.instance, "version"):
            kwargs["expected_version"] = self.cleaned_data.get("expected_version")
        return spec.update(actor=actor, **{spec.instance_kwarg: self.instance}, **kwargs)

    def _per_language(self, exc: ValidationError) -> ValidationError:
        """A service's error on a translated field (``name``) goes next to its input in the record's
        original language (``name_ru``): the form has no input named ``name``."""
        if not hasattr(exc, "error_dict"):
            return exc
        language = self.cleaned_data.get("original_language") or getattr(self.instance, "original_language", "")
        remapped = {}
        for name, errors in exc.error_dict.items():
            column = f"{name}_{language}"
            remapped[column if name not in self.fields and column in self.fields else name] = errors
        return ValidationError(remapped)

    def validate_service(self) -> None:
        """Check what the service would refuse, without writing: the service itself runs once, on save."""
        spec = SERVICES[type(self.instance)]
        kwargs = self.service_kwargs()
        if not self.instance.pk:
            spec.validate(**kwargs)
            return
        if hasattr(self.instance, "version"):
            kwargs["expected_version"] = self.cleaned_data.get("expected_version")
        spec.validate(**{spec.instance_kwarg: self.instance}, **kwargs)

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        if self.errors or not getattr(self, "parent_ready", True):
            return
        try:
            self.validate_service()
        except ValidationError as exc:
            self._update_errors(self._per_language(exc))  # type: ignore[attr-defined]
        except services.VersionConflict as exc:
            self.add_error(None, str(exc))


class HearingForm(ServiceForm):
    """Hearing times are typed and shown in the court's own zone, whatever the viewer's zone."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].help_text = "In the court's time zone."
        if self.instance.pk:
            local = self.instance.starts_at.astimezone(self.instance.court.time_zone)
            self.initial["starts_at"] = local.replace(tzinfo=None)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts_at, court = cleaned.get("starts_at"), cleaned.get("court") or getattr(self.instance, "court", None)
        if starts_at is not None and court is not None:
            wall_clock = timezone.make_naive(starts_at)  # the form read it in the active zone
            cleaned["starts_at"] = timezone.make_aware(wall_clock, court.time_zone)
        return cleaned


class ServiceInlineFormSet(forms.BaseInlineFormSet):
    def _construct_form(self, i: int, **kwargs: Any) -> forms.Form:
        form = super()._construct_form(i, **kwargs)  # type: ignore[misc]
        if isinstance(form, ServiceForm):
            form.parent_fields = {self.fk.name: self.instance}
            # A new parent does not exist yet; its children are validated when they are saved.
            form.parent_ready = self.instance.pk is not None  # type: ignore[attr-defined]
        return form


def _version_shown(value: Any) -> dict[str, int]:
    """The version the page showed, for a delete checked like an edit (none: a record without versions)."""
    return {"expected_version": int(value)} if value not in (None, "") and str(value).isdigit() else {}


class ServiceAdminMixin:
    """Admin writes through services; organization scoping for staff who are not superusers."""

    form = ServiceForm
    # The delete page posts the version it showed: a stale delete is refused like a stale edit.
    delete_confirmation_template = "admin/delete_versioned_confirmation.html"

    def save_model(self, request: HttpRequest, obj: Any, form: ServiceForm, change: bool) -> None:
        if change and not form.has_changed():
            return  # only inline rows changed: the parent is not rewritten (its version stays)
        saved = form.run_service(actor=request.user)
        obj.pk = saved.pk
        obj.__dict__.update({k: v for k, v in saved.__dict__.items() if not k.startswith("_")})

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        spec = SERVICES[type(obj)]
        spec.delete(
            actor=request.user, **{spec.instance_kwarg: obj}, **_version_shown(request.POST.get("expected_version"))
        )

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        # The "delete selected" action too goes through the services (change feed, reminders).
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Many-to-many fields (tags) were saved by the service; only the inlines remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        self.warn_hidden_names(request, form.instance)

    def warn_hidden_names(self, request: HttpRequest, obj: Any) -> None:
        """Not a refusal: a public case whose text names a party without consent is saved, and
        the lawyer told that outsiders read the alias there (cases/redaction.py)."""
        case = obj if isinstance(obj, Case) else getattr(obj, "case", None)
        if not isinstance(case, Case) or case.pk is None:
            return
        case.refresh_from_db(fields=["slug", "is_public"])
        for text in hidden_name_warnings(case=case):
            messages.warning(request, text)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # The admin's change message reads these three lists.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            if not isinstance(inline_form, ServiceForm):
                continue  # read-only inlines (reschedules) are written by services only
            instance = inline_form.instance
            spec = SERVICES[type(instance)]
            if formset._should_delete_form(inline_form):
                if instance.pk:
                    shown = _version_shown(inline_form.cleaned_data.get("expected_version"))
                    spec.delete(actor=request.user, **{spec.instance_kwarg: instance}, **shown)
                    formset.deleted_objects.append(instance)
                continue
            if not inline_form.has_changed():
                continue
            if instance.pk:
                formset.changed_objects.append((inline_form.run_service(actor=request.user), inline_form.changed_data))
            else:
                inline_form.parent_fields = {formset.fk.name: formset.instance}
                formset.new_objects.append(inline_form.run_service(actor=request.user))

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().changeform_view(request, *args, **kwargs)  # type: ignore[misc]
        except (ValidationError, services.VersionConflict) as exc:
            # Only reachable when a parent and its inline rows change together in a way the
            # per-form checks could not see; the whole save was rolled back.
            text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            messages.error(request, f"Nothing was saved: {text}")
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().delete_view(request, *args, **kwargs)  # type: ignore[misc]
        except (ValidationError, services.VersionConflict) as exc:
            text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            messages.error(request, f"Nothing was deleted: {text}")
            return HttpResponseRedirect(request.get_full_path())


class CaseScopedMixin(OrganizationScopedAdmin, ServiceAdminMixin):
    """Staff see the records of their organizations' cases and change those where they are
    lawyers or owners (cases/admin_scope.py)."""

    scope_organization = "case__organization"


class ServiceInline(ScopedInlineMixin, admin.StackedInline):
    form = ServiceForm
    formset = ServiceInlineFormSet
    extra = 0
    show_change_link = True


class TranslatedServiceInline(ScopedInlineMixin, SideBySideLanguages, TranslationStackedInline):  # type: ignore[misc]
    form = ServiceForm
    formset = ServiceInlineFormSet
    extra = 0
    show_change_link = True


class DocketInline(ServiceInline):
    model = Docket
    fields = ["court", "number"]
    extra = 0


class PartyInline(TranslatedServiceInline):
    model = Party
    fk_name = "case"
    fields = [  # type: ignore[assignment]
        ("role", "kind", "original_language"),
        "name",
        "alias",
        "consent_to_publish",
        "represents",
        "description",
        ("contact_email", "contact_phone"),
    ]


class CaseEventInline(TranslatedServiceInline):
    model = CaseEvent
    fields = [
        ("occurred_on", "precision", "original_language"),
        "title",
        "description",
        "source",
        ("is_confirmed", "is_public"),
    ]


class HearingInline(TranslatedServiceInline):
    model = Hearing
    form = HearingForm
    fields = [
        ("court", "kind", "status", "original_language"),
        ("starts_at", "time_to_be_confirmed", "duration_minutes"),
        ("courtroom", "judge"),
        "outcome_notes",
    ]


class RulingInline(TranslatedServiceInline):
    model = Ruling
    fields = [
        ("court", "outcome", "original_language"),
        ("decided_on", "final_form_on"),
        ("in_force", "in_force_on"),
        ("judge", "citation"),
        "summary",
    ]


class AppealInline(TranslatedServiceInline):
    model = Appeal
    fk_name = "case"
    fields = [
        ("ruling", "court", "kind", "status"),
        ("filed_on", "reference", "original_language"),
        ("appellant", "decided_by"),
        "grounds",
    ]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # Offer only this case's rulings and parties.
        case_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        if case_id and db_field.name in ("ruling", "decided_by"):
            kwargs["queryset"] = Ruling.objects.filter(case_id=case_id).select_related("court")
        if case_id and db_field.name == "appellant":
            kwargs["queryset"] = Party.objects.filter(case_id=case_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CaseAdmin(CaseScopedMixin, SideBySideLanguages, TranslationAdmin[Case], SimpleHistoryAdmin):  # type: ignore[misc]
    scope_organization = "organization"
    list_display = ["title", "organization", "status", "is_public", "filed_on", "next_hearing", "updated_at"]
    list_filter = ["status", "is_public", "proceeding", "organization", "tags", "hearings__court__jurisdiction"]
    search_fields = [
        *in_every_language("title", "summary"),
        "slug",
        *(f"parties__{name}" for name in in_every_language("name", "alias")),
        "dockets__number",
    ]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "filed_on"
    inlines = [DocketInline, PartyInline, CaseEventInline, HearingInline, RulingInline, AppealInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "organization",
                    "original_language",
                    "title",
                    "slug",
                    ("status", "outcome"),
                    ("proceeding", "filed_on"),
                    "is_public",
                    "tags",
                ]
            },
        ),
        ("The claim", {"fields": ["summary", "claims", "legal_basis"]}),
        ("Private to the organization", {"fields": ["notes", "sources"]}),
    ]
    filter_horizontal = ["tags"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("organization")

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        # A new case is saved first; its parties, hearings and rulings are added on its page.
        return super().get_inline_instances(request, obj) if obj is not None else []

    @admin.display(description="Next hearing")
    def next_hearing(self, obj: Case) -> str:
        hearing = (
            obj.hearings.filter(starts_at__gte=timezone.now(), status=Hearing.Status.SCHEDULED)
            .select_related("court")
            .order_by("starts_at")
            .first()
        )
        if hearing is None:
            return "-"
        return f"{hearing.starts_at_local:%Y-%m-%d %H:%M} ({hearing.court.time_zone})"


class DefaultChoiceListFilter(admin.SimpleListFilter):
    """A list filter that starts on `default` (e.g. upcoming hearings) instead of "all", and
    offers "all" as an explicit choice."""

    default = ""

    def value(self) -> str:
        return super().value() or self.default

    def choices(self, changelist: Any) -> Any:
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class WhenFilter(DefaultChoiceListFilter):
    title = "when"
    parameter_name = "when"
    default = "upcoming"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("upcoming", "Upcoming"), ("past", "Past"), ("all", "All")]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        now = timezone.now()
        if self.value() == "upcoming":
            return queryset.filter(starts_at__gte=now).order_by("starts_at")
        if self.value() == "past":
            return queryset.filter(starts_at__lt=now).order_by("-starts_at")
        return queryset


class HearingRescheduleInline(ScopedInlineMixin, admin.TabularInline):
    model = HearingReschedule
    fields = ["previous_starts_at", "new_starts_at", "reason", "reason_is_public", "changed_by", "changed_at"]
    readonly_fields = ["previous_starts_at", "new_starts_at", "reason", "reason_is_public", "changed_by", "changed_at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Hearing)
class HearingAdmin(CaseScopedMixin, SideBySideLanguages, TranslationAdmin[Hearing], SimpleHistoryAdmin):  # type: ignore[misc]
    form = HearingForm
    list_display = ["starts_at_in_court_zone", "case", "court", "kind", "status", "courtroom", "judge"]
    list_filter = [WhenFilter, "status", "kind", "court", "case"]
    search_fields = [
        *(f"case__{n}" for n in in_every_language("title")),
        *(f"court__{n}" for n in in_every_language("name")),
        "judge",
        "courtroom",
    ]
    list_select_related = ["case", "court"]
    inlines = [HearingRescheduleInline]
    autocomplete_fields = ["case", "court"]

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return super().get_inline_instances(request, obj) if obj is not None else []

    @admin.display(description="Starts (court's time)", ordering="starts_at")
    def starts_at_in_court_zone(self, obj: Hearing) -> str:
        text = (
            f"{obj.starts_at_local:%Y-%m-%d}" if obj.time_to_be_confirmed else f"{obj.starts_at_local:%Y-%m-%d %H:%M}"
        )
        return f"{text} {obj.court.time_zone}" + (" (time TBC)" if obj.time_to_be_confirmed else "")


class RulingAdmin(CaseScopedMixin, SideBySideLanguages, TranslationAdmin[Ruling], SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ["case", "court", "decided_on", "final_form_on", "outcome", "in_force"]
    list_filter = ["outcome", "in_force", "court"]
    search_fields = [
        *(f"case__{n}" for n in in_every_language("title")),
        *(f"court__{n}" for n in in_every_language("name")),
        "judge",
        "citation",
        *in_every_language("summary"),
    ]
    list_select_related = ["case", "court"]
    date_hierarchy = "decided_on"
    autocomplete_fields = ["case", "court"]


@admin.register(Appeal)
class AppealAdmin(CaseScopedMixin, SideBySideLanguages, TranslationAdmin[Appeal], SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ["case", "kind", "court", "status", "filed_on", "ruling", "decided_by"]
    list_filter = ["status", "kind", "court"]
    search_fields = [
        *(f"case__{n}" for n in in_every_language("title")),
        *(f"court__{n}" for n in in_every_language("name")),
        "reference",
    ]
    list_select_related = ["case", "court", "ruling__court", "decided_by__court"]
    autocomplete_fields = ["case", "court", "ruling", "decided_by", "appellant"]


@admin.register(Party)
class PartyAdmin(CaseScopedMixin, SideBySideLanguages, TranslationAdmin[Party], SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ["__str__", "case", "role", "kind", "consent_to_publish"]
    list_filter = ["role", "kind", "consent_to_publish"]
    search_fields = [*in_every_language("name", "alias"), *(f"case__{n}" for n in in_every_language("title"))]
    list_select_related = ["case"]
    autocomplete_fields = ["case", "represents"]


@admin.register(CaseEvent)
class CaseEventAdmin(CaseScopedMixin, SideBySideLanguages, TranslationAdmin[CaseEvent], SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ["occurred_on", "precision", "title", "case", "is_confirmed", "is_public"]
    list_filter = ["is_confirmed", "is_public"]
    search_fields = [*in_every_language("title", "description"), *(f"case__{n}" for n in in_every_language("title"))]
    autocomplete_fields = ["case"]


@admin.register(Court)
class CourtAdmin(SharedAdmin, ServiceAdminMixin, SideBySideLanguages, TranslationAdmin[Court], SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ["name", "name_local", "jurisdiction", "level", "city", "time_zone", "appeals_to"]
    list_filter = ["jurisdiction", "level"]
    search_fields = [*in_every_language("name"), "name_local", "city"]
    list_select_related = ["appeals_to"]
    autocomplete_fields = ["appeals_to"]


class MembershipInline(ScopedInlineMixin, admin.TabularInline):
    model = Membership
    form = ServiceForm
    formset = ServiceInlineFormSet
    extra = 0
    fields = ["user", "role"]
    autocomplete_fields = ["user"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "user":
            # An owner adds a person from outside the organization: any active account is a
            # valid choice, found by its exact username or address (ScopedUserAdmin's search).
            field.queryset = User.objects.filter(is_active=True)
        return field


@admin.register(Organization)
class OrganizationAdmin(  # type: ignore[misc]
    OrganizationScopedAdmin, ServiceAdminMixin, SideBySideLanguages, TranslationAdmin[Organization], SimpleHistoryAdmin
):
    scope_organization = "id"
    list_display = ["name", "slug", "website"]
    search_fields = in_every_language("name")
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]

    def writable(self, request: HttpRequest, obj: Any) -> bool:
        # Only an organization's owners change it and its members (lawyers write its cases).
        if request.user.is_superuser:
            return True
        owned = Membership.objects.filter(user=request.user, role=Membership.Role.OWNER)  # type: ignore[misc]
        return owned.filter(organization=obj).exists() if obj is not None else False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The owner's role is the permission here, whatever the user's model permissions.
        return request.user.is_superuser or (obj is not None and self.writable(request, obj))


@admin.register(Tag)
class TagAdmin(SharedAdmin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


# --- Accounts -------------------------------------------------------------------------------


class ScopedUserAdmin(OrganizationScopedAdmin, UserAdmin):
    """Staff read the accounts of the people they share an organization with (and their own);
    only superusers create, change or delete accounts (a staff user with `change_user` could
    otherwise make themselves a superuser)."""

    def scope_rows(self, user: Any, queryset: Any, *, writers_only: bool) -> Any:
        return queryset.filter(pk__in=users_sharing_an_organization(user))

    def writable(self, request: HttpRequest, obj: Any) -> bool:
        return bool(request.user.is_superuser)

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> tuple[Any, bool]:
        if request.user.is_superuser or not self._adding_a_member(request):
            return super().get_search_results(request, queryset, search_term)
        # An owner adding a member finds a person outside the organization only by their exact
        # username or address: no browsing of everyone's accounts.
        term = search_term.strip()
        found = User.objects.filter(
            models.Q(username__iexact=term) | models.Q(email__iexact=term), is_active=True
        ).order_by("username")
        return (found if term else User.objects.none()), False

    def _adding_a_member(self, request: HttpRequest) -> bool:
        if request.GET.get("app_label") != "cases" or request.GET.get("model_name") != "membership":
            return False
        return Membership.objects.filter(user=request.user, role=Membership.Role.OWNER).exists()  # type: ignore[misc]


admin.site.unregister(User)
admin.site.register(User, ScopedUserAdmin)
superuser_only(admin.site, Group)
