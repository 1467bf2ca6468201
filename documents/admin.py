"""Back office for documents and dossiers. Writes go through `documents.services`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from accesslog.models import AccessRecord
from cases.admin_scope import OrganizationScopedAdmin
from cases.models import Case
from documents import selectors, services
from documents.downloads import document_download_record, document_file_or_404
from documents.models import Document, Dossier


class DocumentForm(forms.ModelForm):
    upload = forms.FileField(required=False, help_text="The file; its SHA-256 is computed while it is stored.")

    class Meta:
        model = Document
        fields = ["case", "title", "kind", "date", "is_public", "description", "notes"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.instance.pk and not cleaned.get("upload"):
            self.add_error("upload", "Choose the file to store.")
        return cleaned

    def _post_clean(self) -> None:
        # Single-row checks only; the service validates again when it saves.
        pass


@admin.register(Document)
class DocumentAdmin(OrganizationScopedAdmin, SimpleHistoryAdmin):
    scope_organization = "case__organization"
    form = DocumentForm
    list_display = ["title", "case", "kind", "date", "is_public", "size", "short_sha256"]
    list_filter = ["kind", "is_public"]
    search_fields = ["title", "case__title", "sha256"]
    list_select_related = ["case"]
    autocomplete_fields = ["case"]
    readonly_fields = ["sha256", "size", "original_name", "content_type", "uploaded_by", "download"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Document]:
        return super().get_queryset(request).select_related("case")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        editable = ["case", "title", "kind", "date", "is_public", "description", "notes"]
        if obj is None:
            return [*editable, "upload"]
        return [*editable[1:], *self.readonly_fields]

    @admin.display(description="SHA-256")
    def short_sha256(self, obj: Document) -> str:
        return f"{obj.sha256[:16]}…"

    @admin.display(description="File")
    def download(self, obj: Document) -> str:
        url = reverse("admin:documents_document_download", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name or "download")

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<int:pk>/download/",
                self.admin_site.admin_view(self.download_view),
                name="documents_document_download",
            ),
            *super().get_urls(),
        ]

    def download_view(self, request: HttpRequest, pk: int) -> StreamingHttpResponse:
        document = get_object_or_404(self.get_queryset(request).select_related("case"), pk=pk)
        response = document_file_or_404(document)
        document_download_record(request, document, channel=AccessRecord.Channel.ADMIN)
        return response

    def save_model(self, request: HttpRequest, obj: Document, form: DocumentForm, change: bool) -> None:
        data = form.cleaned_data
        try:
            if change:
                saved = services.document_update(
                    document=obj, actor=request.user, **{k: data[k] for k in form.changed_data if k != "upload"}
                )
            else:
                upload = data["upload"]
                saved = services.document_add(
                    case=data["case"],
                    title=data["title"],
                    kind=data["kind"],
                    date=data["date"],
                    is_public=data["is_public"],
                    description=data["description"],
                    notes=data["notes"],
                    file=upload,
                    filename=upload.name,
                    content_type=upload.content_type or "",
                    actor=request.user,
                )
        except ValidationError as exc:
            raise _AdminRefusal("; ".join(exc.messages)) from exc
        obj.pk = saved.pk
        obj.__dict__.update({k: v for k, v in saved.__dict__.items() if not k.startswith("_")})

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().changeform_view(request, *args, **kwargs)
        except _AdminRefusal as exc:
            messages.error(request, f"Nothing was saved: {exc}")
            return HttpResponseRedirect(request.get_full_path())

    def delete_model(self, request: HttpRequest, obj: Document) -> None:
        services.document_delete(document=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Document]) -> None:
        for document in queryset:
            services.document_delete(document=document, actor=request.user)


class _AdminRefusal(Exception):
    pass


@admin.register(Dossier)
class DossierAdmin(OrganizationScopedAdmin, admin.ModelAdmin):
    scope_organization = "case__organization"
    list_display = ["case", "edition", "language", "state", "progress", "created_at", "finished_at", "follow", "pdf"]
    list_filter = ["state", "edition", "language"]
    list_select_related = ["case", "document"]
    search_fields = ["case__title"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Dossier]:
        return super().get_queryset(request).select_related("case", "document")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # dossiers are asked for with the case action, never typed in

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Progress page")
    def follow(self, obj: Dossier) -> str:
        return format_html('<a href="{}">open</a>', reverse("admin:documents_dossier_progress", args=[obj.pk]))

    @admin.display(description="PDF")
    def pdf(self, obj: Dossier) -> str:
        if obj.state != Dossier.State.READY or obj.document_id is None:
            return "-"
        url = reverse("admin:documents_document_download", args=[obj.document_id])
        return format_html('<a href="{}">download</a>', url)

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<int:pk>/progress/",
                self.admin_site.admin_view(self.progress_view),
                name="documents_dossier_progress",
            ),
            *super().get_urls(),
        ]

    def progress_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        dossier = get_object_or_404(self.get_queryset(request).select_related("case", "document"), pk=pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Dossier of {dossier.case}",
            "dossier": dossier,
            "opts": self.model._meta,
            "download_url": reverse("admin:documents_document_download", args=[dossier.document_id])
            if dossier.state == Dossier.State.READY and dossier.document_id
            else "",
        }
        return TemplateResponse(request, "admin/documents/dossier_progress.html", context)


# --- "Generate dossier" on the case list ----------------------------------------------------


class DossierRequestForm(forms.Form):
    edition = forms.ChoiceField(choices=Dossier.Edition.choices, initial=Dossier.Edition.INTERNAL)
    language = forms.ChoiceField(choices=Dossier.Language.choices, initial=Dossier.Language.EN)


@admin.action(description="Generate dossier (PDF)")
def generate_dossier(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Case]) -> HttpResponse | None:
    if "apply" in request.POST:
        form = DossierRequestForm(request.POST)
        if form.is_valid():
            edition, language = form.cleaned_data["edition"], form.cleaned_data["language"]
            dossiers = []
            for case in queryset:
                if not selectors.dossier_edition_allowed(user=request.user, case=case, edition=edition):  # type: ignore[arg-type]
                    raise PermissionDenied(f"You may not make the {edition} edition of {case}.")
                dossier, _ = services.dossier_request(case=case, edition=edition, language=language, actor=request.user)  # type: ignore[arg-type]
                dossiers.append(dossier)
            if len(dossiers) == 1:
                return HttpResponseRedirect(reverse("admin:documents_dossier_progress", args=[dossiers[0].pk]))
            modeladmin.message_user(request, f"{len(dossiers)} dossiers queued.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:documents_dossier_changelist"))
    else:
        form = DossierRequestForm()
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Generate dossier",
        "cases": queryset,
        "form": form,
        "opts": modeladmin.model._meta,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/documents/dossier_request.html", context)
